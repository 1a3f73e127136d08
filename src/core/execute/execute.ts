/**
 * Runs a plan: detach, wait, attach (or create), wait. Never deletes a cluster. Every failure
 * either converges (transient faults are retried within the deadline, another run's operation is
 * waited for) or stops with an exact statement of where the compute is and what a re-run does.
 */
import type { ComputeResource } from '@azure/arm-machinelearning';
import { sameResourceId } from '../azure/arm-id';
import type { Clock } from '../azure/clock';
import { isConflict, isTransientFailure } from '../azure/errors';
import type { ArmGateway } from '../azure/gateway';
import { adaptiveSchedule, type LroOutcome, type LroStart } from '../azure/poller';
import { AzureError, CancelledError, DeadlineError, ProductError, StateError } from '../contract/errors';
import { isTransitional, TAGS } from '../observe/model';
import { toObservedCompute } from '../observe/from-arm';
import type { AttachRequest, Plan } from '../plan/plan';
import type { Platform } from '../contract/platform';
import { ProgressReporter } from './progress';
import { toComputeResource } from './compute-body';

export interface StepRecord {
  readonly step: 'detach' | 'attach' | 'create' | 'wait';
  readonly durationMs: number;
  readonly polls: number;
}

export interface ExecutionContext {
  readonly gateway: ArmGateway;
  readonly platform: Platform;
  readonly clock: Clock;
  readonly computeName: string;
  readonly deadline: number;
  readonly signal?: AbortSignal;
}

/** Attempts of one attach/create before the step gives up (transient failures only). */
export const MAX_ATTACH_ATTEMPTS = 3;
/** Pause before the second attempt; doubles, capped at 30 s. */
const ATTACH_RETRY_PAUSE_MS = 2_000;
/** Retry only when this much time is left after the pause: an attach needs time to finish. */
const ATTACH_RETRY_MIN_LEFT_MS = 10_000;
/** 409 Conflicts (another operation on the compute) waited out per step before giving up. */
const MAX_CONFLICT_WAITS = 5;

/** Where the execution stands, for the exact statement a failure ends with. */
type Phase = 'start' | 'detaching' | 'detached' | 'attaching';

interface Tracker {
  phase: Phase;
  readonly plan: Plan;
  /** The cluster the compute is (or was) bound to, for messages. */
  clusterId?: string;
}

export async function executePlan(plan: Plan, ctx: ExecutionContext): Promise<StepRecord[]> {
  const tracker: Tracker = { phase: 'start', plan, clusterId: plan.attach?.clusterId };
  const records: StepRecord[] = [];
  try {
    if (plan.action === 'detach' || plan.action === 'reattach') {
      const detached = await detach(ctx, tracker, records);
      if (detached === 'already-as-desired') return records;
    }
    if (plan.attach && (plan.action === 'attach' || plan.action === 'create' || plan.action === 'reattach')) {
      records.push(await attach(ctx, tracker, plan.attach, records));
    }
    return records;
  } catch (error) {
    throw await explain(ctx, tracker, error);
  }
}

// ------------------------------------------------------------------------------------ detach

