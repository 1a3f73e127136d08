/**
 * Plans on pull requests through the GitHub bundle: one comment per compute, found again by its
 * marker and edited on later runs; a read-only token gives a notice and the step succeeds; runs
 * that are not for a pull request, or with pr-comment: off, send nothing to GitHub's API.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMutating, type Emulator } from '../../emulator';
import { DEMO, seedAttachedCompute } from '../../testkit/demo-world';
import { keyScanner, scoringCertificate } from '../../testkit/kubernetes';
import { githubEventEnv, PR, pullRequestComments } from '../../testkit/pull-request';
import { runAction } from '../../testkit/run-action';
import { SecretScanner, pullRequestCommentsOf, visibleOf } from '../../testkit/secret-scan';
import { emulatorPerTest, githubInputs } from '../../testkit/world';

const world = emulatorPerTest();

const run = (
  emulator: Emulator,
  inputs: Record<string, string> = {},
  event: { event?: string; number?: number } = {},
  env: Record<string, string> = {},
) =>
  runAction({
    inputs: githubInputs(emulator, { 'github-token': emulator.github.token, ...inputs }),
    env: { ...githubEventEnv(emulator, event), ...env },
    caCertPath: emulator.caCertPath,
  });

const githubRequests = (emulator: Emulator) => emulator.traffic.all().filter((e) => e.kind === 'github');

test('a dry run on a pull request creates one comment with the plan; the next run edits it', async () => {
  const emulator = world();
  const planned = await run(emulator, { 'dry-run': 'true' });
  expect(planned.exitCode).toBe(0);
  expect(planned.outputs.result).toBe('planned');
  expect(emulator.traffic.all().filter(isMutating)).toEqual([]);
  const [comment, ...more] = pullRequestComments(emulator);
  expect(more).toEqual([]);
  expect(comment.body).toMatch(/^<!-- aks-aml-attach compute=\/subscriptions\/[^ ]+\/computes\/aks-prod -->/);
  expect(comment.body).toContain('Plan for AKS compute `aks-prod`: attach (dry run, nothing changed)');
  expect(comment.body).toContain(`https://github.example.com/${PR.owner}/${PR.repo}/actions/runs/${PR.runId}`);
  expect(planned.stdout).toContain(`Pull-request comment created on pull request #${PR.number} of octo-org/octo-repo.`);

  emulator.traffic.clear();
  const attached = await run(emulator);
  expect(attached.outputs.result).toBe('attached');
  const after = pullRequestComments(emulator);
  expect(after).toHaveLength(1);
  expect(after[0].id).toBe(comment.id);
  expect(after[0].edits).toBe(1);
  expect(after[0].body).toContain('### AKS compute `aks-prod`: attached');
  expect(githubRequests(emulator).map((e) => `${e.method} ${e.status}`)).toEqual(['GET 200', 'PATCH 200']);
  expect(attached.stdout).toContain('Pull-request comment updated');

  const scanner = new SecretScanner().addDemoSecrets().addEmulator(emulator).add('GitHub token', emulator.github.token);
  expect(scanner.scan({ ...visibleOf(planned), ...pullRequestCommentsOf(emulator) })).toEqual([]);
  expect(scanner.scan(visibleOf(attached))).toEqual([]);
});

test('two computes on one pull request get a comment each; other comments on it are paged through and left alone', async () => {
  const emulator = world();
  seedAttachedCompute(emulator, { name: 'aks-small', clusterId: DEMO.clusters.small });
  const where = { owner: PR.owner, repo: PR.repo, issue: PR.number };
  for (let i = 0; i < 120; i++) emulator.github.add(where, `review note ${i}`);
  await run(emulator, { 'dry-run': 'true' });
  await run(emulator, { 'dry-run': 'true', 'compute-name': 'aks-small', 'aks-resource-id': DEMO.clusters.small });
  emulator.traffic.clear();
  await run(emulator, { 'dry-run': 'true', 'compute-name': 'aks-small', 'aks-resource-id': DEMO.clusters.small });

  const ours = pullRequestComments(emulator).filter((c) => c.body.startsWith('<!-- aks-aml-attach'));
  expect(ours.map((c) => /computes\/([\w-]+) -->/.exec(c.body)?.[1])).toEqual(['aks-prod', 'aks-small']);
  expect(ours.map((c) => c.edits)).toEqual([0, 1]);
  expect(ours[1].body).toContain('Plan for AKS compute `aks-small`: none');
  // 122 comments at 100 a page: two pages read, then the edit.
  expect(githubRequests(emulator).map((e) => `${e.method} ${e.query.page ?? '1'}`)).toEqual([
    'GET 1',
    'GET 2',
    'PATCH 1',
  ]);
  expect(pullRequestComments(emulator).filter((c) => c.body.startsWith('review note'))).toHaveLength(120);
});

test('a read-only token (a pull request from a fork): the step succeeds with a notice that names the permission', async () => {
  const emulator = world();
  emulator.github.permission = 'read';
  const planned = await run(emulator, { 'dry-run': 'true' });
  expect(planned.exitCode).toBe(0);
  expect(planned.outputs.result).toBe('planned');
  expect(pullRequestComments(emulator)).toEqual([]);
  const notices = planned.stdout.split('\n').filter((l) => l.startsWith('::notice'));
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain('title=Pull-request comment');
  expect(notices[0]).toContain('HTTP 403');
  expect(notices[0]).toContain('permissions: pull-requests: write');
  expect(planned.stdout).not.toMatch(/^::error/m);
});

test('pr-comment: off and a push make no request to the GitHub API', async () => {
  const emulator = world();
  const off = await run(emulator, { 'dry-run': 'true', 'pr-comment': 'off' });
  const push = await run(emulator, { 'dry-run': 'true' }, { event: 'push' });
  expect([off.exitCode, push.exitCode]).toEqual([0, 0]);
  expect(githubRequests(emulator)).toEqual([]);
  expect(`${off.stdout}${push.stdout}`).not.toContain('Pull-request comment');
});

test('pr-comment with another value is an input error before any request', async () => {
  const emulator = world();
  const bad = await run(emulator, { 'pr-comment': 'always' });
  expect(bad.exitCode).not.toBe(0);
  expect(bad.stdout).toContain("pr-comment: 'always' is not one of: auto, off");
  expect(emulator.traffic.all()).toEqual([]);
});

test('a failed run posts its outcome on the pull request', async () => {
  const emulator = world();
  // The compute is bound to another cluster: without replace, the run refuses before any change.
  seedAttachedCompute(emulator, { name: 'aks-prod', clusterId: DEMO.clusters.small });
  const failed = await run(emulator);
  expect(failed.exitCode).not.toBe(0);
  const [comment] = pullRequestComments(emulator);
  expect(comment.body).toContain('### AKS compute `aks-prod`: failed');
  expect(comment.body).toContain('aks-small');
});

test('rate limited: a notice that says so, and the step succeeds', async () => {
  const emulator = world();
  emulator.faults.add({
    match: { kind: 'github' },
    action: { status: 429, body: { message: 'API rate limit exceeded' } },
  });
  const planned = await run(emulator, { 'dry-run': 'true' });
  expect(planned.exitCode).toBe(0);
  const notices = planned.stdout.split('\n').filter((l) => l.startsWith('::notice'));
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain('rate limit is reached (HTTP 429');
  expect(pullRequestComments(emulator)).toEqual([]);
});

test('behind a corporate proxy: the comment requests go through HTTPS_PROXY', async () => {
  const emulator = world();
  // The emulator's own CONNECT proxy ends every tunnel at the emulator, whose certificate covers
  // *.emulator.test: a name that is not loopback (HTTP clients bypass proxies for loopback names).
  const apiUrl = `https://github-api.emulator.test:${new URL(emulator.url).port}/api/v3`;
  const planned = await run(
    emulator,
    { 'dry-run': 'true' },
    {},
    { HTTPS_PROXY: emulator.proxyUrl, GITHUB_API_URL: apiUrl },
  );
  expect(planned.exitCode).toBe(0);
  expect(planned.stdout.split('\n').filter((l) => l.startsWith('::notice'))).toEqual([]);
  expect(pullRequestComments(emulator)).toHaveLength(1);
  expect(emulator.proxyTunnels).toContain(new URL(apiUrl).host);
  // The name resolves nowhere: without the proxy the same run only gets a notice.
  const direct = await run(emulator, { 'dry-run': 'true' }, {}, { GITHUB_API_URL: apiUrl });
  expect(direct.stdout).toMatch(/^::notice title=Pull-request comment::.*could not be reached/m);
});

/**
 * A preload that notes whether @actions/github was evaluated: its module body (the Context it
 * exports) reads GITHUB_GRAPHQL_URL, which nothing else in the bundle reads.
 */
