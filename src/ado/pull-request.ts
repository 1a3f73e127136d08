/**
 * The pull request an Azure Pipelines run is for, from the agent's variables only (no request):
 * a PR validation build of an Azure Repos repository gets a commenter that posts threads; any
 * other build gets none, and a PR build of another provider is told why it gets no comment.
 */
import * as tl from 'azure-pipelines-task-lib/task';
import type { PullRequestCommenter, PullRequestTarget } from '../core/contract/pull-request';
import { quietly } from './quiet';
import type { AdoPullRequest, ProxySettings } from './pull-request-threads';

/** Azure DevOps rejects longer comment contents. */
export const ADO_MAX_COMMENT_LENGTH = 150_000;

const read = (name: string): string | undefined => tl.getVariable(name)?.trim() || undefined;

export function adoPullRequest(): PullRequestTarget {
  // Every other reason (IndividualCI, BatchedCI, Schedule, Manual, ResourceTrigger …) is no PR run.
  if (read('Build.Reason')?.toLowerCase() !== 'pullrequest') return { kind: 'none' };
  const provider = read('Build.Repository.Provider');
  if (provider?.toLowerCase() !== 'tfsgit') {
    return {
      kind: 'unsupported',
      reason: `pull-request comments need an Azure Repos Git repository; this pipeline builds a ${provider ?? 'unknown'} repository (Build.Repository.Provider), whose pull requests Azure DevOps threads cannot reach. Use the GitHub Action there, or set prComment: off`,
    };
  }

  const collectionUri = read('System.CollectionUri') ?? read('System.TeamFoundationCollectionUri');
  const projectName = read('System.TeamProject');
  const project = read('System.TeamProjectId') ?? projectName;
  const repositoryId = read('Build.Repository.ID');
  const pullRequestId = read('System.PullRequest.PullRequestId');
  const missing = [
    ['System.CollectionUri', collectionUri],
    ['System.TeamProject', project],
    ['Build.Repository.ID', repositoryId],
    ['System.PullRequest.PullRequestId', pullRequestId],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) {
    return {
      kind: 'unsupported',
      reason: `the agent did not give ${missing.join(', ')}, which name the pull request; no comment is posted`,
    };
  }
  if (!/^\d+$/.test(pullRequestId!)) {
    return { kind: 'unsupported', reason: `System.PullRequest.PullRequestId '${pullRequestId!}' is not a number` };
  }

  const token = jobAccessToken();
  if (!token) {
    return {
      kind: 'unsupported',
      reason:
        'the job access token (System.AccessToken) is not available to the task; allow scripts to access the OAuth token, or map it: env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)',
    };
  }

  const collection = collectionUri!.endsWith('/') ? collectionUri! : `${collectionUri!}/`;
  const buildId = read('Build.BuildId');
  const pr: AdoPullRequest = {
    collectionUri: collection,
    project: project!,
    projectName: projectName ?? project!,
    repositoryId: repositoryId!,
    repositoryName: read('Build.Repository.Name') ?? repositoryId!,
    pullRequestId: Number(pullRequestId),
    token,
    runUrl:
      buildId && projectName
        ? `${collection}${encodeURIComponent(projectName)}/_build/results?buildId=${encodeURIComponent(buildId)}`
        : undefined,
    proxy: agentProxy(collection),
  };
  return {
    kind: 'pull-request',
    open: (): Promise<PullRequestCommenter> => {
      // Loaded on first use: runs that are not for a pull request never evaluate it.
      const { createThreadCommenter } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports -- lazy on purpose (above)
        require('./pull-request-threads') as typeof import('./pull-request-threads');
      return Promise.resolve(createThreadCommenter(pr, ADO_MAX_COMMENT_LENGTH));
    },
  };
}

/**
 * The job's token: the SystemVssConnection endpoint every task gets, else System.AccessToken
 * when the pipeline mapped it; read without task-lib's debug echo.
 */
export function readJobAccessToken(): string | undefined {
  return (
    quietly(
      () =>
        tl.getEndpointAuthorizationParameter('SystemVssConnection', 'AccessToken', true)?.trim() ||
        tl.getVariable('System.AccessToken')?.trim(),
    ) || undefined
  );
}

/** The token this run comments with, masked at once. */
function jobAccessToken(): string | undefined {
  const token = readJobAccessToken();
  if (token) tl.setSecret(token);
  return token;
}

/** The agent's proxy (Agent.ProxyUrl, set by `config --proxyurl`), unless its bypass list names the collection. */
function agentProxy(collectionUri: string): ProxySettings | undefined {
  const config = quietly(() => tl.getHttpProxyConfiguration(collectionUri));
  if (!config?.proxyUrl) return undefined;
  let url: URL;
  try {
    url = new URL(config.proxyUrl);
  } catch {
    return undefined; // the agent would not have started with an unparseable proxy; HTTPS_PROXY still applies
  }
  if (config.proxyPassword) tl.setSecret(config.proxyPassword);
  return {
    host: `${url.protocol}//${url.hostname}`,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    username: config.proxyUsername || undefined,
    password: config.proxyPassword || undefined,
  };
}