async function detach(
  ctx: ExecutionContext,
  tracker: Tracker,
  records: StepRecord[],
): Promise<'detached' | 'already-as-desired'> {
  const startedAt = ctx.clock.now();
  const reattach = tracker.plan.action === 'reattach';
  type Detached = { by: 'us'; polls: number } | { by: 'other' } | { by: 'other-as-desired' };
  const result = await ctx.platform.group(`Detach ${ctx.computeName}`, async (): Promise<Detached> => {
    let conflicts = 0;
    for (let attempt = 1; ;) {
      let start: LroStart;
      try {
        start = await ctx.gateway.beginDetach();
      } catch (error) {
        if (!isConflict(error) || ++conflicts > MAX_CONFLICT_WAITS) throw error;
        const settled = await waitForOtherOperation(ctx, records, 'detach');
        if (!settled) return { by: 'other' };
        if (reattach && tracker.plan.attach && matchesRequest(settled, tracker.plan.attach))
          return { by: 'other-as-desired' };
        continue; // still there, with other settings: this step's detach still applies
      }
      tracker.phase = 'detaching';
      try {
        return { by: 'us', polls: (await waitForOperation(ctx, 'detach', start)).polls };
      } catch (error) {
        if (!retryable(ctx, error, ++attempt)) throw error;
        ctx.platform.warning(
          `The detach of ${ctx.computeName} failed (${describe(error)}); trying again (attempt ${attempt} of ${MAX_ATTACH_ATTEMPTS}).`,
        );
        await ctx.clock.sleep(pauseBefore(attempt), ctx.signal);
        const now = await ctx.gateway.getCompute();
        if (isTransitional(now?.properties?.provisioningState ?? '') && !(await waitUntilSettled(ctx, 'detach', '')))
          return { by: 'us', polls: 0 };
        if (!now) return { by: 'us', polls: 0 };
      }
    }
  });
  if (result.by === 'other-as-desired') {
    ctx.platform.info(
      `Compute ${ctx.computeName} was (re)attached by another operation with the desired settings while this step waited; it is left as it is.`,
    );
    return 'already-as-desired';
  }
  if (result.by === 'us') {
    // No read-back: should Deleting outlive the operation by a moment, the PUT that follows is
    // answered 409 Conflict, which attach() waits out before sending it again.
    ctx.platform.info(`Detached ${ctx.computeName}; the AKS cluster was left in place.`);
  } else {
    ctx.platform.info(
      `Compute ${ctx.computeName} was removed by the other operation; there is nothing left to detach.`,
    );
  }
  tracker.phase = 'detached';
  records.push({
    step: 'detach',
    durationMs: ctx.clock.now() - startedAt,
    polls: result.by === 'us' ? result.polls : 0,
  });
  return 'detached';
}

/** Another attempt after `error`: only for transient failures, a few times, and only when it can still finish before the deadline. */
function retryable(ctx: ExecutionContext, error: unknown, nextAttempt: number): boolean {
  const left = ctx.deadline - ctx.clock.now() - pauseBefore(nextAttempt);
  return isTransientFailure(error) && nextAttempt <= MAX_ATTACH_ATTEMPTS && left >= ATTACH_RETRY_MIN_LEFT_MS;
}

function describe(error: unknown): string {
  return error instanceof AzureError
    ? `${error.code}: ${firstLine(error.azureMessage)}`
    : firstLine(error instanceof Error ? error.message : String(error));
}

// ------------------------------------------------------------------------------------ attach

async function attach(
  ctx: ExecutionContext,
  tracker: Tracker,
  request: AttachRequest,
  records: StepRecord[],
): Promise<StepRecord> {
  const step = request.clusterId ? 'attach' : 'create';
  const startedAt = ctx.clock.now();
  const body = toComputeResource(request);
  let polls = 0;
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    const label = `${step === 'create' ? 'Create' : 'Attach'} ${ctx.computeName}${attempt > 1 ? ` (attempt ${attempt})` : ''}`;
    let result: Attempt;
    try {
      result = await ctx.platform.group(label, () => startAndWait(ctx, tracker, step, body, request, records));
    } catch (error) {
      if (!retryable(ctx, error, attempt + 1)) throw error;
      // A create that Azure accepted has made a cluster, which is never deleted: a second create would
      // leave it orphaned. The re-run attaches that cluster instead (the planner reattaches a Failed compute).
      if (step === 'create' && tracker.phase === 'attaching') throw error;
      ctx.platform.warning(
        `The ${step} of ${ctx.computeName} failed (${describe(error)}); trying again (attempt ${attempt + 1} of ${MAX_ATTACH_ATTEMPTS}).`,
      );
      await ctx.clock.sleep(pauseBefore(attempt + 1), ctx.signal);
      await clearLeftover(ctx, tracker, request, records);
      continue;
    }
    if (result.kind === 'again') {
      // Another operation was in the way and is over; the compute is gone or Failed: try again.
      if (++conflicts > MAX_CONFLICT_WAITS)
        throw new StateError(
          `other operations kept changing compute '${ctx.computeName}' while this step tried to ${step} it`,
          concurrencyHint(),
        );
      attempt--;
      await clearLeftover(ctx, tracker, request, records);
      continue;
    }
    polls += result.polls;
    ctx.platform.info(
      result.kind === 'by-other'
        ? `${ctx.computeName} is attached with the desired settings.`
        : `${step === 'create' ? 'Created' : 'Attached'} ${ctx.computeName}.`,
    );
    return { step, durationMs: ctx.clock.now() - startedAt, polls };
  }
}

