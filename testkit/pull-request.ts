/**
 * A GitHub workflow run for a pull request, as the runner describes it to a step: the event name,
 * the event payload file, the repository, the API and server URLs and the run id; the API is the
 * emulator's (GitHub Enterprise Server form, `/api/v3`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GITHUB_API_PREFIX, type Emulator } from '../emulator';

export const PR = { owner: 'octo-org', repo: 'octo-repo', number: 42, runId: '9876543210' } as const;

export interface PullRequestRunOptions {
  /** Default `pull_request`; `push` or `schedule` for runs that are not for a pull request. */
  event?: string;
  number?: number;
}

/** The runner's variables for a run of `event` (GITHUB_EVENT_PATH points to a payload written here). */
export function githubEventEnv(emulator: Emulator, options: PullRequestRunOptions = {}): Record<string, string> {
  const event = options.event ?? 'pull_request';
  const number = options.number ?? PR.number;
  const dir = mkdtempSync(join(tmpdir(), 'github-event-'));
  const path = join(dir, 'event.json');
  const payload = event.startsWith('pull_request')
    ? { action: 'synchronize', number, pull_request: { number, head: { ref: 'change-tls' }, base: { ref: 'main' } } }
    : { ref: 'refs/heads/main', head_commit: { id: 'c0ffee' } };
  writeFileSync(path, JSON.stringify(payload));
  return {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path,
    GITHUB_REPOSITORY: `${PR.owner}/${PR.repo}`,
    GITHUB_API_URL: `${emulator.url}${GITHUB_API_PREFIX}`,
    GITHUB_SERVER_URL: 'https://github.example.com',
    GITHUB_RUN_ID: PR.runId,
  };
}

/** The comments on the emulated pull request (number `PR.number` unless given). */
export const pullRequestComments = (emulator: Emulator, number: number = PR.number) =>
  emulator.github.all({ owner: PR.owner, repo: PR.repo, issue: number });
