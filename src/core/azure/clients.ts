/** SDK clients for one run, sharing one credential and one set of pipeline options. */
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/core-auth';
import type { ServiceClient } from '@azure/core-client';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import type { Cloud } from './cloud';
import type { HttpExchange, SendGet } from './http-exchange';

export const USER_AGENT = 'aks-aml-attach/1';

export interface AzureClients {
  readonly ml: AzureMachineLearningWorkspaces;
  containerService(subscriptionId: string): ContainerServiceClient;
  /** GET through the authenticated ARM pipeline, for long-running-operation status URLs. */
  readonly sendGet: SendGet;
}

export function createClients(credential: TokenCredential, cloud: Cloud, subscriptionId: string): AzureClients {
  const common = {
    endpoint: cloud.armEndpoint,
    // Generated clients build request URLs from $host, not from endpoint.
    $host: cloud.armEndpoint,
    credentialScopes: [`${cloud.armEndpoint}/.default`],
    // Retries are ours (retry.ts): deadline-aware, Retry-After-aware, and for status polls too.
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: USER_AGENT },
  };
  const ml = new AzureMachineLearningWorkspaces(credential, subscriptionId, common);
  const clusterClients = new Map<string, ContainerServiceClient>();
  return {
    ml,
    containerService(sub: string) {
      const key = sub.toLowerCase();
      let client = clusterClients.get(key);
      if (!client) {
        client = new ContainerServiceClient(credential, sub, common);
        clusterClients.set(key, client);
      }
      return client;
    },
    sendGet: (url, signal) => sendGet(ml, url, signal),
  };
}

async function sendGet(client: ServiceClient, url: string, signal: AbortSignal): Promise<HttpExchange> {
  const response = await client.sendRequest(createPipelineRequest({ url, method: 'GET', abortSignal: signal }));
  return { status: response.status, header: (name) => response.headers.get(name), bodyText: response.bodyAsText ?? undefined };
}