type Attempt = { kind: 'done'; polls: number } | { kind: 'by-other'; polls: number } | { kind: 'again' };

async function startAndWait(
  ctx: ExecutionContext,
  tracker: Tracker,
  step: 'attach' | 'create',
  body: ComputeResource,
  request: AttachRequest,
  records: StepRecord[],
): Promise<Attempt> {
  let start: LroStart;
  try {
    start = await ctx.gateway.beginCreateOrUpdate(body, step);
  } catch (error) {
    if (error instanceof CancelledError || error instanceof DeadlineError) throw error;
    if (isConflict(error)) {
      // Another run (or an earlier attempt of ours whose answer was lost) is working on the compute.
      const settled = await waitForOtherOperation(ctx, records, step);
      if (settled && matchesRequest(settled, request)) return { kind: 'by-other', polls: 0 };
      if (!settled || isFailed(settled)) return { kind: 'again' };
      const observed = toObservedCompute(settled);
      throw new StateError(
        `another operation changed compute '${ctx.computeName}' while this step was about to ${step} it: it is now ${observed.provisioningState}, bound to ${observed.clusterId ?? '(no cluster)'}, with other settings than this step's; this step did not send its ${step}`,
        `Re-run the step to reconcile it with the desired settings. ${concurrencyHint()}`,
      );
    }
    // The PUT may have reached Azure although its answer was lost: look before deciding.
    const existing = await ctx.gateway.getCompute();
    if (!existing || !boundAsRequested(existing, request)) throw error;
    ctx.platform.info(
      `The ${step} of ${ctx.computeName} was accepted by Azure although its answer was lost; waiting for it.`,
    );
    tracker.phase = 'attaching';
    const settled = await waitUntilSettled(ctx, step, '');
    if (!settled)
      throw new AzureError(
        'ComputeDisappeared',
        `compute '${ctx.computeName}' disappeared while it was being ${step === 'create' ? 'created' : 'attached'}`,
      );
    if (!isSucceeded(settled)) throw provisioningFailure(settled, step);
    return { kind: 'done', polls: 0 };
  }
  tracker.phase = 'attaching';
  const outcome = await waitForOperation(ctx, step, start);
  return { kind: 'done', polls: outcome.polls };
}

/**
 * Before another attempt: a compute left behind by the failed one (Failed, or still settling)
 * would make the next PUT fail with 409, so it is waited for and, when Failed, detached.
 */
async function clearLeftover(
  ctx: ExecutionContext,
  tracker: Tracker,
  request: AttachRequest,
  records: StepRecord[],
): Promise<void> {
  let leftover = await ctx.gateway.getCompute();
  if (leftover && isTransitional(leftover.properties?.provisioningState ?? ''))
    leftover = await waitUntilSettled(ctx, 'the previous attempt', '');
  if (!leftover) return;
  if (matchesRequest(leftover, request)) return; // the next PUT is answered 409 and recognised as done
  if (!isFailed(leftover) || !boundAsRequested(leftover, request)) {
    // Not the remains of our attempt: another run attached something else meanwhile. Leave it alone.
    const observed = toObservedCompute(leftover);
    throw new StateError(
      `another operation changed compute '${ctx.computeName}' while this step was retrying: it is now ${observed.provisioningState}, bound to ${observed.clusterId ?? '(no cluster)'}, with other settings than this step's; this step left it alone`,
      `Re-run the step to reconcile it with the desired settings. ${concurrencyHint()}`,
    );
  }
  ctx.platform.info(
    `Compute ${ctx.computeName} is ${leftover.properties?.provisioningState} after the failed attempt; detaching it before trying again.`,
  );
  const startedAt = ctx.clock.now();
  const start = await ctx.gateway.beginDetach();
  tracker.phase = 'detaching';
  const outcome = await waitForOperation(ctx, 'detach', start);
  if (await waitUntilSettled(ctx, 'detach', ''))
    throw new AzureError('DetachIncomplete', `compute '${ctx.computeName}' still exists after its detach finished`);
  tracker.phase = 'detached';
  records.push({ step: 'detach', durationMs: ctx.clock.now() - startedAt, polls: outcome.polls });
}

