/** When the step comments, and how a failed comment becomes one notice without touching the step's result. */
import { PullRequestCommentError, type PullRequestTarget } from '../../src/core/contract/pull-request';
import { SecretRedactor } from '../../src/core/contract/secrets';
import { commentOnPullRequest, commentsWanted } from '../../src/core/pull-request/post';
import { githubPullRequest, commentError } from '../../src/github/pull-request';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingPlatform } from '../../testkit/recording-platform';
import { reader } from '../../testkit/inputs';

const ID = '/subscriptions/s/resourceGroups/G/providers/Microsoft.MachineLearningServices/workspaces/w/computes/C';
const TOKEN = 'ghs_the-token-value-1234567890';

function setUp(target: PullRequestTarget) {
  const platform = { ...recordingPlatform(), pullRequest: () => target };
  const redactor = new SecretRedactor();
  redactor.add(TOKEN);
  const rendered: Array<{ maxBodyLength: number; runUrl?: string }> = [];
  const comment = {
    computeId: ID,
    render: (o: { maxBodyLength: number; runUrl?: string; redact: (t: string) => string }) => {
      rendered.push({ maxBodyLength: o.maxBodyLength, runUrl: o.runUrl });
      return o.redact(`plan for C (token ${TOKEN})`);
    },
  };
  return { platform, post: () => commentOnPullRequest(platform, comment, redactor), rendered };
}

test('pr-comment: off, or empty (the default auto)', () => {
  expect(commentsWanted(reader({ 'pr-comment': 'off' }))).toBe(false);
  expect(commentsWanted(reader({}))).toBe(true);
  expect(commentsWanted(reader({ 'pr-comment': 'auto' }))).toBe(true);
});

test('not a pull request: nothing is rendered, opened or said', async () => {
  const { platform, post, rendered } = setUp({ kind: 'none' });
  await post();
  expect(rendered).toEqual([]);
  expect(platform.lines).toEqual([]);
});

test('a pull request the product cannot comment on: one notice with the reason', async () => {
  const { platform, post, rendered } = setUp({ kind: 'unsupported', reason: 'the repository is on Bitbucket.' });
  await post();
  expect(rendered).toEqual([]);
  expect(platform.lines).toEqual(['notice: No pull-request comment: the repository is on Bitbucket.']);
});

test('a pull request: rendered for the commenter, upserted under the lower-cased marker, redacted', async () => {
  const upserts: Array<[string, string]> = [];
  const { platform, post, rendered } = setUp({
    kind: 'pull-request',
    open: async () => ({
      description: 'pull request #7 of o/r',
      maxBodyLength: 1234,
      runUrl: 'https://run',
      upsert: async (marker, body) => {
        upserts.push([marker, body]);
        return 'created';
      },
    }),
  });
  await post();
  expect(rendered).toEqual([{ maxBodyLength: 1234, runUrl: 'https://run' }]);
  expect(upserts).toEqual([[`<!-- aks-aml-attach compute=${ID.toLowerCase()} -->`, 'plan for C (token ***)']]);
  expect(platform.lines).toEqual(['Pull-request comment created on pull request #7 of o/r.']);
});

test.each([
  [
    'a PullRequestCommentError',
    new PullRequestCommentError('GitHub answered HTTP 403: grant it.', 403),
    'GitHub answered HTTP 403: grant it.',
  ],
  ['any other error', new Error(`socket hang up ${TOKEN}`), 'unexpected error: socket hang up ***'],
])('%s while posting: one notice, redacted, nothing thrown', async (_, error, said) => {
  const { platform, post } = setUp({
    kind: 'pull-request',
    open: async () => ({
      description: 'pull request #7 of o/r',
      maxBodyLength: 100,
      upsert: () => Promise.reject(error),
    }),
  });
  await expect(post()).resolves.toBeUndefined();
  expect(platform.lines).toEqual([
    `notice: Could not comment on pull request #7 of o/r: ${said} The step's result is not affected.`,
  ]);
  expect(platform.failures).toEqual([]);
});

