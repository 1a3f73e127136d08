/**
 * How every ARM request of a run is sent: retries (deadline- and Retry-After-aware, one
 * Retry-After window for the whole run), per-request timeouts, cancellation with a grace period
 * for writes already on the wire, and error translation. The gateways say what to send.
 */
import { CancelledError } from '../contract/errors';
import type { SecretRedactor } from '../contract/secrets';
import type { Clock } from './clock';
import { isTransientAuthFailure, toProductError } from './errors';
import { parseRetryAfterMs, redactUrl, type HttpExchange } from './http-exchange';
import type { OperationTracker } from './operation-tracker';
import { pollLongRunningOperation, type LroOutcome, type LroProgress, type LroStart } from './poller';
import { classifyAzureFailure, withRetries, type RetryDecision } from './retry';
import { graceSignal } from './grace-signal';
import { requestTimeoutFromEnv } from './request-timeout';

/**
 * After a cancellation, a PUT or DELETE already on the wire may finish for this long: aborting it
 * halfway would leave Azure's side unknown (received or not?), whereas its answer tells exactly
 * which operation is now running. No new request is started once cancelled.
 */
export const MUTATION_GRACE_MS = 2_500;

export interface GatewayOptions {
  deadline: number;
  signal?: AbortSignal;
  clock: Clock;
  redactor: SecretRedactor;
  debug: (message: string) => void;
  /** What this run sent and started; owned by the run. */
  operations: OperationTracker;
  /** Per-request timeout; a hung connection is abandoned and retried after this long. Default: $AKS_AML_REQUEST_TIMEOUT_MS, else 30 s. */
  requestTimeoutMs?: number;
}

/** The first answer of a PUT/PATCH/DELETE as the SDK's onResponse hands it. */
export interface RawAnswer {
  status: number;
  headers: { get(n: string): string | undefined };
  request: { url: string };
}

export type SendWrite = (signal: AbortSignal, onResponse: (raw: RawAnswer) => void) => Promise<unknown>;

/** A reason to try again later without having sent anything (a Retry-After window is open, or the token endpoint failed). */
class RetryLater extends Error {
  readonly status: number;
  constructor(
    message: string,
    readonly waitMs?: number,
    status = 503,
  ) {
    super(message);
    this.name = 'RetryLater';
    this.status = status;
  }
  /** Shaped like an HTTP answer, so the poller's classifier honours the wait. */
  header(name: string): string | undefined {
    return name.toLowerCase() === 'retry-after-ms' && this.waitMs !== undefined
      ? String(Math.ceil(this.waitMs))
      : undefined;
  }
}

export class ArmRequests {
  /** No ARM request is sent before this time: the largest Retry-After of a throttled (429/503) answer. */
  private notBefore = 0;
  private readonly requestTimeoutMs?: number;

  constructor(readonly options: GatewayOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? requestTimeoutFromEnv();
  }

  private debug(message: string): void {
    this.options.debug(this.options.redactor.redact(message));
  }

  /** Milliseconds until the Retry-After window of an earlier throttled answer closes (0: open). */
  gateWaitMs(): number {
    return Math.max(0, this.notBefore - this.options.clock.now());
  }

  /** Remembers the Retry-After of a throttled or unavailable answer: it applies to every request of the run, not only the one retried. */
  private noteRetryAfter(status: number | undefined, header: (name: string) => string | undefined): void {
    if (status !== 429 && status !== 503) return;
    const ms = parseRetryAfterMs(header);
    if (ms !== undefined && ms > 0) this.notBefore = Math.max(this.notBefore, this.options.clock.now() + ms);
  }

  private noteRetryAfterOf(error: unknown): void {
    const e = error as { statusCode?: unknown; response?: { headers?: { get?: (n: string) => unknown } } } | null;
    if (typeof e?.statusCode !== 'number') return;
    const headers = e.response?.headers;
    this.noteRetryAfter(e.statusCode, (name) => {
      const v = typeof headers?.get === 'function' ? headers.get(name) : undefined;
      return typeof v === 'string' ? v : undefined;
    });
  }

