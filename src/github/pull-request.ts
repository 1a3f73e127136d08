/**
 * The pull request of a GitHub workflow run, from the runner's variables and event payload only;
 * the commenter loads Octokit (@actions/github) when first opened, so runs that are not for a pull
 * request never evaluate it. Requests go to GITHUB_API_URL (GitHub Enterprise Server works) through
 * @actions/http-client's agents, which honour HTTPS_PROXY and NO_PROXY as the runner sets them.
 */
import * as path from 'node:path';
import { loadSideBundle } from '../core/side-bundle';
import type * as OctokitVendor from './octokit-vendor';
import { readFileSync } from 'node:fs';
import {
  PullRequestCommentError,
  type PullRequestCommenter,
  type PullRequestTarget,
} from '../core/contract/pull-request';

/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The comment's whole exchange (list, then edit or create) gets this long; a hung API must not hold the step. */
const COMMENT_TIMEOUT_MS = 30_000;

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

const PERMISSION =
  'the job needs `permissions: pull-requests: write` (pull requests from forks always get a read-only token; use pull_request_target with care, or read the plan in the job summary)';

interface Repository {
  readonly owner: string;
  readonly repo: string;
}

type Env = Readonly<Record<string, string | undefined>>;

function pullRequestNumber(env: Env): number | undefined {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return undefined;
  const payload = JSON.parse(readFileSync(path, 'utf8')) as { number?: unknown; pull_request?: { number?: unknown } };
  const number = payload.pull_request?.number ?? payload.number;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

/** The pull request this run is for; `token` is read only when a comment is to be posted. */
export function githubPullRequest(token: () => string | undefined, env: Env = process.env): PullRequestTarget {
  if (!PULL_REQUEST_EVENTS.includes(env.GITHUB_EVENT_NAME ?? '')) return { kind: 'none' };
  const [owner, repo, ...extra] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || extra.length)
    return { kind: 'unsupported', reason: `GITHUB_REPOSITORY '${env.GITHUB_REPOSITORY ?? ''}' is not owner/name.` };
  let number: number | undefined;
  try {
    number = pullRequestNumber(env);
  } catch (error) {
    return {
      kind: 'unsupported',
      reason: `the event payload could not be read (${error instanceof Error ? error.message : String(error)}).`,
    };
  }
  if (number === undefined)
    return {
      kind: 'unsupported',
      reason: `the ${env.GITHUB_EVENT_NAME ?? ''} event payload names no pull request number.`,
    };
  const value = token();
  if (!value)
    return {
      kind: 'unsupported',
      reason: `github-token is empty; give it \`\${{ github.token }}\` and ${PERMISSION}.`,
    };
  const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const runUrl = env.GITHUB_RUN_ID
    ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
    : undefined;
  return {
    kind: 'pull-request',
    // A failure to load or set up Octokit rejects, as a failed request would.
    open: () =>
      Promise.resolve().then(() =>
        issueCommenter(value, env.GITHUB_API_URL || 'https://api.github.com', { owner, repo }, number, runUrl),
      ),
  };
}

function issueCommenter(
  token: string,
  baseUrl: string,
  repository: Repository,
  number: number,
  runUrl: string | undefined,
): PullRequestCommenter {
  // Loaded here, from a bundle of its own: only runs for a pull request parse and evaluate Octokit.
  const { getOctokit } = loadSideBundle<typeof OctokitVendor>('octokit', path.join(__dirname, 'octokit-vendor'));
  const octokit = getOctokit(token, { baseUrl });
  const where = { ...repository, issue_number: number };
  return {
    description: `pull request #${number} of ${repository.owner}/${repository.repo}`,
    maxBodyLength: GITHUB_COMMENT_LIMIT,
    runUrl,
    async upsert(marker, body) {
      // Per request, not in getOctokit's options: those replace (not merge) the proxy-aware defaults.
      const request = { signal: AbortSignal.timeout(COMMENT_TIMEOUT_MS) };
      try {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
          ...where,
          per_page: 100,
          request,
        });
        const mine = comments.find((c) => c.body?.includes(marker));
        if (mine) {
          await octokit.rest.issues.updateComment({ ...repository, comment_id: mine.id, body, request });
          return 'updated';
        }
        await octokit.rest.issues.createComment({ ...where, body, request });
        return 'created';
      } catch (error) {
        if (request.signal.aborted)
          throw new PullRequestCommentError(`GitHub's API did not answer within ${COMMENT_TIMEOUT_MS / 1000} s.`);
        throw commentError(error);
      }
    },
  };
}

interface OctokitError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/** An Octokit failure in words that say what to do; the token is never part of it. */
export function commentError(error: unknown): PullRequestCommentError {
  const e = (error ?? {}) as OctokitError;
  // Octokit reports a request that got no answer (DNS, TLS, proxy, reset) as status 500 without a response.
  const status = typeof e.status === 'number' && !(e.status === 500 && !e.response) ? e.status : undefined;
  const said = (e.message ?? String(error)).split('\n')[0];
  const headers = e.response?.headers ?? {};
  if (status === 429 || (status === 403 && String(headers['x-ratelimit-remaining']) === '0')) {
    const reset = Number(headers['x-ratelimit-reset']);
    const until = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
    return new PullRequestCommentError(
      `GitHub's API rate limit is reached${until} (HTTP ${status}: ${said}); the next run comments again.`,
      status,
    );
  }
  if (status === 401) return new PullRequestCommentError(`GitHub refused the token (HTTP 401: ${said}).`, status);
  if (status === 403 || status === 404)
    return new PullRequestCommentError(`GitHub answered HTTP ${status} (${said}): ${PERMISSION}.`, status);
  return new PullRequestCommentError(
    status ? `GitHub's API answered HTTP ${status}: ${said}.` : `GitHub's API could not be reached: ${said}.`,
    status,
  );
}