test('opening fails (no client): a notice too', async () => {
  const { platform, post } = setUp({ kind: 'pull-request', open: () => Promise.reject(new Error('no module')) });
  await post();
  expect(platform.lines).toEqual([
    "notice: Could not comment: unexpected error: no module The step's result is not affected.",
  ]);
});

describe('GitHub: the pull request from the runner variables', () => {
  const event = (payload: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
    writeFileSync(path, typeof payload === 'string' ? payload : JSON.stringify(payload));
    return path;
  };
  const env = (over: Record<string, string>) => ({
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_EVENT_PATH: event({ number: 12, pull_request: { number: 12 } }),
    ...over,
  });
  const token = () => TOKEN;

  test.each(['push', 'schedule', 'workflow_dispatch', 'issue_comment', ''])('%s: none', (name) => {
    expect(githubPullRequest(token, env({ GITHUB_EVENT_NAME: name }))).toEqual({ kind: 'none' });
  });

  test('pull_request and pull_request_target: a commenter for the number in the payload', async () => {
    for (const name of ['pull_request', 'pull_request_target']) {
      const target = githubPullRequest(
        token,
        env({ GITHUB_EVENT_NAME: name, GITHUB_RUN_ID: '55', GITHUB_SERVER_URL: 'https://ghe.example/' }),
      );
      expect(target.kind).toBe('pull-request');
      if (target.kind !== 'pull-request') return;
      const commenter = await target.open();
      expect(commenter).toMatchObject({
        description: 'pull request #12 of octo/models',
        maxBodyLength: 65_536,
        runUrl: 'https://ghe.example/octo/models/actions/runs/55',
      });
    }
  });

  test.each([
    ['a payload without a number', { GITHUB_EVENT_PATH: event({ action: 'opened' }) }, /names no pull request number/],
    ['an unreadable payload', { GITHUB_EVENT_PATH: event('{not json') }, /event payload could not be read/],
    ['a repository that is not owner/name', { GITHUB_REPOSITORY: 'models' }, /is not owner\/name/],
  ])('%s: unsupported, with the reason', (_, over, reason) => {
    const target = githubPullRequest(token, env(over));
    expect(target.kind).toBe('unsupported');
    expect(target.kind === 'unsupported' && target.reason).toMatch(reason);
  });

  test('an empty github-token: unsupported, naming the input and the permission', () => {
    const target = githubPullRequest(() => undefined, env({}));
    expect(target.kind === 'unsupported' && target.reason).toMatch(/github-token is empty.*pull-requests: write/);
  });

  test.each([
    [
      { status: 403, message: 'Resource not accessible by integration' },
      /HTTP 403 .*permissions: pull-requests: write.*forks/,
    ],
    [{ status: 404, message: 'Not Found' }, /HTTP 404 .*pull-requests: write/],
    [{ status: 401, message: 'Bad credentials' }, /refused the token \(HTTP 401/],
    [{ status: 429, message: 'slow down' }, /rate limit is reached \(HTTP 429/],
    [
      {
        status: 403,
        message: 'API rate limit exceeded',
        response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1800000000' } },
      },
      /rate limit is reached until 2027-01-15T08:00:00.000Z/,
    ],
    [{ status: 502, message: 'Bad gateway' }, /answered HTTP 502: Bad gateway/],
    [new Error('getaddrinfo ENOTFOUND api.github.com'), /could not be reached: getaddrinfo ENOTFOUND/],
    [{ status: 500, message: 'self-signed certificate in certificate chain' }, /could not be reached: self-signed/],
    [{ status: 500, message: 'oops', response: { headers: {} } }, /answered HTTP 500: oops/],
  ])('GitHub error %j in words', (error, words) => {
    const e = commentError(error);
    expect(e).toBeInstanceOf(PullRequestCommentError);
    expect(e.message).toMatch(words);
  });
});
