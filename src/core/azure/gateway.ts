/**
 * Every ARM call the product makes, behind narrow interfaces: what the compute steps need
 * (ComputeGateway) and what the cluster checks and `tls: keep` read (ClusterReader,
 * ClusterCredentials). ArmGateway implements them over ArmRequests; tests fake the interfaces.
 */
import type { KubernetesVersionListResult, ManagedCluster } from '@azure/arm-containerservice';
import type { ComputeResource } from '@azure/arm-machinelearning';
import type { ComputeTarget, ManagedClusterId } from './arm-id';
import { ArmRequests, retryOnlyIfNotProcessed, type GatewayOptions } from './arm-requests';
import { computeResourceId } from './arm-id';
import { putJson } from './put-json';
import type { AzureClients } from './clients';
import { isNotFound } from './errors';
import type { LroOutcome, LroProgress, LroStart } from './poller';

/** One last look at the compute, to state exactly where a failed step left it. */
const PEEK_TIMEOUT_MS = 5_000;

/** The compute of this run, and the workspace around it. */
export interface ComputeGateway {
  getCompute(): Promise<ComputeResource | undefined>;
  /**
   * One look at the compute, outside the retry budget, to say exactly where a failed step left
   * it: `{ compute }` (undefined when absent), or undefined when it could not be read (cancelled,
   * throttled, no answer within a few seconds).
   */
  peekCompute(timeoutMs?: number): Promise<{ compute?: ComputeResource } | undefined>;
  listComputes(): Promise<ComputeResource[]>;
  getWorkspaceLocation(): Promise<string>;
  /** PUT the compute. A 429 is retried (nothing was processed); after an uncertain failure the caller re-reads the compute. */
  beginCreateOrUpdate(body: ComputeResource, what?: string): Promise<LroStart>;
  /** PUT the compute with this exact JSON body (an update in place); retried only when Azure certainly did not act on it. */
  beginUpdateInPlace(body: Record<string, unknown>): Promise<LroStart>;
  /** DELETE with underlyingResourceAction=Detach: the cluster is never deleted. Idempotent, so retried freely. */
  beginDetach(): Promise<LroStart>;
  waitFor(start: LroStart, onProgress: (p: LroProgress) => void): Promise<LroOutcome>;
}

/** The AKS cluster as the pre-flight checks read it. */
export interface ClusterReader {
  /** The AKS cluster, or undefined when it does not exist. A 403 says the credential cannot read it. */
  getManagedCluster(cluster: ManagedClusterId): Promise<ManagedCluster | undefined>;
  /** Kubernetes versions AKS supports in a region (for the version check before attaching). */
  listKubernetesVersions(subscriptionId: string, location: string): Promise<KubernetesVersionListResult>;
}

/** Kubeconfigs of the cluster, to read its secrets (read-only). */
export interface ClusterCredentials {
  /** The cluster user's kubeconfig (decoded), to read the azuremlfessl secret for tls: keep. */
  getClusterUserKubeconfig(cluster: ManagedClusterId): Promise<string | undefined>;
  /** The local admin kubeconfig (decoded): the fallback for Entra-integrated clusters, whose user kubeconfig needs kubelogin. */
  getClusterAdminKubeconfig(cluster: ManagedClusterId): Promise<string | undefined>;
}

export class ArmGateway implements ComputeGateway, ClusterReader, ClusterCredentials {
  /** Shared with the extension gateway: one Retry-After window for the whole run. */
  readonly requests: ArmRequests;

  constructor(
    private readonly clients: AzureClients,
    private readonly target: ComputeTarget,
    options: GatewayOptions,
  ) {
    this.requests = new ArmRequests(options);
  }