function pauseBefore(attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(30_000, ATTACH_RETRY_PAUSE_MS * 2 ** (attempt - 2));
}

// ------------------------------------------------------------------------------------ waiting

async function waitForOperation(ctx: ExecutionContext, step: string, start: LroStart): Promise<LroOutcome> {
  const progress = new ProgressReporter(ctx.platform, `${step} ${ctx.computeName}`, ctx.clock);
  const outcome = await ctx.gateway.waitFor(start, (p) => progress.update(p.status));
  if (outcome.status !== 'Succeeded') {
    const code = outcome.error?.code ?? `Operation${outcome.status}`;
    throw new AzureError(code, outcome.error?.message || `the ${step} operation ended ${outcome.status}`);
  }
  return outcome;
}

/** After a 409: reads the compute until the other operation is over, sending nothing else. */
async function waitForOtherOperation(
  ctx: ExecutionContext,
  records: StepRecord[],
  step: string,
): Promise<ComputeResource | undefined> {
  const startedAt = ctx.clock.now();
  ctx.platform.info(
    `Azure answered 409 Conflict to the ${step} of ${ctx.computeName}: another operation is working on this compute. Waiting for it to finish, then deciding again.`,
  );
  const settled = await waitUntilSettled(
    ctx,
    'another operation',
    `Another operation on compute '${ctx.computeName}' is still running; this step's ${step} was refused by Azure with 409 Conflict and not sent again. Re-run the step once that operation has finished. ${concurrencyHint()}`,
  );
  records.push({ step: 'wait', durationMs: ctx.clock.now() - startedAt, polls: 0 });
  const state = settled?.properties?.provisioningState;
  ctx.platform.info(
    settled
      ? `The other operation is over: ${ctx.computeName} is ${state}.`
      : `The other operation is over: ${ctx.computeName} does not exist.`,
  );
  return settled;
}

/**
 * Waits while the compute is Creating, Updating or Deleting (another run, or the tail of our own
 * operation), by reading it on the poller's schedule. Returns the settled compute, or undefined
 * once it is gone. `recovery` is what a timeout says about the state (default: another operation
 * is running and this step changed nothing).
 */
export async function waitUntilSettled(
  ctx: Pick<ExecutionContext, 'gateway' | 'platform' | 'clock' | 'computeName' | 'deadline' | 'signal'>,
  label: string,
  recovery?: string,
): Promise<ComputeResource | undefined> {
  const progress = new ProgressReporter(ctx.platform, `waiting for ${ctx.computeName} (${label})`, ctx.clock);
  const startedAt = ctx.clock.now();
  let lastLook = false;
  for (let i = 0; ; i++) {
    const compute = await ctx.gateway.getCompute();
    const state = compute?.properties?.provisioningState;
    if (!compute || !state || !isTransitional(state)) return compute;
    progress.update(state);
    let delay = adaptiveSchedule(i, ctx.clock.now() - startedAt);
    const left = ctx.deadline - ctx.clock.now();
    if (delay >= left) {
      // One last look shortly before the deadline rather than giving up a whole interval early.
      if (lastLook || left < 2_500) {
        throw new DeadlineError(
          `compute '${ctx.computeName}' to leave ${state}`,
          recovery ??
            `Another operation on compute '${ctx.computeName}' is still running (state ${state}); this step changed nothing. Re-run the step once it has finished. ${concurrencyHint()}`,
        );
      }
      lastLook = true;
      delay = left - 1_500;
    }
    await ctx.clock.sleep(delay, ctx.signal);
  }
}

// ------------------------------------------------------------------------------------ judging computes

function isSucceeded(compute: ComputeResource): boolean {
  return (compute.properties?.provisioningState ?? '').toLowerCase() === 'succeeded';
}

