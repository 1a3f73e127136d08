/** Retries of one Azure request: until it succeeds, fails for good, the deadline or cancellation. */
import { networkFailureOf } from './network-failure';
import { CancelledError, DeadlineError, ProductError } from '../contract/errors';
import { type Clock, systemClock } from './clock';
import { type HttpExchange, parseRetryAfterMs } from './http-exchange';

export interface RetryDecision {
  retry: boolean;
  retryAfterMs?: number;
  /** The shortest pause before the next try, under the jitter (a throttled answer without Retry-After). */
  minDelayMs?: number;
  reason?: string;
}

export interface RetryOptions {
  /** Epoch ms; never sleep past it. */
  deadline: number;
  signal?: AbortSignal;
  clock?: Clock;
  /** Per-attempt timeout (default 30000): the attempt's signal aborts, and it counts as retryable. */
  attemptTimeoutMs?: number;
  /** Default: classifyAzureFailure. */
  classify?: (error: unknown) => RetryDecision;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** E.g. "GET compute aks-prod", used in DeadlineError. */
  describe: string;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;
/** Shortest jittered pause once the deadline is near (see delayBefore). */
const MIN_CLAMPED_PAUSE_MS = 1_000;
/**
 * After a 429 or 503 without Retry-After: the server said "too much" without saying for how long,
 * so the next try waits at least this long (full jitter from 0 could resend at once).
 */
export const THROTTLED_FLOOR_MS = 1_000;
const THROTTLED_STATUS = new Set([429, 503]);

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Thrown when an attempt outlives its timeout (withRetries' attemptTimeoutMs, runAttempt's timeoutMs). */
export class AttemptTimedOut extends Error {
  /** A transport failure like any other (network-failure.ts): the request may or may not have reached Azure. */
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * Runs fn until it succeeds, a non-retryable error, the deadline or cancellation. Backoff:
 * exponential with full jitter from 1 s capped at 30 s, but never shorter than a Retry-After.
 */
export async function withRetries<T>(
  fn: (attemptSignal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const classify = options.classify ?? classifyAzureFailure;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const gaveUp = (attempts: number, lastReason?: string): DeadlineError =>
    new DeadlineError(
      `${options.describe} (${attempts} attempt${attempts === 1 ? '' : 's'}${lastReason ? `, last: ${lastReason}` : ''})`,
    );
  let lastReason: string | undefined;

  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError();
    const remaining = options.deadline - clock.now();
    if (remaining <= 0) throw gaveUp(attempt - 1, lastReason);

    let decision: RetryDecision;
    try {
      // An attempt never runs past the deadline either.
      return await runAttempt(fn, Math.min(attemptTimeoutMs, remaining), clock, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw new CancelledError();
      // A timed-out attempt goes through the classifier too: a write that may have reached Azure is
      // not resent blindly (retryOnlyIfNotProcessed), its caller reads the resource back.
      decision = classify(error);
      if (!decision.retry) throw error;
    }

    lastReason = decision.reason ?? 'retryable failure';
    const delayMs = delayBefore(attempt, decision, options.deadline - clock.now());
    // Sleeping past the deadline only to give up then would add nothing but time.
    if (clock.now() + delayMs >= options.deadline) throw gaveUp(attempt, lastReason);
    options.onRetry?.({ attempt, delayMs, reason: lastReason });
    await clock.sleep(delayMs, options.signal);
  }
}

/**
 * Full jitter (uniform in [0, min(30 s, 1 s · 2^(attempt-1))]) spreads the retries of many
 * clients, on top of the decision's floor (1 s after a throttled answer without Retry-After);
 * a Retry-After is a floor, never shortened. Near the deadline the jittered part is clamped to
 * half the time left (at least 1 s), so that one more attempt still fits.
 */
function delayBefore(attempt: number, decision: RetryDecision, remainingMs: number): number {
  const jittered = Math.min(fullJitterMs(attempt), Math.max(MIN_CLAMPED_PAUSE_MS, remainingMs / 2));
  return Math.max(decision.retryAfterMs ?? 0, (decision.minDelayMs ?? 0) + Math.round(jittered));
}

/** Full jitter before the given attempt (counted from 1): uniform in [0, min(30 s, 1 s · 2^(attempt-1))]. */
export function fullJitterMs(attempt: number): number {
  return Math.round(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
}

/**
 * One attempt, raced against its timeout and the caller's signal: even an fn that ignores its
 * signal cannot hold us. The timer and the listener are removed whatever happens.
 */
export async function runAttempt<T>(
  fn: (attemptSignal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  clock: Clock,
  parent: AbortSignal | undefined,
): Promise<T> {
  const attempt = new AbortController();
  const timer = new AbortController();
  let onParentAbort = (): void => {};
  const interrupted = new Promise<never>((_, reject) => {
    onParentAbort = () => {
      attempt.abort(new CancelledError());
      reject(new CancelledError());
    };
    parent?.addEventListener('abort', onParentAbort, { once: true });
    clock.sleep(timeoutMs, timer.signal).then(
      () => {
        const timedOut = new AttemptTimedOut(timeoutMs);
        attempt.abort(timedOut);
        reject(timedOut);
      },
      () => undefined, // timer cleared: the attempt is over
    );
  });
  try {
    return await Promise.race([fn(attempt.signal), interrupted]);
  } finally {
    timer.abort();
    parent?.removeEventListener('abort', onParentAbort);
  }
}

/**
 * Retryable: 408, 429, 500, 502, 503, 504, network errors and timeouts. Reads Retry-After
 * (seconds or HTTP date) and retry-after-ms / x-ms-retry-after-ms from a RestError-like error
 * (`statusCode`, `response.headers.get`) or an HttpExchange. Other 4xx: not retryable.
 */
export function classifyAzureFailure(error: unknown): RetryDecision {
  // Our own typed errors are decisions already taken, not transport accidents.
  if (error instanceof ProductError) return { retry: false, reason: error.message };
  const http = httpFailureOf(error);
  if (http) {
    if (!RETRYABLE_STATUS.has(http.status)) return { retry: false, reason: `HTTP ${http.status}` };
    const retryAfterMs = parseRetryAfterMs(http.header);
    const hint = retryAfterMs !== undefined ? ` (retry after ${retryAfterMs} ms)` : '';
    const floor = THROTTLED_STATUS.has(http.status) && !retryAfterMs ? { minDelayMs: THROTTLED_FLOOR_MS } : {};
    return { retry: true, retryAfterMs, ...floor, reason: `HTTP ${http.status}${hint}` };
  }
  const network = networkFailureOf(error);
  if (network) return { retry: true, reason: network };
  return { retry: false, reason: error instanceof Error ? error.message : String(error) };
}

function httpFailureOf(error: unknown): { status: number; header: (name: string) => string | undefined } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Partial<HttpExchange> & {
    statusCode?: unknown;
    response?: { headers?: { get?: (name: string) => unknown } };
  };
  if (typeof e.status === 'number' && typeof e.header === 'function') {
    const exchange = e as HttpExchange;
    return { status: exchange.status, header: (name) => exchange.header(name) };
  }
  if (typeof e.statusCode === 'number') {
    const headers = e.response?.headers;
    return {
      status: e.statusCode,
      header: (name) => {
        const value = typeof headers?.get === 'function' ? headers.get(name) : undefined;
        return typeof value === 'string' ? value : undefined;
      },
    };
  }
  return undefined;
}
