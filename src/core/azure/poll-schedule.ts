/**
 * When to look at a long-running operation again when Azure gives no Retry-After (it gives none
 * on compute operations: captured traffic). Knowing how long the operation usually takes, the
 * schedule polls sparsely while the end is far and densely around the expected end.
 */

/** A schedule: the interval before the next status poll. pollIndex counts the polls so far. */
export type PollSchedule = (pollIndex: number, elapsedMs: number) => number;

const SCHEDULE_MIN_MS = 1_000;
const SCHEDULE_MAX_MS = 15_000;

/**
 * How long each kind of operation usually takes, from the how-to ("attach about 5 minutes",
 * "create about 10"). An update in place (a PUT on the existing compute, azureml-core's
 * AksCompute.update) rolls out the same scoring front end as an attach, so it is expected to
 * take as long. A detach only removes Azure ML's record and components: expected within a
 * minute (the emulator and captured runs take seconds to tens of seconds).
 */
export const EXPECTED_DURATION_MS: Readonly<Record<string, number>> = {
  attach: 5 * 60_000,
  update: 5 * 60_000,
  create: 10 * 60_000,
  detach: 60_000,
};

/**
 * Interval when the operation's usual length is unknown: a quarter of the time elapsed so far,
 * between 1 s and 15 s. Waiting for 25% of what has already passed bounds the detection delay to
 * about a quarter of the operation's length (a 2.5 s delete is seen at 3 s), while the number of
 * polls grows only logarithmically until the interval reaches 15 s at 60 s elapsed; from then on
 * one poll per 15 s (Terraform uses 10 s, Azure CLI 30 s): 7.5 s late on average, 15 s at worst.
 * pollIndex is unused here; it is part of the signature for schedules that count polls.
 */
export function adaptiveSchedule(pollIndex: number, elapsedMs: number): number {
  void pollIndex;
  return Math.min(SCHEDULE_MAX_MS, Math.max(SCHEDULE_MIN_MS, Math.round(elapsedMs / 4)));
}

/** Until then the end could be any time: a quarter of the elapsed time, at most 5 s (a 20 s attach is seen within ~2.5 s). */
const EARLY_UNTIL_MS = 60_000;
const EARLY_MAX_MS = 5_000;
/** Dense polling from this fraction of the expected length… */
const DENSE_FROM = 0.95;
/** …until this fraction of it, and at least 30 s past it. */
const DENSE_UNTIL = 1.2;
const DENSE_PAST_MS = 30_000;

/**
 * The schedule for an operation expected to take about expectedMs:
 * - the first minute as adaptiveSchedule but at most 5 s apart (short operations are common: a
 *   prepared cluster attaches in ~30 s);
 * - then a quarter of the elapsed time, at most expectedMs / 20 (15 s for an attach, 30 s for a
 *   create), never jumping over the start of the dense window;
 * - from 95% to 120% of expectedMs (at least 30 s past it) every expectedMs / 60, 2–8 s (5 s for
 *   an attach, 8 s for a create): the end is noticed 2.5 s / 4 s late on average;
 * - after that, as adaptiveSchedule (every 15 s).
 * Virtual-clock figures (polls for exactly that length; lag mean / worst over ends in the next
 * 30 s; scripts/bench/schedule.ts prints the full table): attach 20 s → 12 polls, +2.5 / 4.8 s;
 * attach 5 min → 38 polls, +2.4 / 4.8 s; create 10 min → 43 polls, +3.9 / 7.8 s. The price: an
 * operation ending between the first minute and the dense window is seen up to expectedMs / 20
 * late (a 3-minute create: +15 s on average).
 */
export function expectedEndSchedule(expectedMs: number): PollSchedule {
  const step = clamp(Math.round(expectedMs / 60), 2_000, 8_000);
  const middleMax = clamp(expectedMs / 20, SCHEDULE_MAX_MS, 30_000);
  const denseFrom = DENSE_FROM * expectedMs;
  const denseUntil = Math.max(DENSE_UNTIL * expectedMs, expectedMs + DENSE_PAST_MS);
  return (pollIndex, elapsedMs) => {
    if (elapsedMs >= denseFrom && elapsedMs < denseUntil) return step;
    if (elapsedMs >= denseUntil) return adaptiveSchedule(pollIndex, elapsedMs);
    const max = elapsedMs < EARLY_UNTIL_MS ? EARLY_MAX_MS : middleMax;
    let interval = clamp(Math.round(elapsedMs / 4), SCHEDULE_MIN_MS, max);
    // Land on the edges (end of the first minute, start of the dense window), not past them.
    for (const edge of [EARLY_UNTIL_MS, denseFrom])
      if (elapsedMs < edge && elapsedMs + interval > edge) interval = Math.max(SCHEDULE_MIN_MS, edge - elapsedMs);
    return Math.round(interval);
  };
}

/** The schedule for an operation of that kind (attach, create, update, detach), or the adaptive one for anything else. */
export function scheduleFor(expectedMs: number | undefined): PollSchedule {
  return expectedMs && expectedMs > 0 ? expectedEndSchedule(expectedMs) : adaptiveSchedule;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
