/**
 * What a failed status request means for the next one. A status GET is idempotent and cheap, and
 * one that failed (5xx, connection reset, timeout) told nothing: it is a poll like any other, so
 * the next one follows the poll schedule (which widens by itself as the operation goes on), not
 * the exponential backoff of other requests. Only the service asking for less (429, or any
 * Retry-After) slows the polling down.
 */
import { type HttpExchange } from './http-exchange';
import { AttemptTimedOut, THROTTLED_FLOOR_MS, classifyAzureFailure, fullJitterMs } from './retry';

export interface FailedPoll {
  reason: string;
  /** The service said how long to wait (Retry-After, retry-after-ms): exactly that long, instead of the schedule. */
  retryAfterMs?: number;
  /** A 429 without Retry-After: at least this long, even when the schedule would look sooner. */
  throttledBackoffMs?: number;
}

/**
 * The failure of one status request (a thrown error or a retryable answer), or undefined when it
 * is final (a 4xx, our own decision, a cancellation). `throttledInARow` counts the 429s so far,
 * this one included.
 */
export function failedPoll(failure: unknown, throttledInARow: number): FailedPoll | undefined {
  if (failure instanceof AttemptTimedOut) return { reason: failure.message };
  const decision = classifyAzureFailure(failure);
  if (!decision.retry) return undefined;
  const reason = decision.reason ?? 'retryable failure';
  if (decision.retryAfterMs !== undefined && decision.retryAfterMs > 0)
    return { reason, retryAfterMs: decision.retryAfterMs };
  if (isThrottled(failure)) return { reason, throttledBackoffMs: THROTTLED_FLOOR_MS + fullJitterMs(throttledInARow) };
  return { reason };
}

/** An answer (or a RetryLater shaped like one) that says 429 Too Many Requests. */
function isThrottled(failure: unknown): boolean {
  return (failure as Partial<HttpExchange> | null)?.status === 429;
}

/** A status answer that is a failure worth another poll (429, 5xx, 408), not a reading. */
export function isRetryableAnswer(exchange: HttpExchange): boolean {
  return classifyAzureFailure(exchange).retry;
}
