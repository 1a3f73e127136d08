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
 * is running and this step changed nothing). `onBusy` hears each transitional state seen.
 */
export async function waitUntilSettled(
  ctx: SettleContext,
  label: string,
  recovery?: string,
  onBusy?: (state: string) => void,
): Promise<ComputeResource | undefined> {
  return waitWhileBusy(ctx, {
    what: `compute '${ctx.computeName}'`,
    read: () => ctx.gateway.getCompute(),
    stateOf: (compute) => compute.properties?.provisioningState ?? undefined,
    label,
    recovery: (state) =>
      recovery ??
      `Another operation on compute '${ctx.computeName}' is still running (state ${state}); this step changed nothing. Re-run the step once it has finished. ${concurrencyHint()}`,
    onBusy,
  });
}

export type SettleContext = Pick<
  ExecutionContext,
  'gateway' | 'platform' | 'clock' | 'computeName' | 'deadline' | 'signal'
>;

/** A resource read until it leaves its transitional states (Creating, Updating, Deleting…). */
export interface BusyResource<T> {
  /** For messages: "compute 'aks-prod'", "extension 'azureml'". */
  readonly what: string;
  read(): Promise<T | undefined>;
  stateOf(resource: T): string | undefined;
  /** Progress label; an operation of ours (attach/create/update/detach) has a known length, another run's has not. */
  readonly label: string;
  /** What a timeout in that state says about it. */
  recovery(state: string): string;
  readonly onBusy?: (state: string) => void;
}

/** Reads the resource on the poller's schedule while it is transitional; the settled resource, or undefined once it is gone. */
export async function waitWhileBusy<T>(
  ctx: Pick<ExecutionContext, 'platform' | 'clock' | 'computeName' | 'deadline' | 'signal'>,
  resource: BusyResource<T>,
): Promise<T | undefined> {
  const progress = new ProgressReporter(ctx.platform, `waiting for ${ctx.computeName} (${resource.label})`, ctx.clock);
  const startedAt = ctx.clock.now();
  const schedule = scheduleFor(EXPECTED_DURATION_MS[resource.label]);
  let lastLook = false;
  for (let i = 0; ; i++) {
    const found = await resource.read();
    const state = found === undefined ? undefined : resource.stateOf(found);
    if (found === undefined || !state || !isTransitional(state)) return found;
    resource.onBusy?.(state);
    progress.update(state);
    let delay = schedule(i, ctx.clock.now() - startedAt);
    const left = ctx.deadline - ctx.clock.now();
    if (delay >= left) {
      // One last look shortly before the deadline rather than giving up a whole interval early.
      if (lastLook || left < 2_500)
        throw new DeadlineError(`${resource.what} to leave ${state}`, resource.recovery(state));
      lastLook = true;
      delay = left - 1_500;
    }
    await ctx.clock.sleep(delay, ctx.signal);
  }
}
