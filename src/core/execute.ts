/**
 * Runs a plan: detach, wait, attach (or create), wait. Never deletes a cluster. When something
 * fails midway, the error says exactly what state the compute was left in and what a re-run does.
 */
import type { ComputeResource } from '@azure/arm-machinelearning';
import { sameResourceId } from './arm-id';
import type { Clock } from './azure/clock';
import type { ArmGateway } from './azure/gateway';
import { adaptiveSchedule, type LroOutcome, type LroStart } from './azure/poller';
import { AzureError, CancelledError, DeadlineError, ProductError } from './errors';
import { isTransitional } from './observed';
import type { AttachRequest, Plan } from './plan';
import type { Platform } from './platform';
import { ProgressReporter } from './progress';
import { toComputeResource } from './requests';

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

/** Operation failure codes that a second attempt may get past. */
const TRANSIENT_CODE = /internal|timeout|timedout|unavailable|toomanyrequests|serverbusy|conflict|retry/i;

export async function executePlan(plan: Plan, ctx: ExecutionContext): Promise<StepRecord[]> {
  const records: StepRecord[] = [];
  if (plan.action === 'detach' || plan.action === 'reattach') {
    records.push(await detach(ctx, plan.action === 'reattach'));
  }
  if (plan.attach && (plan.action === 'attach' || plan.action === 'create' || plan.action === 'reattach')) {
    records.push(await attach(ctx, plan.attach, plan.action === 'reattach'));
  }
  return records;
}

async function detach(ctx: ExecutionContext, reattachFollows: boolean): Promise<StepRecord> {
  const startedAt = ctx.clock.now();
  const stillAttached = `Compute '${ctx.computeName}' is still attached${reattachFollows ? ' with its old settings' : ''}; nothing else changed. Re-running the step retries.`;
  const outcome = await ctx.platform.group(`Detach ${ctx.computeName}`, async () => {
    const start = await withRecovery(ctx.gateway.beginDetach(), stillAttached);
    return waitForOperation(ctx, 'detach', start, stillAttached);
  });
  // Deleting can outlive the operation by a moment; the PUT must not race it.
  const settled = await waitUntilSettled(ctx, 'detach');
  if (settled) throw new AzureError('DetachIncomplete', `compute '${ctx.computeName}' still exists (${settled.properties?.provisioningState}) after the detach finished`, undefined, stillAttached);
  ctx.platform.info(`Detached ${ctx.computeName}; the AKS cluster was left in place.`);
  return { step: 'detach', durationMs: ctx.clock.now() - startedAt, polls: outcome.polls };
}

async function attach(ctx: ExecutionContext, request: AttachRequest, afterDetach: boolean): Promise<StepRecord> {
  const step = request.clusterId ? 'attach' : 'create';
  const startedAt = ctx.clock.now();
  const body = toComputeResource(request);
  const recovery = afterDetach
    ? `Compute '${ctx.computeName}' is DETACHED: the cluster ${request.clusterId ?? ''} is untouched, but the workspace has no compute of that name. Re-running the same step reattaches it.`
    : `Compute '${ctx.computeName}' was not ${step === 'create' ? 'created' : 'attached'}. Re-running the same step tries again.`;
  let polls = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await ctx.platform.group(`${step === 'create' ? 'Create' : 'Attach'} ${ctx.computeName}${attempt > 1 ? ` (attempt ${attempt})` : ''}`, () => startAndWait(ctx, step, body, request));
      polls += outcome.polls;
      ctx.platform.info(`${step === 'create' ? 'Created' : 'Attached'} ${ctx.computeName}.`);
      return { step, durationMs: ctx.clock.now() - startedAt, polls };
    } catch (error) {
      const retryable = error instanceof AzureError && TRANSIENT_CODE.test(error.code) && attempt < 3 && ctx.deadline - ctx.clock.now() > 60_000;
      if (!retryable) throw withRecoveryText(error, recovery);
      ctx.platform.warning(`${step} of ${ctx.computeName} failed (${(error as AzureError).code}); trying again`);
      // A failed attempt can leave a compute in Failed state, which blocks the next PUT.
      if (await ctx.gateway.getCompute()) await detach(ctx, true);
    }
  }
}

async function startAndWait(ctx: ExecutionContext, step: 'attach' | 'create', body: ComputeResource, request: AttachRequest): Promise<LroOutcome> {
  let start: LroStart;
  try {
    start = await ctx.gateway.beginCreateOrUpdate(body);
  } catch (error) {
    // The PUT may have reached Azure although its answer was lost: look before deciding.
    const existing = await ctx.gateway.getCompute();
    const ours = existing && (request.clusterId === undefined || sameResourceId(existing.properties?.resourceId ?? undefined, request.clusterId));
    if (!ours) throw error;
    ctx.platform.info(`${step} of ${ctx.computeName} was accepted by Azure although its answer was lost; waiting for it`);
    const settled = await waitUntilSettled(ctx, step);
    const state = settled?.properties?.provisioningState ?? 'absent';
    if (state.toLowerCase() !== 'succeeded') throw new AzureError('OperationFailed', `compute '${ctx.computeName}' ended ${state}`);
    return { status: 'Succeeded', polls: 0, elapsedMs: 0 };
  }
  return waitForOperation(ctx, step, start, '');
}

async function waitForOperation(ctx: ExecutionContext, step: string, start: LroStart, recovery: string): Promise<LroOutcome> {
  const progress = new ProgressReporter(ctx.platform, `${step} ${ctx.computeName}`, ctx.clock);
  const outcome = await withRecovery(ctx.gateway.waitFor(start, (p) => progress.update(p.status)), recovery);
  if (outcome.status !== 'Succeeded') {
    const code = outcome.error?.code ?? `Operation${outcome.status}`;
    throw new AzureError(code, outcome.error?.message ?? `the ${step} operation ended ${outcome.status}`, undefined, recovery || undefined);
  }
  return outcome;
}

/**
 * Waits while the compute is Creating, Updating or Deleting (another run, or the tail of our own
 * operation), by reading it on the poller's schedule. Returns the settled compute, or undefined
 * once it is gone.
 */
export async function waitUntilSettled(ctx: Pick<ExecutionContext, 'gateway' | 'platform' | 'clock' | 'computeName' | 'deadline' | 'signal'>, label: string): Promise<ComputeResource | undefined> {
  const progress = new ProgressReporter(ctx.platform, `waiting for ${ctx.computeName} (${label})`, ctx.clock);
  const startedAt = ctx.clock.now();
  for (let i = 0; ; i++) {
    const compute = await ctx.gateway.getCompute();
    const state = compute?.properties?.provisioningState;
    if (!compute || !state || !isTransitional(state)) return compute;
    progress.update(state);
    const delay = adaptiveSchedule(i, ctx.clock.now() - startedAt);
    if (ctx.clock.now() + delay > ctx.deadline) throw new DeadlineError(`compute '${ctx.computeName}' to leave ${state}`);
    await ctx.clock.sleep(delay, ctx.signal);
  }
}

async function withRecovery<T>(promise: Promise<T>, recovery: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw withRecoveryText(error, recovery);
  }
}

function withRecoveryText(error: unknown, recovery: string): unknown {
  if (!recovery) return error;
  if (error instanceof AzureError && !error.recovery) return error.withRecovery(recovery);
  if (error instanceof DeadlineError && !error.recovery) return new DeadlineError(error.what, recovery);
  if (error instanceof CancelledError && !error.recovery) return new CancelledError(recovery);
  if (error instanceof ProductError) return error;
  return error;
}
