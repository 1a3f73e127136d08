/**
 * Waits for an ARM long-running operation (PUT/DELETE answered 201/202) to finish, spending as
 * few requests as possible and adding as little time as possible to what Azure takes.
 */
import type { AzureErrorDetail } from '../contract/error-details';
import { AzureError, CancelledError, DeadlineError } from '../contract/errors';
import { type Clock, systemClock } from './clock';
import { type HttpExchange, type SendGet, parseRetryAfterMs, redactUrl } from './http-exchange';
import { type PollSchedule, scheduleFor } from './poll-schedule';
import { runAttempt } from './retry';
import { type FailedPoll, failedPoll, isRetryableAnswer } from './failed-poll';
import { readStatusAnswer } from './operation-status';

export { adaptiveSchedule } from './poll-schedule';

export interface LroStart {
  method: 'PUT' | 'PATCH' | 'DELETE';
  requestUrl: string;
  status: number;
  header(name: string): string | undefined;
  /** How long this kind of operation usually takes (poll-schedule.ts EXPECTED_DURATION_MS): polled densely around it. */
  expectedDurationMs?: number;
}

export interface LroProgress {
  status: string;
  elapsedMs: number;
  polls: number;
}

export interface PollOptions {
  send: SendGet;
  deadline: number;
  signal?: AbortSignal;
  clock?: Clock;
  /** Per status request, default 30000. */
  requestTimeoutMs?: number;
  /** Interval when the service gives no Retry-After; default scheduleFor(start.expectedDurationMs). */
  schedule?: PollSchedule;
  /** After each poll. */
  onProgress?: (p: LroProgress) => void;
  /** The status URL in use, already passed through redactUrl. */
  onPollUrl?: (url: string) => void;
}

/** An operation's `error`, with its nested `details[]` (where Azure often puts the actual reason). */
export interface OperationError {
  code: string;
  message: string;
  details?: readonly AzureErrorDetail[];
}

export interface LroOutcome {
  status: 'Succeeded' | 'Failed' | 'Canceled';
  error?: OperationError;
  /** Status requests sent, failed ones included. */
  polls: number;
  elapsedMs: number;
}

