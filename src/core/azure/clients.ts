/** SDK clients for one run, sharing one credential and one set of pipeline options. */
import type { ContainerServiceClient } from '@azure/arm-containerservice';
import type { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/core-auth';
import type { ServiceClient } from '@azure/core-client';
import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { Cloud } from './cloud';
import type { HttpExchange, SendGet } from './http-exchange';

export const USER_AGENT = 'aks-aml-attach/1';

export interface AzureClients {
  readonly ml: AzureMachineLearningWorkspaces;
  containerService(subscriptionId: string): ContainerServiceClient;
  /** Microsoft.KubernetesConfiguration (cluster extensions), for compute-type: kubernetes. */
  kubernetesConfiguration(subscriptionId: string): SourceControlConfigurationClient;
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
  // Polling is ours too (poller.ts); see withoutSdkFirstPoll.
  const ownPolls = new WeakSet<PipelineRequest>();
  ml.pipeline.addPolicy(withoutSdkFirstPoll(ownPolls), { phase: 'Retry' });
  const clusterClients = new Map<string, ContainerServiceClient>();
  const extensionClients = new Map<string, SourceControlConfigurationClient>();
  return {
    ml,
    containerService(sub: string) {
      const key = sub.toLowerCase();
      let client = clusterClients.get(key);
      if (!client) {
        // Loaded on first use: only runs that attach a cluster read it, and the module is a
        // tenth of the bundle, so an unchanged ensure does not pay for evaluating it at start.
        const { ContainerServiceClient: Client } =
          // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- lazy on purpose (above)
          require('@azure/arm-containerservice') as typeof import('@azure/arm-containerservice');
        client = new Client(credential, sub, common);
        clusterClients.set(key, client);
      }
      return client;
    },
    kubernetesConfiguration(sub: string) {
      const key = sub.toLowerCase();
      let client = extensionClients.get(key);
      if (!client) {
        // Loaded on first use, as above: only compute-type: kubernetes needs it.
        const { SourceControlConfigurationClient: Client } =
          // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- lazy on purpose (above)
          require('@azure/arm-kubernetesconfiguration') as typeof import('@azure/arm-kubernetesconfiguration');
        client = new Client(credential, sub, common);
        client.pipeline.addPolicy(withoutSdkFirstPoll(new WeakSet()), { phase: 'Retry' });
        extensionClients.set(key, client);
      }
      return client;
    },
    sendGet: (url, signal) => sendGet(ml, ownPolls, url, signal),
  };
}

async function sendGet(
  client: ServiceClient,
  ownPolls: WeakSet<PipelineRequest>,
  url: string,
  signal: AbortSignal,
): Promise<HttpExchange> {
  const request = createPipelineRequest({ url, method: 'GET', abortSignal: signal });
  ownPolls.add(request);
  const response = await client.sendRequest(request);
  return {
    status: response.status,
    header: (name) => response.headers.get(name),
    bodyText: response.bodyAsText ?? undefined,
  };
}

/**
 * The generated begin* methods (beginCreateOrUpdate, beginDelete, beginUpdate) hand the request to core-lro's
 * LroEngine and await its first poll(), which sends the PUT/DELETE and then, at once, a status
 * GET: a request with no information in it (the operation started milliseconds ago), sent before
 * any Retry-After, and one that can itself be throttled (429) and fail the begin* call although
 * the PUT was accepted. The gateway keeps only the initial response and polls with its own
 * poller, so that first GET is answered here, locally, as "in progress": after a PUT/DELETE that
 * started an operation, the next GET of its status URL is not sent, unless it is one of ours
 * (sendGet). One-shot per operation: an SDK poller used on purpose would still poll Azure after
 * its own interval.
 */
function withoutSdkFirstPoll(ownPolls: WeakSet<PipelineRequest>): PipelinePolicy {
  // Status URL → how to answer it; both URLs of one operation share the same entry.
  const pending = new Map<string, { mode: 'async' | 'location'; urls: string[] }>();
  return {
    name: 'aksAmlAttachWithoutSdkFirstPoll',
    async sendRequest(request, next) {
      if (request.method === 'GET' && pending.size > 0) {
        const key = normalise(request.url);
        const entry = key === undefined ? undefined : pending.get(key);
        if (entry) {
          for (const url of entry.urls) pending.delete(url);
          if (!ownPolls.has(request)) return inProgress(request, key === entry.urls[0] ? entry.mode : 'location');
        }
      }
      const response = await next(request);
      if (
        (request.method === 'PUT' || request.method === 'PATCH' || request.method === 'DELETE') &&
        (response.status === 201 || response.status === 202)
      ) {
        const asyncUrl = normalise(response.headers.get('azure-asyncoperation'), request.url);
        const locationUrl = normalise(response.headers.get('location'), request.url);
        const urls = [asyncUrl, locationUrl].filter((u): u is string => u !== undefined);
        if (urls.length > 0) {
          const entry = { mode: asyncUrl ? ('async' as const) : ('location' as const), urls };
          for (const url of urls) pending.set(url, entry);
        }
      }
      return response;
    },
  };
}

function inProgress(request: PipelineRequest, mode: 'async' | 'location'): PipelineResponse {
  return mode === 'async'
    ? {
        request,
        status: 200,
        headers: createHttpHeaders({ 'content-type': 'application/json' }),
        bodyAsText: '{"status":"InProgress"}',
      }
    : { request, status: 202, headers: createHttpHeaders({}) };
}

/**
 * A status URL without its query: the SDK appends the operation's own query parameters to it
 * (e.g. underlyingResourceAction=Detach after a DELETE), and the path names the operation anyway.
 */
function normalise(url: string | undefined, base?: string): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, base);
    return `${parsed.origin}${parsed.pathname}`.toLowerCase();
  } catch {
    return undefined;
  }
}
