/**
 * Every ARM call the product makes, in one place: retries (deadline- and Retry-After-aware),
 * per-request timeouts, cancellation and error translation. Callers see typed results.
 */
import type { KubernetesVersionListResult, ManagedCluster } from '@azure/arm-containerservice';
import type { ComputeResource } from '@azure/arm-machinelearning';
import { computeResourceId, type ComputeTarget, type ManagedClusterId } from './arm-id';
import { CancelledError } from '../contract/errors';
import type { SecretRedactor } from '../contract/secrets';
import type { AzureClients } from './clients';
import type { Clock } from './clock';
import { isNotFound, isTransientAuthFailure, toProductError } from './errors';
import { parseRetryAfterMs, redactUrl, type SendGet } from './http-exchange';
import { pollLongRunningOperation, type LroOutcome, type LroProgress, type LroStart } from './poller';
import { classifyAzureFailure, withRetries, type RetryDecision } from './retry';

/**
 * Per-request timeout in milliseconds (default 30000): how long one ARM request may go unanswered
 * before it is abandoned and retried. A tuning and test knob, read from the environment because
 * it is not something a pipeline author should have to think about.
 */
export const REQUEST_TIMEOUT_ENV = 'AKS_AML_REQUEST_TIMEOUT_MS';
const REQUEST_TIMEOUT_RANGE = { min: 100, max: 600_000 } as const;

/** The per-request timeout the environment asks for, or undefined (unset or not a whole number in range). */
export function requestTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[REQUEST_TIMEOUT_ENV]?.trim();
  if (!text || !/^\d{1,7}$/.test(text)) return undefined;
  const ms = Number(text);
  return ms >= REQUEST_TIMEOUT_RANGE.min && ms <= REQUEST_TIMEOUT_RANGE.max ? ms : undefined;
}

/**
 * After a cancellation, a PUT or DELETE already on the wire may finish for this long: aborting it
 * halfway would leave Azure's side unknown (received or not?), whereas its answer tells exactly
 * which operation is now running. No new request is started once cancelled.
 */
export const MUTATION_GRACE_MS = 2_500;
/** One last look at the compute, to state exactly where a failed step left it. */
const PEEK_TIMEOUT_MS = 5_000;

export interface GatewayOptions {
  deadline: number;
  signal?: AbortSignal;
  clock: Clock;
  redactor: SecretRedactor;
  debug: (message: string) => void;
  /** Per-request timeout; a hung connection is abandoned and retried after this long. Default: $AKS_AML_REQUEST_TIMEOUT_MS, else 30 s. */
  requestTimeoutMs?: number;
}

/** The long-running operation this run started and has not seen finish (for cancellation and timeout messages). */
export interface OperationInProgress {
  /** e.g. "attach (PUT)" */
  readonly what: string;
  /** Status URL without its query string (signatures), or undefined when Azure gave none. */
  readonly url?: string;
}

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

export class ArmGateway {
  /** The status URL of the operation in progress (query string removed), printed when a run is cancelled. */
  currentOperationUrl?: string;
  /** The operation this run started and has not seen finish. */
  operationInProgress?: OperationInProgress;
  /** A PUT/DELETE on the wire right now, e.g. "attach (PUT)". */
  requestInFlight?: string;
  /** PUT/DELETE requests sent so far (0: this run changed nothing). */
  writesSent = 0;
  /** ARM id of the compute this gateway manages. */
  readonly computeId: string;
  /** No ARM request is sent before this time: the largest Retry-After of a throttled (429/503) answer. */
  private notBefore = 0;
  private readonly requestTimeoutMs?: number;

  constructor(
    private readonly clients: AzureClients,
    private readonly target: ComputeTarget,
    private readonly options: GatewayOptions,
  ) {
    this.computeId = computeResourceId(
      target.subscriptionId,
      target.resourceGroup,
      target.workspaceName,
      target.computeName,
    );
    this.requestTimeoutMs = options.requestTimeoutMs ?? requestTimeoutFromEnv();
  }

  private debug(message: string): void {
    this.options.debug(this.options.redactor.redact(message));
  }

