/** Waiting: for our own operation (the poller), for another run's operation, and for a compute to settle. */
import type { ComputeResource } from '@azure/arm-machinelearning';
import { EXPECTED_DURATION_MS, scheduleFor } from '../azure/poll-schedule';
import type { LroOutcome, LroStart } from '../azure/poller';
import { AzureError, DeadlineError } from '../contract/errors';
import { isTransitional } from '../observe/model';
import type { ExecutionContext, StepRecord } from './context';
import { ProgressReporter } from './progress';
import { concurrencyHint } from './recovery';

export async function waitForOperation(ctx: ExecutionContext, step: string, start: LroStart): Promise<LroOutcome> {
  const progress = new ProgressReporter(ctx.platform, `${step} ${ctx.computeName}`, ctx.clock);
  // Azure sends no Retry-After on compute operations: the schedule knows how long this kind takes.
  const expected = { ...start, expectedDurationMs: start.expectedDurationMs ?? EXPECTED_DURATION_MS[step] };
  const outcome = await ctx.gateway.waitFor(expected, (p) => progress.update(p.status));
  if (outcome.status !== 'Succeeded') {
    const code = outcome.error?.code ?? `Operation${outcome.status}`;
    const message = outcome.error?.message || `the ${step} operation ended ${outcome.status}`;
    throw new AzureError(code, message, undefined, undefined, outcome.error?.details);
  }
  return outcome;
}

/** After a 409: reads the compute until the other operation is over, sending nothing else. */
export async function waitForOtherOperation(
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
      ? `The other operation is over: ${ctx.computeName} is ${state ?? 'Unknown'}.`
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
  return waitWhileTransitional(ctx, {
    subject: `compute '${ctx.computeName}'`,
    progress: `waiting for ${ctx.computeName} (${label})`,
    // Our own lost-answer operation (label attach/create/detach) has a known length; another run's has not.
    expectedDurationMs: EXPECTED_DURATION_MS[label],
    read: async () => {
      const compute = await ctx.gateway.getCompute();
      return { value: compute, state: compute?.properties?.provisioningState ?? undefined };
    },
    recovery: (state) =>
      recovery ??
      `Another operation on compute '${ctx.computeName}' is still running (state ${state}); this step changed nothing. Re-run the step once it has finished. ${concurrencyHint()}`,
  });
}

/** What waitWhileTransitional reads and says: the thing waited for and its provisioning state. */
export interface TransitionalWait<T> {
  /** e.g. "compute 'x'" or "extension 'azureml'", for the timeout. */
  readonly subject: string;
  readonly progress: string;
  readonly expectedDurationMs?: number;
  readonly read: () => Promise<{ readonly value: T; readonly state?: string }>;
  readonly recovery: (state: string) => string;
}

/** Reads on the poller's schedule while the state is Creating, Updating or Deleting; one last look shortly before the deadline. */
export async function waitWhileTransitional<T>(
  ctx: Pick<ExecutionContext, 'platform' | 'clock' | 'deadline' | 'signal'>,
  wait: TransitionalWait<T>,
): Promise<T> {
  const progress = new ProgressReporter(ctx.platform, wait.progress, ctx.clock);
  const startedAt = ctx.clock.now();
  const schedule = scheduleFor(wait.expectedDurationMs);
  let lastLook = false;
  for (let i = 0; ; i++) {
    const { value, state } = await wait.read();
    if (!state || !isTransitional(state)) return value;
    progress.update(state);
    let delay = schedule(i, ctx.clock.now() - startedAt);
    const left = ctx.deadline - ctx.clock.now();
    if (delay >= left) {
      // One last look shortly before the deadline rather than giving up a whole interval early.
      if (lastLook || left < 2_500) throw new DeadlineError(`${wait.subject} to leave ${state}`, wait.recovery(state));
      lastLook = true;
      delay = left - 1_500;
    }
    await ctx.clock.sleep(delay, ctx.signal);
  }
}
