/**
 * Where a failed update in place leaves the compute: still attached (an update never detaches),
 * and what a re-run does. Used by recovery.ts for plans whose action is `update`.
 */
import type { ComputeResource } from '@azure/arm-machinelearning';
import type { ExecutionContext, Tracker } from './context';

const REFRESH_INSTEAD =
  'To replace the settings by a detach and a reattach instead, run it with operation: refresh (its web services are unreachable meanwhile).';

/** After a cancellation or a timeout: by what this run knows. */
export function updateFromKnowledge(ctx: ExecutionContext, tracker: Tracker): string {
  const name = `'${ctx.computeName}'`;
  if (tracker.phase !== 'updating')
    return `Nothing was changed: compute ${name} is still attached as it was before this step. Re-running the same step updates it in place.`;
  const op = ctx.operations.operationInProgress;
  return `The update of compute ${name} continues in Azure${op?.url ? ` (operation ${op.url})` : ''}; the compute stays attached. Re-running the same step waits for it and reports the result.`;
}

/** After Azure refused the update (the PUT answered 4xx) or its operation ended Failed: by one look at the compute. */
export function updateFromLook(ctx: ExecutionContext, tracker: Tracker, compute: ComputeResource | undefined): string {
  const name = `'${ctx.computeName}'`;
  if (!compute)
    return `Compute ${name} no longer exists in the workspace (something else removed it). Re-running the same step attaches it.`;
  const state = compute.properties?.provisioningState ?? 'Unknown';
  const cluster = compute.properties?.resourceId ?? tracker.clusterId ?? '(unknown)';
  const failed = ['failed', 'canceled'].includes(state.toLowerCase());
  const what =
    tracker.phase === 'start'
      ? `Azure refused the update: compute ${name} is still attached as it was (${state}, bound to the cluster ${cluster}); its web services stay attached.`
      : `The update in place did not complete: compute ${name} is still attached (${state}, bound to the cluster ${cluster}); nothing was detached.`;
  const rerun = failed
    ? `Azure left it ${state}, so re-running the same step detaches and reattaches it with the desired settings.`
    : `Re-running the same step tries the update again. ${REFRESH_INSTEAD}`;
  return `${what} ${rerun}`;
}