  /** Milliseconds until the Retry-After window of an earlier throttled answer closes (0: open). */
  private gateWaitMs(): number {
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

  private retrying<T>(
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

  async getCompute(): Promise<ComputeResource | undefined> {
    const { resourceGroup, workspaceName, computeName } = this.target;
    return this.retrying(`GET compute ${computeName}`, async (abortSignal) => {
      try {
        return await this.clients.ml.computeOperations.get(resourceGroup, workspaceName, computeName, { abortSignal });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  /**
   * One look at the compute, outside the retry budget, to say exactly where a failed step left
   * it: `{ compute }` (undefined when absent), or undefined when it could not be read (cancelled,
   * throttled, no answer within a few seconds).
   */
  async peekCompute(timeoutMs = PEEK_TIMEOUT_MS): Promise<{ compute?: ComputeResource } | undefined> {
    if (this.options.signal?.aborted || this.gateWaitMs() > 0) return undefined;
    const { resourceGroup, workspaceName, computeName } = this.target;
    const signals = [
      AbortSignal.timeout(Math.min(timeoutMs, PEEK_TIMEOUT_MS)),
      ...(this.options.signal ? [this.options.signal] : []),
    ];
    try {
      return {
        compute: await this.clients.ml.computeOperations.get(resourceGroup, workspaceName, computeName, {
          abortSignal: AbortSignal.any(signals),
        }),
      };
    } catch (error) {
      return isNotFound(error) ? { compute: undefined } : undefined;
    }
  }

  async listComputes(): Promise<ComputeResource[]> {
    const { resourceGroup, workspaceName } = this.target;
    return this.retrying(`list computes of ${workspaceName}`, async (abortSignal) => {
      const all: ComputeResource[] = [];
      for await (const compute of this.clients.ml.computeOperations.list(resourceGroup, workspaceName, { abortSignal }))
        all.push(compute);
      return all;
    });
  }

  async getWorkspaceLocation(): Promise<string> {
    const { resourceGroup, workspaceName } = this.target;
    const workspace = await this.retrying(`GET workspace ${workspaceName}`, (abortSignal) =>
      this.clients.ml.workspaces.get(resourceGroup, workspaceName, { abortSignal }),
    );
    return workspace.location ?? '';
  }

  /** The AKS cluster, or undefined when it does not exist. A 403 says the credential cannot read it. */
  async getManagedCluster(cluster: ManagedClusterId): Promise<ManagedCluster | undefined> {
    return this.retrying(`GET cluster ${cluster.name}`, async (abortSignal) => {
      try {
        return await this.clients
          .containerService(cluster.subscriptionId)
          .managedClusters.get(cluster.resourceGroup, cluster.name, { abortSignal });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  /** Kubernetes versions AKS supports in a region (for the version check before attaching). */
  async listKubernetesVersions(subscriptionId: string, location: string): Promise<KubernetesVersionListResult> {
    return this.retrying(`list Kubernetes versions in ${location}`, (abortSignal) =>
      this.clients.containerService(subscriptionId).managedClusters.listKubernetesVersions(location, { abortSignal }),
    );
  }

  /** The cluster user's kubeconfig (decoded), to read the azuremlfessl secret for tls: keep. */
  async getClusterUserKubeconfig(cluster: ManagedClusterId): Promise<string | undefined> {
    const result = await this.retrying(`list credentials of cluster ${cluster.name}`, (abortSignal) =>
      this.clients
        .containerService(cluster.subscriptionId)
        .managedClusters.listClusterUserCredentials(cluster.resourceGroup, cluster.name, { abortSignal }),
    );
    const value = result.kubeconfigs?.[0]?.value;
    return value ? Buffer.from(value).toString('utf8') : undefined;
  }

  /** The local admin kubeconfig (decoded): the fallback for Entra-integrated clusters, whose user kubeconfig needs kubelogin. */
  async getClusterAdminKubeconfig(cluster: ManagedClusterId): Promise<string | undefined> {
    const result = await this.retrying(`list admin credentials of cluster ${cluster.name}`, (abortSignal) =>
      this.clients
        .containerService(cluster.subscriptionId)
        .managedClusters.listClusterAdminCredentials(cluster.resourceGroup, cluster.name, { abortSignal }),
    );
    const value = result.kubeconfigs?.[0]?.value;
    return value ? Buffer.from(value).toString('utf8') : undefined;
  }

  /** PUT the compute. A 429 is retried (nothing was processed); after an uncertain failure the caller re-reads the compute. */
  async beginCreateOrUpdate(body: ComputeResource, what = 'attach'): Promise<LroStart> {
    const { resourceGroup, workspaceName, computeName } = this.target;
    return this.mutation(
      `PUT compute ${computeName}`,
      `${what} (PUT)`,
      'PUT',
      (abortSignal, onResponse) =>
        this.clients.ml.computeOperations.beginCreateOrUpdate(resourceGroup, workspaceName, computeName, body, {
          abortSignal,
          onResponse,
        }),
      retryOnlyIfNotProcessed,
    );
  }

  /** DELETE with underlyingResourceAction=Detach: the cluster is never deleted. Idempotent, so retried freely. */
  async beginDetach(): Promise<LroStart> {
    const { resourceGroup, workspaceName, computeName } = this.target;
    return this.mutation(
      `DELETE (detach) compute ${computeName}`,
      'detach (DELETE)',
      'DELETE',
      (abortSignal, onResponse) =>
        this.clients.ml.computeOperations.beginDelete(resourceGroup, workspaceName, computeName, 'Detach', {
          abortSignal,
          onResponse,
        }),
    );
  }

  private async mutation(
    describe: string,
    what: string,
    method: 'PUT' | 'DELETE',
    send: (
      signal: AbortSignal,
      onResponse: (raw: {
        status: number;
        headers: { get(n: string): string | undefined };
        request: { url: string };
      }) => void,
    ) => Promise<unknown>,
    classify = classifyAzureFailure,
  ): Promise<LroStart> {
    const cancelled = this.options.signal;
    if (cancelled?.aborted) throw new CancelledError();
    // The request itself is cut only MUTATION_GRACE_MS after a cancellation, never halfway.
    const grace = graceSignal(cancelled, MUTATION_GRACE_MS);
    try {
      const start = await this.retrying(
        describe,
        async (abortSignal) => {
          if (cancelled?.aborted) throw new CancelledError(); // nothing new goes out once cancelled
          let first: LroStart | undefined;
          this.requestInFlight = what;
          this.writesSent += 1;
          try {
            await send(abortSignal, (raw) => {
              // The SDK's own poller is dropped: only the initial response is used, polling is ours.
              first ??= { method, requestUrl: raw.request.url, status: raw.status, header: (n) => raw.headers.get(n) };
            });
          } finally {
            this.requestInFlight = undefined;
          }
          if (!first) throw new Error(`${describe}: no response was received`);
          return first;
        },
        classify,
        grace.signal,
      );
      if (start.status === 201 || start.status === 202) {
        const statusUrl = start.header('azure-asyncoperation') ?? start.header('location');
        const url = statusUrl ? redactUrl(new URL(statusUrl, start.requestUrl).href) : undefined;
        this.operationInProgress = { what, url };
        this.currentOperationUrl = url;
      }
      return start;
    } finally {
      grace.dispose();
    }
  }

  async waitFor(start: LroStart, onProgress: (p: LroProgress) => void): Promise<LroOutcome> {
    const send: SendGet = async (url, signal) => {
      const wait = this.gateWaitMs();
      if (wait > 0) throw new RetryLater(`waiting out a Retry-After of ${Math.ceil(wait)} ms`, wait, 429);
      let answer;
      try {
        answer = await this.clients.sendGet(url, signal);
      } catch (error) {
        // A token the status request needed could not be had for now: a retryable status answer.
        if (isTransientAuthFailure(error)) throw new RetryLater('the token endpoint is unavailable');
        throw error;
      }
      this.noteRetryAfter(answer.status, answer.header);
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
        onPollUrl: (url) => {
          this.currentOperationUrl = url;
          if (this.operationInProgress) this.operationInProgress = { ...this.operationInProgress, url };
        },
      });
      // Finished in Azure, whatever the outcome: nothing of ours is in progress any more.
      this.operationInProgress = undefined;
      this.currentOperationUrl = undefined;
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
function retryOnlyIfNotProcessed(error: unknown): RetryDecision {
  const decision = classifyAzureFailure(error);
  const e = error as { statusCode?: number; code?: string };
  const notProcessed = e?.statusCode === 429 || e?.code === 'ECONNREFUSED';
  return notProcessed ? decision : { retry: false, reason: decision.reason };
}

/** A signal that aborts `graceMs` after `parent` does (never, without a parent). */
function graceSignal(parent: AbortSignal | undefined, graceMs: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    timer = setTimeout(() => controller.abort(new CancelledError()), graceMs);
  };
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      parent?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
    },
  };
}