  async getCompute(): Promise<ComputeResource | undefined> {
    const { resourceGroup, workspaceName, computeName } = this.target;
    return this.requests.retrying(`GET compute ${computeName}`, async (abortSignal) => {
      try {
        return await this.clients.ml.computeOperations.get(resourceGroup, workspaceName, computeName, { abortSignal });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  async peekCompute(timeoutMs = PEEK_TIMEOUT_MS): Promise<{ compute?: ComputeResource } | undefined> {
    const signal = this.requests.options.signal;
    if (signal?.aborted || this.requests.gateWaitMs() > 0) return undefined;
    const { resourceGroup, workspaceName, computeName } = this.target;
    const signals = [AbortSignal.timeout(Math.min(timeoutMs, PEEK_TIMEOUT_MS)), ...(signal ? [signal] : [])];
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
    return this.requests.retrying(`list computes of ${workspaceName}`, async (abortSignal) => {
      const all: ComputeResource[] = [];
      for await (const compute of this.clients.ml.computeOperations.list(resourceGroup, workspaceName, { abortSignal }))
        all.push(compute);
      return all;
    });
  }

  async getWorkspaceLocation(): Promise<string> {
    const { resourceGroup, workspaceName } = this.target;
    const workspace = await this.requests.retrying(`GET workspace ${workspaceName}`, (abortSignal) =>
      this.clients.ml.workspaces.get(resourceGroup, workspaceName, { abortSignal }),
    );
    return workspace.location ?? '';
  }

  async getManagedCluster(cluster: ManagedClusterId): Promise<ManagedCluster | undefined> {
    return this.requests.retrying(`GET cluster ${cluster.name}`, async (abortSignal) => {
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

  async listKubernetesVersions(subscriptionId: string, location: string): Promise<KubernetesVersionListResult> {
    return this.requests.retrying(`list Kubernetes versions in ${location}`, (abortSignal) =>
      this.clients.containerService(subscriptionId).managedClusters.listKubernetesVersions(location, { abortSignal }),
    );
  }

  async getClusterUserKubeconfig(cluster: ManagedClusterId): Promise<string | undefined> {
    const result = await this.requests.retrying(`list credentials of cluster ${cluster.name}`, (abortSignal) =>
      this.clients
        .containerService(cluster.subscriptionId)
        .managedClusters.listClusterUserCredentials(cluster.resourceGroup, cluster.name, { abortSignal }),
    );
    const value = result.kubeconfigs?.[0]?.value;
    return value ? Buffer.from(value).toString('utf8') : undefined;
  }

  async getClusterAdminKubeconfig(cluster: ManagedClusterId): Promise<string | undefined> {
    const result = await this.requests.retrying(`list admin credentials of cluster ${cluster.name}`, (abortSignal) =>
      this.clients
        .containerService(cluster.subscriptionId)
        .managedClusters.listClusterAdminCredentials(cluster.resourceGroup, cluster.name, { abortSignal }),
    );
    const value = result.kubeconfigs?.[0]?.value;
    return value ? Buffer.from(value).toString('utf8') : undefined;
  }

  async beginCreateOrUpdate(body: ComputeResource, what = 'attach'): Promise<LroStart> {
    const { resourceGroup, workspaceName, computeName } = this.target;
    return this.requests.mutation(
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

  async beginUpdateInPlace(body: Record<string, unknown>): Promise<LroStart> {
    const { subscriptionId, resourceGroup, workspaceName, computeName } = this.target;
    const ml = this.clients.ml;
    const url = `${ml.$host}${computeResourceId(subscriptionId, resourceGroup, workspaceName, computeName)}?api-version=${ml.apiVersion}`;
    return this.requests.mutation(
      `PUT compute ${computeName}`,
      'update (PUT)',
      'PUT',
      (abortSignal, onResponse) => putJson(ml, url, body, abortSignal, onResponse),
      retryOnlyIfNotProcessed,
    );
  }

  async beginDetach(): Promise<LroStart> {
    const { resourceGroup, workspaceName, computeName } = this.target;
    return this.requests.mutation(
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

  async waitFor(start: LroStart, onProgress: (p: LroProgress) => void): Promise<LroOutcome> {
    return this.requests.waitFor(start, this.clients.sendGet, onProgress);
  }
}
