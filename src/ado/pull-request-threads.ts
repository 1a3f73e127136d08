/**
 * One pull-request thread per marker, through the Azure DevOps Git REST API (api-version 7.1):
 * list the threads (following continuation tokens), edit the first comment of the thread that
 * carries the marker, or start a new thread. Requests go through @azure/core-rest-pipeline, as
 * the ARM requests do: it honours HTTPS_PROXY/NO_PROXY and NODE_EXTRA_CA_CERTS, and takes the
 * agent's own proxy settings; azure-devops-node-api would add a second HTTP stack for four calls.
 */
import {
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpMethods,
  type PipelinePolicy,
  type PipelineResponse,
  type ProxySettings,
} from '@azure/core-rest-pipeline';
import { USER_AGENT } from '../core/azure/clients';
import { networkFailureOf } from '../core/azure/network-failure';
import { requestTimeoutFromEnv } from '../core/azure/request-timeout';
import { PullRequestCommentError, type PullRequestCommenter } from '../core/contract/pull-request';
import { redactSecretShapes } from '../core/contract/secrets';

export type { ProxySettings };

export interface AdoPullRequest {
  /** System.CollectionUri, ending with a slash (https://dev.azure.com/org/ or an Azure DevOps Server collection). */
  readonly collectionUri: string;
  /** Project id (or name) for the API; the name for messages and the run link. */
  readonly project: string;
  readonly projectName: string;
  readonly repositoryId: string;
  readonly repositoryName: string;
  readonly pullRequestId: number;
  readonly token: string;
  readonly runUrl?: string;
  /** The agent's proxy; without it HTTPS_PROXY applies. */
  readonly proxy?: ProxySettings;
}

const API_VERSION = '7.1';
const CONTINUATION_HEADER = 'x-ms-continuationtoken';
/** A thread list longer than this many pages is not followed further (a loop guard, not a limit met in practice). */
const MAX_PAGES = 50;
const REQUEST_TIMEOUT_MS = 30_000;
/** CommentType.Text and CommentThreadStatus.Active of the REST API. */
const TEXT_COMMENT = 1;
const ACTIVE_THREAD = 1;

interface Comment {
  id: number;
  parentCommentId?: number;
  content?: string;
  isDeleted?: boolean;
}
interface Thread {
  id: number;
  isDeleted?: boolean;
  comments?: Comment[];
}

/** @public Loaded with a lazy require by pull-request.ts, which static analysis does not follow. */
export function createThreadCommenter(pr: AdoPullRequest, maxBodyLength: number): PullRequestCommenter {
  const description = `pull request ${pr.pullRequestId} of ${pr.projectName}/${pr.repositoryName}`;
  const send = requestSender(pr);
  const threadsUrl = `${pr.collectionUri}${encodeURIComponent(pr.project)}/_apis/git/repositories/${encodeURIComponent(pr.repositoryId)}/pullRequests/${pr.pullRequestId}/threads`;

  async function findComment(marker: string): Promise<{ threadId: number; commentId: number } | undefined> {
    const seen = new Set<string>();
    let continuation: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = continuation ? `&continuationToken=${encodeURIComponent(continuation)}` : '';
      const response = await send(
        'GET',
        `${threadsUrl}?api-version=${API_VERSION}${query}`,
        'read the threads of the pull request',
      );
      for (const thread of (parseJson(response) as { value?: Thread[] }).value ?? []) {
        const first = firstComment(thread);
        if (first?.content?.includes(marker)) return { threadId: thread.id, commentId: first.id };
      }
      continuation = response.headers.get(CONTINUATION_HEADER) ?? undefined;
      if (!continuation || seen.has(continuation)) return undefined;
      seen.add(continuation);
    }
    return undefined;
  }

  return {
    description,
    maxBodyLength,
    runUrl: pr.runUrl,
    async upsert(marker, body) {
      const found = await findComment(marker);
      if (found) {
        await send(
          'PATCH',
          `${threadsUrl}/${found.threadId}/comments/${found.commentId}?api-version=${API_VERSION}`,
          'edit the comment on the pull request',
          { content: body },
        );
        return 'updated';
      }
      await send('POST', `${threadsUrl}?api-version=${API_VERSION}`, 'start a thread on the pull request', {
        comments: [{ parentCommentId: 0, content: body, commentType: TEXT_COMMENT }],
        status: ACTIVE_THREAD,
      });
      return 'created';
    },
  };
}

