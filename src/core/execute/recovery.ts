/** The exact statement a failed step ends with: where the compute is, and what a re-run does. */
import { AzureError, CancelledError, DeadlineError, ProductError, StateError } from '../contract/errors';
import { toObservedCompute } from '../observe/from-arm';
import { isTransitional } from '../observe/model';
import type { ExecutionContext, Tracker } from './context';
import { updateFromKnowledge, updateFromLook } from './update-recovery';
import { parseManagedClusterId } from '../azure/arm-id';
import { frontEndLeftoversNote } from '../cluster/frontend-leftovers';

export function concurrencyHint(): string {
  return 'Let only one run manage a compute at a time: `concurrency:` on GitHub, an exclusive lock on the environment in Azure Pipelines.';
}

/** The failure with an exact statement of where the compute is and what re-running does. */
export async function explain(ctx: ExecutionContext, tracker: Tracker, error: unknown): Promise<unknown> {
  if (error instanceof StateError) return error;
  if (error instanceof CancelledError) return new CancelledError(error.recovery || fromKnowledge(ctx, tracker));
  if (error instanceof DeadlineError)
    return new DeadlineError(error.what, error.recovery || fromKnowledge(ctx, tracker));
  if (!(error instanceof ProductError) && !(error instanceof Error)) return error;
  const recovery = (await fromLook(ctx, tracker, error)) + (await attachFailureCause(ctx, tracker, error));
  // An error's own advice (e.g. "check the credentials; nothing was changed") holds only if nothing was changed yet.
  if (error instanceof AzureError)
    return error.recovery && tracker.phase === 'start' ? error : error.withRecovery(recovery);
  if (error instanceof ProductError) return error;
  // An unexpected failure (a bug): keep its message, but still say where things stand.
  return new AzureError('UnexpectedFailure', error.message, undefined, recovery);
}

/** After an attach operation of an existing cluster failed: the documented cause to check (azureml-fe leftovers). */
async function attachFailureCause(ctx: ExecutionContext, tracker: Tracker, error: unknown): Promise<string> {
  const action = tracker.plan.action;
  const clusterId = tracker.plan.attach?.clusterId ? parseManagedClusterId(tracker.plan.attach.clusterId) : undefined;
  if (!(error instanceof AzureError) || tracker.phase !== 'attaching' || !clusterId) return '';
  if (action !== 'attach' && action !== 'reattach') return '';
  return `\n${await frontEndLeftoversNote(ctx.cluster, clusterId)}`;
}

/** What a re-run does, by what this run knows (no request: used after cancellation and timeouts). */
function fromKnowledge(ctx: ExecutionContext, tracker: Tracker): string {
  if (tracker.plan.action === 'update') return updateFromKnowledge(ctx, tracker);
  const name = `'${ctx.computeName}'`;
  const cluster = tracker.clusterId ? `the cluster ${tracker.clusterId}` : 'the AKS cluster';
  const reattach = tracker.plan.action === 'reattach';
  const step = tracker.plan.attach && !tracker.plan.attach.clusterId ? 'create' : 'attach';
  const op = ctx.operations.operationInProgress;
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
    case 'updating':
      return updateFromKnowledge(ctx, tracker);
    case 'attaching':
      return `The ${step} of compute ${name} continues in Azure${at}; ${cluster} is untouched. Re-running the same step waits for it and reports the result.`;
  }
}

/** What a re-run does, by one look at the compute now (falls back to what this run knows). */
async function fromLook(ctx: ExecutionContext, tracker: Tracker, error: unknown): Promise<string> {
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
    const op = ctx.operations.operationInProgress;
    return `Compute ${name} is ${state}, bound to ${cluster}: an operation on it is still running in Azure${op?.url ? ` (operation ${op.url})` : ''}. Re-running the same step waits for it and then acts on the result.`;
  }
  if (action === 'update') return updateFromLook(ctx, tracker, compute);
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
    const left = `${state}${azureReason(compute, error)}`;
    // The planner repairs a Failed compute by itself; a Canceled one only with operation: refresh.
    const anew = step === 'create' ? 'attaches the cluster Azure ML created for it' : 'attaches it anew';
    const repair =
      state.toLowerCase() === 'failed'
        ? `the re-run detaches it and ${anew}`
        : `re-run it with operation: refresh to detach it and ${step === 'create' ? 'attach the cluster Azure ML created for it' : 'attach it anew'}`;
    if (tracker.phase === 'detaching') {
      return `The detach of compute ${name} did not complete: it is left ${left}, still bound to ${cluster}, which is untouched. Re-running the same step retries: ${repair}.`;
    }
    return afterDetach
      ? `Compute ${name} is not attached: the ${step} after the detach failed and left it ${left}, bound to ${cluster}, which is untouched. Re-running the same step reattaches it: ${repair}.`
      : `Compute ${name} was not ${done}. Re-running the same step tries again: the compute is left ${left}, bound to ${cluster}, which is untouched; ${repair}.`;
  }
  return `Compute ${name} is ${state}, bound to ${cluster}. Re-running the same step compares it with the desired settings and changes it only if they differ.`;
}

/**
 * Why Azure says the compute failed (its provisioningErrors, details included), unless the error
 * being explained already says it: the recovery text then still names the reason when the step
 * failed for another one (a timeout, a retry given up).
 */
function azureReason(compute: Parameters<typeof toObservedCompute>[0], error: unknown): string {
  const reasons = toObservedCompute(compute).provisioningErrors.filter(Boolean);
  if (!reasons.length) return '';
  const code = error instanceof AzureError ? error.code : undefined;
  if (code && reasons.every((r) => r.startsWith(`${code}:`) || r === code)) return '';
  return ` (Azure: ${reasons.join('; ')})`;
}