function isFailed(compute: ComputeResource): boolean {
  return ['failed', 'canceled'].includes((compute.properties?.provisioningState ?? '').toLowerCase());
}

function boundAsRequested(compute: ComputeResource, request: AttachRequest): boolean {
  return (
    request.clusterId === undefined || sameResourceId(compute.properties?.resourceId ?? undefined, request.clusterId)
  );
}

/** The compute is Succeeded and has every setting the request would give it (another run's attach counts as ours). */
export function matchesRequest(compute: ComputeResource, request: AttachRequest): boolean {
  if (!isSucceeded(compute) || !boundAsRequested(compute, request)) return false;
  const c = toObservedCompute(compute);
  const same = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  if (c.computeType.toUpperCase() !== 'AKS') return false;
  if (!same(c.purpose ?? 'FastProd', request.purpose)) return false;
  if (!same(c.loadBalancerType ?? 'PublicIp', request.loadBalancerType)) return false;
  if (request.loadBalancerSubnet !== undefined && !same(c.loadBalancerSubnet, request.loadBalancerSubnet)) return false;
  if (c.tls.status !== request.tls.status) return false;
  if (request.tls.status === 'Enabled')
    return same(c.tls.cname, request.tls.cname) && same(c.tags[TAGS.fingerprint], request.tls.fingerprintSha256);
  if (request.tls.status === 'Auto') return same(c.tls.leafDomainLabel, request.tls.leafDomainLabel);
  return true;
}

function provisioningFailure(compute: ComputeResource, step: string): AzureError {
  const first = compute.properties?.provisioningErrors?.[0]?.error;
  const state = compute.properties?.provisioningState ?? 'Unknown';
  return new AzureError(
    first?.code ?? `Compute${state}`,
    first?.message ?? `the ${step} ended with the compute ${state}`,
  );
}

// ------------------------------------------------------------------------------------ failure statements

function concurrencyHint(): string {
  return 'Let only one run manage a compute at a time: `concurrency:` on GitHub, an exclusive lock on the environment in Azure Pipelines.';
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0].slice(0, 300);
}

/** The failure with an exact statement of where the compute is and what re-running does. */
async function explain(ctx: ExecutionContext, tracker: Tracker, error: unknown): Promise<unknown> {
  if (error instanceof StateError) return error;
  if (error instanceof CancelledError) return new CancelledError(error.recovery || fromKnowledge(ctx, tracker));
  if (error instanceof DeadlineError)
    return new DeadlineError(error.what, error.recovery || fromKnowledge(ctx, tracker));
  if (!(error instanceof ProductError) && !(error instanceof Error)) return error;
  const recovery = await fromLook(ctx, tracker);
  // An error's own advice (e.g. "check the credentials; nothing was changed") holds only if nothing was changed yet.
  if (error instanceof AzureError)
    return error.recovery && tracker.phase === 'start' ? error : error.withRecovery(recovery);
  if (error instanceof ProductError) return error;
  // An unexpected failure (a bug): keep its message, but still say where things stand.
  return new AzureError('UnexpectedFailure', error.message, undefined, recovery);
}

/** What a re-run does, by what this run knows (no request: used after cancellation and timeouts). */
function fromKnowledge(ctx: ExecutionContext, tracker: Tracker): string {
  const name = `'${ctx.computeName}'`;
  const cluster = tracker.clusterId ? `the cluster ${tracker.clusterId}` : 'the AKS cluster';
  const reattach = tracker.plan.action === 'reattach';
  const step = tracker.plan.attach && !tracker.plan.attach.clusterId ? 'create' : 'attach';
  const op = ctx.gateway.operationInProgress;
  const at = op?.url ? ` (operation ${op.url})` : '';
  switch (tracker.phase) {
    case 'start':
      return `Nothing was changed: compute ${name} is as it was before this step. Re-running the same step starts over.`;
    case 'detaching':
      return `The detach of compute ${name} continues in Azure${at}; ${cluster} is untouched. Re-running the same step waits for it${reattach ? ' and then reattaches the compute' : ''}.`;
    case 'detached':
      return reattach
        ? `Compute ${name} is DETACHED: ${cluster} is untouched, but the workspace has no compute named ${name}. Re-running the same step reattaches it.`
        : `Compute ${name} is detached; ${cluster} is untouched. Re-running the same step ${step === 'create' ? 'creates' : 'attaches'} it.`;
    case 'attaching':
      return `The ${step} of compute ${name} continues in Azure${at}; ${cluster} is untouched. Re-running the same step waits for it and reports the result.`;
  }
}