/** Never two status requests closer than this, whatever the schedule or a retry says. */
const MIN_POLL_GAP_MS = 1_000;
/** When the schedule would overshoot the deadline, look one last time this long before it. */
const LAST_LOOK_MS = 2_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export async function pollLongRunningOperation(start: LroStart, options: PollOptions): Promise<LroOutcome> {
  const clock = options.clock ?? systemClock;
  const schedule = options.schedule ?? scheduleFor(start.expectedDurationMs);
  // A timeout under 1 s could let a retry follow its failed poll within the 1 s minimum gap.
  const requestTimeoutMs = Math.max(MIN_POLL_GAP_MS, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const startedAt = clock.now();
  const operation = `${start.method} ${resourcePath(start.requestUrl)}`;

  const asyncUrl = start.header('azure-asyncoperation');
  const locationUrl = start.header('location');
  if (start.status === 200 || start.status === 204 || (start.status === 201 && !asyncUrl && !locationUrl)) {
    return { status: 'Succeeded', polls: 0, elapsedMs: 0 };
  }
  if (start.status !== 201 && start.status !== 202) {
    throw new AzureError(
      `HttpStatus${start.status}`,
      `${operation} answered HTTP ${start.status}, which starts no long-running operation`,
      start.status,
    );
  }
  if (!asyncUrl && !locationUrl) {
    throw new AzureError(
      'NoOperationStatusUrl',
      `${operation} answered 202 without Azure-AsyncOperation or Location, so there is nothing to wait on`,
      202,
    );
  }

  // Azure-AsyncOperation carries the operation's own status; Location only "done or not".
  const mode: 'async' | 'location' = asyncUrl ? 'async' : 'location';
  let url = new URL((asyncUrl ?? locationUrl) as string, start.requestUrl).href;
  options.onPollUrl?.(redactUrl(url));

  let polls = 0;
  let lastSendAt = startedAt; // the initial request counts for the schedule…
  let lastDoneAt = startedAt; // …and its answer for the 1 s minimum gap
  let lastStatus = 'InProgress';
  let lastFailure: string | undefined;
  let throttledInARow = 0;
  let throttledBackoffMs = 0;
  let retryAfterMs = positive(parseRetryAfterMs((name) => start.header(name)));

  const gaveUp = (): DeadlineError =>
    new DeadlineError(
      `${operation} to finish (${polls} status poll${polls === 1 ? '' : 's'} over ${Math.round((clock.now() - startedAt) / 1000)} s, ` +
        `last status ${lastStatus}${lastFailure ? `; last status request failed: ${lastFailure}` : ''})`,
    );

  for (;;) {
    // Next poll: Retry-After if the service gave one, else the schedule counted from the previous
    // request (a failed one included: it was a look that told nothing); never within 1 s of its
    // answer (so the service never sees two polls within 1 s, however long the way there took),
    // nor sooner than a 429's backoff.
    const now = clock.now();
    const earliest = Math.max(lastDoneAt + MIN_POLL_GAP_MS, now + (retryAfterMs ?? throttledBackoffMs));
    let at = Math.max(
      earliest,
      retryAfterMs !== undefined ? now + retryAfterMs : lastSendAt + schedule(polls, now - startedAt),
    );
    if (at >= options.deadline) {
      // Rather than give up a whole interval early, look once more shortly before the deadline
      // (an operation that just finished is then reported as such), unless we just did.
      const lastLook = Math.max(earliest, options.deadline - LAST_LOOK_MS);
      if (lastLook >= options.deadline || lastSendAt >= options.deadline - LAST_LOOK_MS) throw gaveUp();
      at = lastLook;
    }
    await clock.sleep(at - now, options.signal);
    if (options.signal?.aborted) throw new CancelledError(); // nothing new goes out once cancelled

    polls++;
    lastSendAt = clock.now();
    const look = await lookOnce(url, options.send, {
      timeoutMs: Math.min(requestTimeoutMs, Math.max(1, options.deadline - lastSendAt)),
      clock,
      signal: options.signal,
      throttledInARow: throttledInARow + 1,
    });
    lastDoneAt = clock.now();
    if ('failed' in look) {
      lastFailure = look.failed.reason;
      throttledInARow = look.failed.throttledBackoffMs !== undefined ? throttledInARow + 1 : 0;
      throttledBackoffMs = look.failed.throttledBackoffMs ?? 0;
      retryAfterMs = positive(look.failed.retryAfterMs);
      continue;
    }
    const exchange = look.answer;
    lastFailure = undefined;
    throttledInARow = 0;
    throttledBackoffMs = 0;

    const reading = readStatusAnswer(mode, exchange, url, operation);
    lastStatus = reading.status;
    options.onProgress?.({ status: reading.status, elapsedMs: clock.now() - startedAt, polls });
    if (reading.done) {
      return {
        status: reading.status,
        ...(reading.error && { error: reading.error }),
        polls,
        elapsedMs: clock.now() - startedAt,
      };
    }
    retryAfterMs = positive(parseRetryAfterMs((name) => exchange.header(name)));
    // A Location poll may hand over a new Location to follow.
    const moved = mode === 'location' ? exchange.header('location') : undefined;
    if (moved) {
      const next = new URL(moved, url).href;
      if (next !== url) options.onPollUrl?.(redactUrl((url = next)));
    }
  }
}

/**
 * One status request within its timeout: its answer, or why it failed when another poll may tell
 * more. Final failures (4xx refusals, cancellation) are thrown.
 */
async function lookOnce(
  url: string,
  send: SendGet,
  attempt: { timeoutMs: number; clock: Clock; signal?: AbortSignal; throttledInARow: number },
): Promise<{ answer: HttpExchange } | { failed: FailedPoll }> {
  let failure: unknown;
  try {
    const answer = await runAttempt((signal) => send(url, signal), attempt.timeoutMs, attempt.clock, attempt.signal);
    if (!isRetryableAnswer(answer)) return { answer };
    failure = answer;
  } catch (error) {
    if (attempt.signal?.aborted) throw new CancelledError();
    failure = error;
  }
  const failed = failedPoll(failure, attempt.throttledInARow);
  if (!failed) throw failure;
  return { failed };
}

/** Retry-After 0 (or absent) means "use the schedule". */
function positive(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/** The request's path without its query, for messages. */
function resourcePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return redactUrl(url);
  }
}