function octokitProbe(): { env: Record<string, string>; evaluated: () => boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'octokit-probe-'));
  const marker = join(dir, 'evaluated');
  const preload = join(dir, 'probe.js');
  writeFileSync(
    preload,
    `const fs = require('fs');
const env = process.env;
process.env = new Proxy(env, {
  get(target, name) {
    if (name === 'GITHUB_GRAPHQL_URL') fs.writeFileSync(${JSON.stringify(marker)}, 'yes');
    return Reflect.get(target, name);
  },
});`,
  );
  return { env: { NODE_OPTIONS: `--require ${preload}` }, evaluated: () => existsSync(marker) };
}

test('an unchanged run that is not for a pull request does not evaluate Octokit; a pull-request run does', async () => {
  const emulator = world();
  seedAttachedCompute(emulator);
  const push = octokitProbe();
  const unchanged = await run(emulator, {}, { event: 'push' }, push.env);
  expect(unchanged.outputs.result).toBe('unchanged');
  expect(push.evaluated()).toBe(false);

  const pullRequest = octokitProbe();
  const commented = await run(emulator, {}, {}, pullRequest.env);
  expect(commented.outputs.result).toBe('unchanged');
  expect(pullRequestComments(emulator)).toHaveLength(1);
  expect(pullRequest.evaluated()).toBe(true);
});

