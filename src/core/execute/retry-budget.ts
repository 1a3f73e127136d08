/**
 * How often one step may try again: a few attempts after transient failures (only while the
 * deadline leaves time to finish), and a few waits for another run's operation (409 Conflict).
 * Explicit state, so that the loops in attach/detach read as "while the budget allows".
 */
import { isTransientFailure } from '../azure/errors';
import type { Clock } from '../azure/clock';
import { AzureError } from '../contract/errors';

/** Attempts of one attach/create/detach before the step gives up (transient failures only). */
export const MAX_ATTACH_ATTEMPTS = 3;
/** Pause before the second attempt; doubles, capped at 30 s. */
const ATTACH_RETRY_PAUSE_MS = 2_000;
/** Retry only when this much time is left after the pause: an attach needs time to finish. */
const ATTACH_RETRY_MIN_LEFT_MS = 10_000;
/** 409 Conflicts (another operation on the compute) waited out per step before giving up. */
const MAX_CONFLICT_WAITS = 5;

export class RetryBudget {
  private attemptsUsed = 1;
  private conflictWaits = 0;

  constructor(private readonly time: { readonly clock: Clock; readonly deadline: number }) {}

  /** The attempt in progress, counted from 1. */
  get attempt(): number {
    return this.attemptsUsed;
  }

  get maxAttempts(): number {
    return MAX_ATTACH_ATTEMPTS;
  }

  /**
   * Spends one more attempt after `error` and returns the pause to take before it; undefined
   * when the error is not transient, the attempts are used up, or the deadline is too close.
   */
  retryAfter(error: unknown): number | undefined {
    const next = this.attemptsUsed + 1;
    const pause = pauseBefore(next);
    const left = this.time.deadline - this.time.clock.now() - pause;
    if (!isTransientFailure(error) || next > MAX_ATTACH_ATTEMPTS || left < ATTACH_RETRY_MIN_LEFT_MS) return undefined;
    this.attemptsUsed = next;
    return pause;
  }

  /** Spends one wait for another operation; false once they are used up. */
  waitForConflict(): boolean {
    this.conflictWaits += 1;
    return this.conflictWaits <= MAX_CONFLICT_WAITS;
  }
}

function pauseBefore(attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(30_000, ATTACH_RETRY_PAUSE_MS * 2 ** (attempt - 2));
}

/** One line about a failure, for "trying again" warnings. */
export function describeFailure(error: unknown): string {
  return error instanceof AzureError
    ? `${error.code}: ${firstLine(error.azureMessage)}`
    : firstLine(error instanceof Error ? error.message : String(error));
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0].slice(0, 300);
}
