/**
 * The Azure ML cluster extension (Microsoft.KubernetesConfiguration/extensions, api-version
 * 2023-05-01) behind a narrow interface, over @azure/arm-kubernetesconfiguration and the run's
 * shared ArmRequests: reads are retried, PUT/PATCH are writes whose first answer starts an
 * operation that is polled on our own schedule. There is no delete: the product never removes
 * the extension.
 */
import type { Extension, PatchExtension } from '@azure/arm-kubernetesconfiguration';
import type { ManagedClusterId } from './arm-id';
import { retryOnlyIfNotProcessed, type ArmRequests } from './arm-requests';
import type { AzureClients } from './clients';
import { isNotFound } from './errors';
import type { LroOutcome, LroProgress, LroStart } from './poller';

export type { Extension, PatchExtension } from '@azure/arm-kubernetesconfiguration';

const CLUSTER_RP = 'Microsoft.ContainerService';
const CLUSTER_RESOURCE = 'managedClusters';

export function extensionResourceId(cluster: ManagedClusterId, name: string): string {
  return `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`;
}

export interface ExtensionGateway {
  /** The extension, or undefined when the cluster has none of that name. */
  getExtension(cluster: ManagedClusterId, name: string): Promise<Extension | undefined>;
  /** PUT (install). Resent only when Azure certainly did not act on it. */
  beginInstall(cluster: ManagedClusterId, name: string, body: Extension): Promise<LroStart>;
  /** PATCH (update in place): settings merge, protected settings replace when given. Resent only when Azure certainly did not act on it; after an uncertain failure the caller reads the extension back. */
  beginUpdate(cluster: ManagedClusterId, name: string, patch: PatchExtension): Promise<LroStart>;
  waitFor(start: LroStart, onProgress: (p: LroProgress) => void): Promise<LroOutcome>;
}

export class ArmExtensionGateway implements ExtensionGateway {
  constructor(
    private readonly clients: AzureClients,
    private readonly requests: ArmRequests,
  ) {}

  private client(cluster: ManagedClusterId) {
    return this.clients.kubernetesConfiguration(cluster.subscriptionId).extensions;
  }

  async getExtension(cluster: ManagedClusterId, name: string): Promise<Extension | undefined> {
    return this.requests.retrying(`GET extension ${name} of cluster ${cluster.name}`, async (abortSignal) => {
      try {
        return await this.client(cluster).get(cluster.resourceGroup, CLUSTER_RP, CLUSTER_RESOURCE, cluster.name, name, {
          abortSignal,
        });
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  async beginInstall(cluster: ManagedClusterId, name: string, body: Extension): Promise<LroStart> {
    return this.requests.mutation(
      `PUT extension ${name} of cluster ${cluster.name}`,
      'extension install (PUT)',
      'PUT',
      (abortSignal, onResponse) =>
        this.client(cluster).beginCreate(
          cluster.resourceGroup,
          CLUSTER_RP,
          CLUSTER_RESOURCE,
          cluster.name,
          name,
          body,
          {
            abortSignal,
            onResponse,
          },
        ),
      retryOnlyIfNotProcessed,
    );
  }

  async beginUpdate(cluster: ManagedClusterId, name: string, patch: PatchExtension): Promise<LroStart> {
    return this.requests.mutation(
      `PATCH extension ${name} of cluster ${cluster.name}`,
      'extension update (PATCH)',
      'PATCH',
      (abortSignal, onResponse) =>
        this.client(cluster).beginUpdate(
          cluster.resourceGroup,
          CLUSTER_RP,
          CLUSTER_RESOURCE,
          cluster.name,
          name,
          patch,
          {
            abortSignal,
            onResponse,
          },
        ),
      retryOnlyIfNotProcessed,
    );
  }

  async waitFor(start: LroStart, onProgress: (p: LroProgress) => void): Promise<LroOutcome> {
    return this.requests.waitFor(start, this.clients.sendGet, onProgress);
  }
}