test('a v2 compute with a custom certificate: plan then outcome on the pull request; no key or token in logs or comments', async () => {
  const emulator = world();
  const certificate = scoringCertificate(emulator);
  const inputs = {
    'compute-type': 'kubernetes',
    'compute-name': 'k8s-prod',
    tls: 'custom',
    'tls-cert': certificate.chainPem,
    'tls-key': certificate.keyPem,
    'tls-cname': 'scoring.contoso.com',
  };
  const planned = await run(emulator, { ...inputs, 'dry-run': 'true' });
  expect(planned.outputs.result).toBe('planned');
  expect(emulator.traffic.all().filter(isMutating)).toEqual([]);
  expect(pullRequestComments(emulator)[0].body).toContain('Plan for Kubernetes compute `k8s-prod`: attach');
  expect(pullRequestComments(emulator)[0].body).toContain('attach the cluster as a Kubernetes compute');

  const attached = await run(emulator, inputs);
  expect(attached.outputs.result).toBe('attached');
  const [comment, ...more] = pullRequestComments(emulator);
  expect(more).toEqual([]);
  expect(comment.body).toContain('### Kubernetes compute `k8s-prod`: attached');
  expect(comment.body).toMatch(/\| Certificate \| expires \d{4}-\d\d-\d\d/);

  const scanner = keyScanner(emulator, [certificate.keyPem]).add('GitHub token', emulator.github.token);
  expect(scanner.scan({ ...visibleOf(planned), ...pullRequestCommentsOf(emulator) })).toEqual([]);
  expect(scanner.scan(visibleOf(attached))).toEqual([]);
});