/** What a re-run does, by one look at the compute now (falls back to what this run knows). */
async function fromLook(ctx: ExecutionContext, tracker: Tracker): Promise<string> {
  const left = ctx.deadline - ctx.clock.now();
  const look = left >= 500 ? await ctx.gateway.peekCompute(Math.min(5_000, left)) : undefined;
  if (!look) return fromKnowledge(ctx, tracker);
  const name = `'${ctx.computeName}'`;
  const action = tracker.plan.action;
  const step = tracker.plan.attach && !tracker.plan.attach.clusterId ? 'create' : 'attach';
  const done = step === 'create' ? 'created' : 'attached';
  const compute = look.compute;
  const clusterId = compute?.properties?.resourceId ?? tracker.clusterId;
  const cluster = clusterId ? `the cluster ${clusterId}` : 'the AKS cluster';
  const state = compute?.properties?.provisioningState ?? 'Unknown';
  const failed = ['failed', 'canceled'].includes(state.toLowerCase());

  if (compute && isTransitional(state)) {
    const op = ctx.gateway.operationInProgress;
    return `Compute ${name} is ${state}, bound to ${cluster}: an operation on it is still running in Azure${op?.url ? ` (operation ${op.url})` : ''}. Re-running the same step waits for it and then acts on the result.`;
  }
  if (tracker.phase === 'start') {
    if (!compute)
      return `Nothing was changed by this step; the workspace has no compute named ${name}. Re-running the same step starts over.`;
    const rerun =
      action === 'detach' ? 'detaches it' : action === 'reattach' ? 'detaches and reattaches it' : 'tries again';
    return `Nothing was changed by this step: compute ${name} is ${state}, bound to ${cluster}. Re-running the same step ${rerun}.`;
  }
  if (action === 'detach') {
    return compute
      ? `Compute ${name} is still there (${state}, bound to ${cluster}, which is untouched). Re-running the same step detaches it.`
      : `Compute ${name} is detached after all; ${cluster} is untouched. Re-running the same step reports it absent.`;
  }
  const afterDetach = action === 'reattach' || tracker.phase === 'detached';
  if (!compute) {
    return afterDetach
      ? `Compute ${name} is DETACHED: ${cluster} is untouched, but the workspace has no compute named ${name}. Re-running the same step reattaches it.`
      : `Compute ${name} was not ${done}. Re-running the same step tries again. The workspace has no compute named ${name}; ${cluster} is untouched.`;
  }
  if (failed) {
    // The planner repairs a Failed compute by itself; a Canceled one only with operation: refresh.
    const anew = step === 'create' ? 'attaches the cluster Azure ML created for it' : 'attaches it anew';
    const repair =
      state.toLowerCase() === 'failed'
        ? `the re-run detaches it and ${anew}`
        : `re-run it with operation: refresh to detach it and ${step === 'create' ? 'attach the cluster Azure ML created for it' : 'attach it anew'}`;
    if (tracker.phase === 'detaching') {
      return `The detach of compute ${name} did not complete: it is left ${state}, still bound to ${cluster}, which is untouched. Re-running the same step retries: ${repair}.`;
    }
    return afterDetach
      ? `Compute ${name} is not attached: the ${step} after the detach failed and left it ${state}, bound to ${cluster}, which is untouched. Re-running the same step reattaches it: ${repair}.`
      : `Compute ${name} was not ${done}. Re-running the same step tries again: the compute is left ${state}, bound to ${cluster}, which is untouched; ${repair}.`;
  }
  return `Compute ${name} is ${state}, bound to ${cluster}. Re-running the same step compares it with the desired settings and changes it only if they differ.`;
}
