/**
 * After a PUT of an update in place whose answer was lost: where the compute is. Azure acted when
 * the compute carries the desired settings (the certificate's fingerprint lives in a tag, since
 * ARM never returns the certificate), or went through Updating since; it did not when the compute
 * is still exactly as the update was built from, so the same PUT may go again.
 */
import { isDeepStrictEqual } from 'node:util';
import { AzureError, StateError } from '../contract/errors';
import type { ExecutionContext, Tracker } from './context';
import { isFailed, matchesRequest, provisioningFailure } from './judge';
import type { ReadBack } from './lost-answer';
import { concurrencyHint } from './recovery';
import { toUpdateBody } from './update-body';
import { updateFromKnowledge } from './update-recovery';
import { waitUntilSettled } from './waiting';

export async function readBackUpdate(
  ctx: ExecutionContext,
  tracker: Tracker,
  sent: Record<string, unknown>,
): Promise<ReadBack> {
  const { update: request, attach: desired } = tracker.plan;
  if (!request || !desired) throw new StateError('an update in place was planned without its request');
  let busy = false;
  const settled = await waitUntilSettled(
    ctx,
    'update',
    updateFromKnowledge(ctx, { ...tracker, phase: 'updating' }),
    () => {
      busy = true;
      tracker.phase = 'updating';
    },
  );
  const name = ctx.computeName;
  if (!settled)
    return {
      kind: 'failed',
      error: new AzureError('ComputeDisappeared', `compute '${name}' disappeared while it was being updated`),
    };
  if (isFailed(settled)) {
    // An update Azure received and could not apply (an update in place starts from a Succeeded compute).
    tracker.phase = 'updating';
    return { kind: 'failed', error: provisioningFailure(settled, 'update') };
  }
  // A renewal changes no setting: only an Updating seen since says it was received.
  if (request.renew ? busy : matchesRequest(settled, desired)) return { kind: 'applied' };
  // Still exactly what the update was built from: Azure did not act, and the same PUT may go again.
  if (!busy && isDeepStrictEqual(toUpdateBody({ ...request, current: settled }, desired), sent))
    return { kind: 'unchanged' };
  return {
    kind: 'failed',
    error: new StateError(
      `another operation changed compute '${name}' while this step was updating it (the update's answer was lost); this step did not send it again`,
      `Re-run the step to reconcile it with the desired settings. ${concurrencyHint()}`,
    ),
  };
}
