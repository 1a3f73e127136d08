/**
 * Every ARM call the product makes, in one place: retries (deadline- and Retry-After-aware),
 * per-request timeouts, cancellation and error translation. Callers see typed results.
 */
import type { KubernetesVersionListResult, ManagedCluster } from '@azure/arm-containerservice';
import type { ComputeResource } from '@azure/arm-machinelearning';
import type { ManagedClusterId } from '../arm-id';
import type { ComputeTarget } from '../desired';
import type { SecretRedactor } from '../secrets';
import type { AzureClients } from './clients';
import type { Clock } from './clock';
import { isNotFound, toProductError } from './errors';
import { pollLongRunningOperation, type LroOutcome, type LroProgress, type LroStart } from './poller';
import { classifyAzureFailure, withRetries, type RetryDecision } from './retry';

export interface GatewayOptions {
  deadline: number;
  signal?: AbortSignal;
  clock: Clock;
  redactor: SecretRedactor;
  debug: (message: string) => void;
  /** Per-request timeout; a hung connection is abandoned and retried after this long. */
  requestTimeoutMs?: number;
}

/** What a mutating request produced: an operation to poll, or (after an uncertain failure) a compute already changing. */
export type MutationStart = { kind: 'operation'; start: LroStart } | { kind: 'in-progress' };

export class ArmGateway {
  /** The status URL being polled, printed when a run is cancelled. */
  currentOperationUrl?: string;

  constructor(
    private readonly clients: AzureClients,
    private readonly target: ComputeTarget,
    private readonly options: GatewayOptions,
  ) {}

  private retrying<T>(describe: string, fn: (signal: AbortSignal) => Promise<T>, classify = classifyAzureFailure): Promise<T> {
    return withRetries(fn, {
      classify,
      deadline: this.options.deadline,
      signal: this.options.signal,
      clock: this.options.clock,
      attemptTimeoutMs: this.options.requestTimeoutMs,
      describe,
      onRetry: ({ attempt, delayMs, reason }) => this.options.debug(`${describe}: attempt ${attempt} failed (${reason}); retrying in ${Math.round(delayMs)} ms`),
    }).catch((error: unknown) => {
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

  async listComputes(): Promise<ComputeResource[]> {
    const { resourceGroup, workspaceName } = this.target;
    return this.retrying(`list computes of ${workspaceName}`, async (abortSignal) => {
      const all: ComputeResource[] = [];
      for await (const compute of this.clients.ml.computeOperations.list(resourceGroup, workspaceName, { abortSignal })) all.push(compute);
      return all;
    });
  }

  async getWorkspaceLocation(): Promise<string> {
    const { resourceGroup, workspaceName } = this.target;
    const workspace = await this.retrying(`GET workspace ${workspaceName}`, (abortSignal) => this.clients.ml.workspaces.get(resourceGroup, workspaceName, { abortSignal }));
    return workspace.location ?? '';
  }

  /** The AKS cluster, or undefined when it does not exist. A 403 says the credential cannot read it. */
  async getManagedCluster(cluster: ManagedClusterId): Promise<ManagedCluster | undefined> {
    return this.retrying(`GET cluster ${cluster.name}`, async (abortSignal) => {
      try {
        return await this.clients.containerService(cluster.subscriptionId).managedClusters.get(cluster.resourceGroup, cluster.name, { abortSignal });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  /** Kubernetes versions AKS supports in a region (for the version check before attaching). */
  async listKubernetesVersions(subscriptionId: string, location: string): Promise<KubernetesVersionListResult> {
    return this.retrying(`list Kubernetes versions in ${location}`, (abortSignal) => this.clients.containerService(subscriptionId).managedClusters.listKubernetesVersions(location, { abortSignal }));
  }

  /** The cluster user's kubeconfig (decoded), to read the azuremlfessl secret for tls: keep. */
  async getClusterUserKubeconfig(cluster: ManagedClusterId): Promise<string | undefined> {
    const result = await this.retrying(`list credentials of cluster ${cluster.name}`, (abortSignal) =>
      this.clients.containerService(cluster.subscriptionId).managedClusters.listClusterUserCredentials(cluster.resourceGroup, cluster.name, { abortSignal }),
    );
    const value = result.kubeconfigs?.[0]?.value;
    return value ? Buffer.from(value).toString('utf8') : undefined;
  }

  /** PUT the compute. A 429 is retried (nothing was processed); after an uncertain failure the caller re-reads the compute. */
  async beginCreateOrUpdate(body: ComputeResource): Promise<LroStart> {
    const { resourceGroup, workspaceName, computeName } = this.target;
    return this.mutation(
      `PUT compute ${computeName}`,
      'PUT',
      (abortSignal, onResponse) => this.clients.ml.computeOperations.beginCreateOrUpdate(resourceGroup, workspaceName, computeName, body, { abortSignal, onResponse }),
      retryOnlyIfNotProcessed,
    );
  }

  /** DELETE with underlyingResourceAction=Detach: the cluster is never deleted. Idempotent, so retried freely. */
  async beginDetach(): Promise<LroStart> {
    const { resourceGroup, workspaceName, computeName } = this.target;
    return this.mutation(`DELETE (detach) compute ${computeName}`, 'DELETE', (abortSignal, onResponse) =>
      this.clients.ml.computeOperations.beginDelete(resourceGroup, workspaceName, computeName, 'Detach', { abortSignal, onResponse }),
    );
  }

  private async mutation(
    describe: string,
    method: 'PUT' | 'DELETE',
    send: (signal: AbortSignal, onResponse: (raw: { status: number; headers: { get(n: string): string | undefined }; request: { url: string } }) => void) => Promise<unknown>,
    classify = classifyAzureFailure,
  ): Promise<LroStart> {
    return this.retrying(describe, async (abortSignal) => {
      let first: LroStart | undefined;
      await send(abortSignal, (raw) => {
        // The SDK's own poller is dropped: only the initial response is used, polling is ours.
        first ??= { method, requestUrl: raw.request.url, status: raw.status, header: (n) => raw.headers.get(n) };
      });
      if (!first) throw new Error(`${describe}: no response was received`);
      return first;
    }, classify);
  }

  async waitFor(start: LroStart, onProgress: (p: LroProgress) => void): Promise<LroOutcome> {
    try {
      return await pollLongRunningOperation(start, {
        send: this.clients.sendGet,
        deadline: this.options.deadline,
        signal: this.options.signal,
        clock: this.options.clock,
        requestTimeoutMs: this.options.requestTimeoutMs,
        onProgress,
        onPollUrl: (url) => (this.currentOperationUrl = url),
      });
    } catch (error) {
      throw toProductError(error, this.options.redactor);
    }
  }
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