  /** Sends `fn` until it succeeds, a failure is final, or the deadline comes. */
  retrying<T>(
    describe: string,
    fn: (signal: AbortSignal) => Promise<T>,
    classify = classifyAzureFailure,
    signal = this.options.signal,
  ): Promise<T> {
    return withRetries(
      async (attemptSignal) => {
        const wait = this.gateWaitMs();
        if (wait > 0)
          throw new RetryLater(`waiting out a Retry-After of ${Math.ceil(wait)} ms before ${describe}`, wait, 429);
        try {
          return await fn(attemptSignal);
        } catch (error) {
          this.noteRetryAfterOf(error);
          throw error;
        }
      },
      {
        classify: (error) => gatewayDecision(error, classify),
        deadline: this.options.deadline,
        signal,
        clock: this.options.clock,
        attemptTimeoutMs: this.requestTimeoutMs,
        describe,
        onRetry: ({ attempt, delayMs, reason }) =>
          this.debug(`${describe}: attempt ${attempt} failed (${reason}); retrying in ${Math.round(delayMs)} ms`),
      },
    ).catch((error: unknown) => {
      throw toProductError(error, this.options.redactor);
    });
  }

  /** Sends a write and returns its first answer; the SDK's own poller is dropped (polling is ours). */
  async mutation(
    describe: string,
    what: string,
    method: LroStart['method'],
    send: SendWrite,
    classify = classifyAzureFailure,
  ): Promise<LroStart> {
    const cancelled = this.options.signal;
    const operations = this.options.operations;
    if (cancelled?.aborted) throw new CancelledError();
    // The request itself is cut only MUTATION_GRACE_MS after a cancellation, never halfway.
    const grace = graceSignal(cancelled, MUTATION_GRACE_MS);
    try {
      const start = await this.retrying(
        describe,
        async (abortSignal) => {
          if (cancelled?.aborted) throw new CancelledError(); // nothing new goes out once cancelled
          let first: LroStart | undefined;
          operations.sending(what);
          try {
            await send(abortSignal, (raw) => {
              first ??= { method, requestUrl: raw.request.url, status: raw.status, header: (n) => raw.headers.get(n) };
            });
          } finally {
            operations.answered();
          }
          if (!first) throw new Error(`${describe}: no response was received`);
          return first;
        },
        classify,
        grace.signal,
      );
      if (start.status === 201 || start.status === 202) {
        const statusUrl = start.header('azure-asyncoperation') ?? start.header('location');
        operations.operationStarted(what, statusUrl ? redactUrl(new URL(statusUrl, start.requestUrl).href) : undefined);
      }
      return start;
    } finally {
      grace.dispose();
    }
  }

  /** Polls a started operation to its end with our own schedule, through the run's Retry-After window. */
  async waitFor(
    start: LroStart,
    sendGet: (url: string, signal: AbortSignal) => Promise<HttpExchange>,
    onProgress: (p: LroProgress) => void,
  ): Promise<LroOutcome> {
    const send = async (url: string, signal: AbortSignal): Promise<HttpExchange> => {
      const wait = this.gateWaitMs();
      if (wait > 0) throw new RetryLater(`waiting out a Retry-After of ${Math.ceil(wait)} ms`, wait, 429);
      let answer;
      try {
        answer = await sendGet(url, signal);
      } catch (error) {
        // A token the status request needed could not be had for now: a retryable status answer.
        if (isTransientAuthFailure(error)) throw new RetryLater('the token endpoint is unavailable');
        throw error;
      }
      this.noteRetryAfter(answer.status, (name) => answer.header(name));
      return answer;
    };
    try {
      const outcome = await pollLongRunningOperation(start, {
        send,
        deadline: this.options.deadline,
        signal: this.options.signal,
        clock: this.options.clock,
        requestTimeoutMs: this.requestTimeoutMs,
        onProgress,
        onPollUrl: (url) => this.options.operations.polling(url),
      });
      this.options.operations.operationFinished();
      return outcome;
    } catch (error) {
      throw toProductError(error, this.options.redactor);
    }
  }
}

/** The gateway's own reasons to retry come first; then the caller's classifier. */
function gatewayDecision(error: unknown, classify: (error: unknown) => RetryDecision): RetryDecision {
  if (error instanceof RetryLater) return { retry: true, retryAfterMs: error.waitMs, reason: error.message };
  // The bearer policy asks for a token before sending: nothing reached ARM.
  if (isTransientAuthFailure(error)) return { retry: true, reason: `the token endpoint failed (${firstLine(error)})` };
  return classify(error);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split(/\r?\n/)[0].slice(0, 200);
}

/**
 * A PUT is not idempotent in Azure ML (a second one over an existing compute fails), so it is
 * resent only when Azure certainly did not act on it: throttled, or the connection never opened.
 */
export function retryOnlyIfNotProcessed(error: unknown): RetryDecision {
  const decision = classifyAzureFailure(error);
  const e = error as { statusCode?: number; code?: string };
  const notProcessed = e?.statusCode === 429 || e?.code === 'ECONNREFUSED';
  return notProcessed ? decision : { retry: false, reason: decision.reason };
}