/** Sends one request; any answer but a JSON 2xx becomes a PullRequestCommentError that says what to do. */
function requestSender(target: AdoPullRequest) {
  const pipeline = createPipelineFromOptions({
    // A comment is not worth waiting for: a throttled or failing service gives a notice at once.
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: USER_AGENT },
    proxyOptions: target.proxy,
  });
  pipeline.addPolicy(jobToken(target), { phase: 'Sign' });
  const client = createDefaultHttpClient();
  return async (method: HttpMethods, url: string, what: string, body?: unknown): Promise<PipelineResponse> => {
    // Our own timer, not request.timeout: the HTTP client leaves that timer running after a
    // connection error, which would hold the task's process open for its whole length.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), requestTimeoutFromEnv() ?? REQUEST_TIMEOUT_MS);
    const request = createPipelineRequest({ url, method, abortSignal: timeout.signal });
    request.headers.set('accept', 'application/json');
    if (body !== undefined) {
      request.headers.set('content-type', 'application/json');
      request.body = JSON.stringify(body);
    }
    let response: PipelineResponse;
    try {
      response = await pipeline.sendRequest(client, request);
    } catch (error) {
      const failure = networkFailureOf(error) ?? (error instanceof Error ? error.message : String(error));
      throw new PullRequestCommentError(
        `Azure DevOps at ${new URL(target.collectionUri).origin} did not answer when asked to ${what} (${timeout.signal.aborted ? 'no answer within the request timeout' : redactSecretShapes(failure)}).`,
      );
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 200 && response.status < 300 && isJson(response)) return response;
    throw new PullRequestCommentError(failureMessage(target, what, response), response.status);
  };
}

/** The job token goes to the collection's own origin only, never to a host a redirect names. */
function jobToken(pr: AdoPullRequest): PipelinePolicy {
  const origin = new URL(pr.collectionUri).origin;
  return {
    name: 'adoJobAccessToken',
    sendRequest(request, next) {
      if (new URL(request.url).origin === origin) request.headers.set('authorization', `Bearer ${pr.token}`);
      return next(request);
    },
  };
}

/** The thread's opening comment (parent 0, else the lowest id), unless deleted. */
function firstComment(thread: Thread): Comment | undefined {
  if (thread.isDeleted) return undefined;
  const comments = [...(thread.comments ?? [])].sort((a, b) => a.id - b.id);
  const first = comments.find((c) => !c.parentCommentId) ?? comments[0];
  return first && !first.isDeleted ? first : undefined;
}

/** Azure DevOps answers a rejected token with 203 and a sign-in page rather than a 401. */
function isJson(response: PipelineResponse): boolean {
  return response.status !== 203 && /json/i.test(response.headers.get('content-type') ?? '');
}

function parseJson(response: PipelineResponse): unknown {
  try {
    return JSON.parse(response.bodyAsText ?? '{}');
  } catch {
    return {};
  }
}

/** "org" of https://dev.azure.com/org/, https://org.visualstudio.com/, or the collection of a server URL. */
export function organizationOf(collectionUri: string): string {
  const url = new URL(collectionUri);
  const segments = url.pathname.split('/').filter(Boolean);
  if (url.hostname.toLowerCase() === 'dev.azure.com' && segments[0]) return segments[0];
  const visualStudio = /^([^.]+)\.visualstudio\.com$/i.exec(url.hostname);
  if (visualStudio) return visualStudio[1];
  return segments[segments.length - 1] ?? url.hostname;
}

/** What went wrong and what to do, in Azure DevOps' words; the core prefixes which pull request. */
function failureMessage(pr: AdoPullRequest, what: string, response: PipelineResponse): string {
  const status = response.status;
  const serviceSays = serviceMessage(response);
  const because = serviceSays ? ` Azure DevOps says: ${serviceSays}` : '';
  if (status === 401 || status === 403 || status === 203) {
    const org = organizationOf(pr.collectionUri);
    const answer = status === 203 ? 'HTTP 203, a sign-in page: the token was not accepted' : `HTTP ${status}`;
    return (
      `Azure DevOps refused to ${what} (${answer}).` +
      ` The build service identity "${pr.projectName} Build Service (${org})" (or "Project Collection Build Service (${org})" when the job authorization scope is the collection)` +
      ` needs "Contribute to pull requests" on repository ${pr.repositoryName} (Project settings → Repositories → ${pr.repositoryName} → Security),` +
      ` and the job access token System.AccessToken must be available to the task.${because}`
    );
  }
  if (status === 429) {
    const retryAfter = response.headers.get('retry-after');
    return `Azure DevOps is rate-limiting this pipeline (HTTP 429${retryAfter ? `, retry after ${retryAfter} s` : ''}); the next run updates the comment.`;
  }
  if (status >= 500)
    return `Azure DevOps answered HTTP ${status} when asked to ${what}; the next run updates the comment.${because}`;
  if (status === 404)
    return `Azure DevOps answered HTTP 404 when asked to ${what}: the repository or pull request is not visible to the build service.${because}`;
  return `Azure DevOps answered HTTP ${status} when asked to ${what}.${because}`;
}

/** The `message` of an Azure DevOps error body, short and without secret shapes. */
function serviceMessage(response: PipelineResponse): string | undefined {
  if (!isJson(response)) return undefined;
  const message = (parseJson(response) as { message?: unknown }).message;
  if (typeof message !== 'string' || !message.trim()) return undefined;
  const short = message.trim().replace(/\s+/g, ' ');
  return redactSecretShapes(short.length > 300 ? `${short.slice(0, 300)}…` : short);
}
