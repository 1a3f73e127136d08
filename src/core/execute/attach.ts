/** The attach (or create) step: PUT the compute and wait; retried within a budget, never creating a second cluster. */
import type { ComputeResource } from '@azure/arm-machinelearning';
import { isConflict } from '../azure/errors';
import type { LroStart } from '../azure/poller';
import { AzureError, CancelledError, DeadlineError, StateError } from '../contract/errors';
import { toObservedCompute } from '../observe/from-arm';
import { isTransitional } from '../observe/model';
import type { AttachRequest } from '../plan/plan';
import { toComputeResource } from './compute-body';
import type { ExecutionContext, StepRecord, Tracker } from './context';
import { boundAsRequested, isFailed, isSucceeded, matchesRequest, provisioningFailure } from './judge';
import { concurrencyHint } from './recovery';
import { RetryBudget, describeFailure } from './retry-budget';
import { waitForOperation, waitForOtherOperation, waitUntilSettled } from './waiting';

export async function attach(
  ctx: ExecutionContext,
  tracker: Tracker,
  request: AttachRequest,
  records: StepRecord[],
): Promise<StepRecord> {
  const step = request.clusterId ? 'attach' : 'create';
  const startedAt = ctx.clock.now();
  const body = toComputeResource(request);
  let polls = 0;
  const budget = new RetryBudget(ctx);
  for (;;) {
    const attempt = budget.attempt;
    const label = `${step === 'create' ? 'Create' : 'Attach'} ${ctx.computeName}${attempt > 1 ? ` (attempt ${attempt})` : ''}`;
    let result: Attempt;
    try {
      result = await ctx.platform.group(label, () => startAndWait(ctx, tracker, step, body, request, records));
    } catch (error) {
      // A create that Azure accepted has made a cluster, which is never deleted: a second create would
      // leave it orphaned. The re-run attaches that cluster instead (the planner reattaches a Failed compute).
      if (step === 'create' && tracker.phase === 'attaching') throw error;
      const pause = budget.retryAfter(error);
      if (pause === undefined) throw error;
      ctx.platform.warning(
        `The ${step} of ${ctx.computeName} failed (${describeFailure(error)}); trying again (attempt ${budget.attempt} of ${budget.maxAttempts}).`,
      );
      await ctx.clock.sleep(pause, ctx.signal);
      await clearLeftover(ctx, tracker, request, records);
      continue;
    }
    if (result.kind === 'again') {
      // Another operation was in the way and is over; the compute is gone or Failed: try again.
      if (!budget.waitForConflict())
        throw new StateError(
          `other operations kept changing compute '${ctx.computeName}' while this step tried to ${step} it`,
          concurrencyHint(),
        );
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
    `Compute ${ctx.computeName} is ${leftover.properties?.provisioningState ?? 'Unknown'} after the failed attempt; detaching it before trying again.`,
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
