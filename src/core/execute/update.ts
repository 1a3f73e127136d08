/**
 * The update step: one PUT of the existing compute (the body as GET returned it, with only the
 * changed settings replaced), waited for. Nothing is detached: the compute stays attached and
 * its web services stay reachable, whatever Azure answers. A PUT whose answer was lost is judged
 * by reading the compute back (update-readback.ts) and sent again only when Azure did not act.
 */
import type { LroStart } from '../azure/poller';
import { isConflict } from '../azure/errors';
import { StateError } from '../contract/errors';
import type { ExecutionContext, StepRecord, Tracker } from './context';
import { matchesRequest } from './judge';
import { sendReadingBackLostAnswers } from './lost-answer';
import { concurrencyHint } from './recovery';
import { readBackUpdate } from './update-readback';
import { toUpdateBody } from './update-body';
import { waitForOperation, waitForOtherOperation } from './waiting';

export async function update(ctx: ExecutionContext, tracker: Tracker, records: StepRecord[]): Promise<StepRecord> {
  const { update: request, attach: desired } = tracker.plan;
  if (!request || !desired) throw new StateError('an update in place was planned without its request');
  const startedAt = ctx.clock.now();
  const body = toUpdateBody(request, desired);
  return ctx.platform.group(`Update ${ctx.computeName} in place`, async (): Promise<StepRecord> => {
    let start: LroStart | 'applied';
    try {
      start = await sendReadingBackLostAnswers(ctx, {
        what: `update of ${ctx.computeName}`,
        send: () => ctx.gateway.beginUpdateInPlace(body),
        readBack: () => readBackUpdate(ctx, tracker, body),
      });
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Another run is changing the compute: wait for it, then see whether it did what we wanted.
      const settled = await waitForOtherOperation(ctx, records, 'update');
      if (settled && !request.renew && matchesRequest(settled, desired)) {
        ctx.platform.info(`${ctx.computeName} was updated by another operation to the desired settings.`);
        return { step: 'update', durationMs: ctx.clock.now() - startedAt, polls: 0 };
      }
      throw new StateError(
        `another operation changed compute '${ctx.computeName}' while this step was about to update it; this step did not send its update`,
        `Re-run the step to reconcile it with the desired settings. ${concurrencyHint()}`,
      );
    }
    if (start === 'applied') return { step: 'update', durationMs: ctx.clock.now() - startedAt, polls: 0 };
    tracker.phase = 'updating';
    const outcome = await waitForOperation(ctx, 'update', start);
    ctx.platform.info(`Updated ${ctx.computeName} in place; it stayed attached.`);
    return { step: 'update', durationMs: ctx.clock.now() - startedAt, polls: outcome.polls };
  });
}
