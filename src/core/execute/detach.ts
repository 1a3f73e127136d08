/** The detach step: DELETE with underlyingResourceAction=Detach, waited for; another run's operation is waited out. */
import type { LroStart } from '../azure/poller';
import { isConflict } from '../azure/errors';
import { isTransitional } from '../observe/model';
import type { ExecutionContext, StepRecord, Tracker } from './context';
import { matchesRequest } from './judge';
import { RetryBudget, describeFailure } from './retry-budget';
import { waitForOperation, waitForOtherOperation, waitUntilSettled } from './waiting';

export async function detach(
  ctx: ExecutionContext,
  tracker: Tracker,
  records: StepRecord[],
): Promise<'detached' | 'already-as-desired'> {
  const startedAt = ctx.clock.now();
  const reattach = tracker.plan.action === 'reattach';
  type Detached = { by: 'us'; polls: number } | { by: 'other' } | { by: 'other-as-desired' };
  const result = await ctx.platform.group(`Detach ${ctx.computeName}`, async (): Promise<Detached> => {
    const budget = new RetryBudget(ctx);
    for (;;) {
      let start: LroStart;
      try {
        start = await ctx.gateway.beginDetach();
      } catch (error) {
        if (!isConflict(error) || !budget.waitForConflict()) throw error;
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
        const pause = budget.retryAfter(error);
        if (pause === undefined) throw error;
        ctx.platform.warning(
          `The detach of ${ctx.computeName} failed (${describeFailure(error)}); trying again (attempt ${budget.attempt} of ${budget.maxAttempts}).`,
        );
        await ctx.clock.sleep(pause, ctx.signal);
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
