/**
 * The Azure Pipelines commenter over real HTTPS against the emulator's Azure DevOps threads:
 * one thread per marker, edited in place on later runs, found across pages, a missing permission
 * as a PullRequestCommentError that says what to grant, no request for builds that are not for a
 * pull request, and the same through HTTPS_PROXY and through the agent's own proxy settings.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, trustCaInProcess, type Emulator } from '../../emulator';
import { PullRequestCommentError, type PullRequestCommenter } from '../../src/core/contract/pull-request';
import { ADO_PR, adoPullRequestEnv, loadAdoPlatform, type LoadedAdoPlatform } from '../../testkit/ado-pull-request';
import { startConnectProxy, trustCaInTunnels, type ConnectProxy } from '../../testkit/connect-proxy';
import { DEMO } from '../../testkit/demo-world';
import { pullRequestCommentsOf, SecretScanner } from '../../testkit/secret-scan';

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ado-pr-int-'));
let emulator: Emulator;
let untrust: () => void;
let loaded: LoadedAdoPlatform | undefined;
let proxy: ConnectProxy | undefined;
beforeEach(async () => {
  emulator = await startEmulator();
  untrust = trustCaInProcess(emulator.caCertPem);
});
afterEach(async () => {
  loaded?.restore();
  loaded = undefined;
  await proxy?.stop();
  proxy = undefined;
  untrust();
  await emulator.stop();
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

async function commenter(overrides: Record<string, string> = {}): Promise<PullRequestCommenter> {
  loaded = loadAdoPlatform(adoPullRequestEnv(emulator.url, overrides), tempDir);
  const target = loaded.platform.pullRequest();
  if (target.kind !== 'pull-request') throw new Error(`expected a pull-request target, got ${JSON.stringify(target)}`);
  return target.open();
}

const threads = () => emulator.devops.threads(ADO_PR.pullRequestId, ADO_PR.repositoryId);
const devopsTraffic = () => emulator.traffic.filter({ kind: 'devops' });
const marker = (compute: string) => `<!-- aks-aml-attach:${compute} -->`;

it('the first upsert starts one active thread with the body, sent with the job token to the project repository', async () => {
  const c = await commenter();
  await expect(c.upsert(marker('aks1'), `${marker('aks1')}\n### Plan for aks1`)).resolves.toBe('created');
  expect(threads()).toHaveLength(1);
  expect(threads()[0]).toMatchObject({
    status: 'active',
    comments: [{ content: `${marker('aks1')}\n### Plan for aks1` }],
  });
  const [list, create] = devopsTraffic();
  expect(list.method).toBe('GET');
  expect(create.method).toBe('POST');
  expect(create.path).toBe(
    `/emulator-org/${ADO_PR.projectId}/_apis/git/repositories/${ADO_PR.repositoryId}/pullRequests/12/threads`,
  );
  expect(create.query['api-version']).toBe('7.1');
  expect(create.requestHeaders.authorization).toBe(`Bearer ${DEMO.adoSystemAccessToken}`);
  expect(create.requestBody).toEqual({
    comments: [{ parentCommentId: 0, content: `${marker('aks1')}\n### Plan for aks1`, commentType: 1 }],
    status: 1,
  });
});

it('a second upsert with the same marker edits that comment: no second thread', async () => {
  const c = await commenter();
  await c.upsert(marker('aks1'), `${marker('aks1')}\nfirst run`);
  await expect(c.upsert(marker('aks1'), `${marker('aks1')}\nsecond run`)).resolves.toBe('updated');
  expect(threads()).toHaveLength(1);
  expect(threads()[0].comments).toHaveLength(1);
  expect(threads()[0].comments[0].content).toBe(`${marker('aks1')}\nsecond run`);
  const patch = devopsTraffic().filter((e) => e.method === 'PATCH');
  expect(patch).toHaveLength(1);
  expect(patch[0].path).toMatch(new RegExp(`/threads/${threads()[0].id}/comments/1$`));
  expect(patch[0].requestBody).toEqual({ content: `${marker('aks1')}\nsecond run` });
});

it('a later run (a new commenter) finds the thread again', async () => {
  await (await commenter()).upsert(marker('aks1'), `${marker('aks1')}\nrun 1`);
  loaded!.restore();
  await expect((await commenter()).upsert(marker('aks1'), `${marker('aks1')}\nrun 2`)).resolves.toBe('updated');
  expect(threads().map((t) => t.comments[0].content)).toEqual([`${marker('aks1')}\nrun 2`]);
});

it('two markers (two computes) get two threads, each edited on its own', async () => {
  const c = await commenter();
  await c.upsert(marker('aks1'), `${marker('aks1')} a`);
  await c.upsert(marker('aks2'), `${marker('aks2')} b`);
  await c.upsert(marker('aks2'), `${marker('aks2')} b2`);
  expect(threads().map((t) => t.comments[0].content)).toEqual([`${marker('aks1')} a`, `${marker('aks2')} b2`]);
});

it('continuation tokens are followed to find the marker on a later page', async () => {
  emulator.devops.pageSize = 2;
  for (let i = 0; i < 5; i++) emulator.devops.addThread(ADO_PR.repositoryId, ADO_PR.pullRequestId, `review note ${i}`);
  const ours = emulator.devops.create(ADO_PR.repositoryId, ADO_PR.pullRequestId, `${marker('aks1')} old`, 'active');
  const c = await commenter();
  await expect(c.upsert(marker('aks1'), `${marker('aks1')} new`)).resolves.toBe('updated');
  const lists = devopsTraffic().filter((e) => e.method === 'GET');
  expect(lists.map((e) => e.query.continuationToken)).toEqual([undefined, '2', '4']);
  expect(ours.comments[0].content).toBe(`${marker('aks1')} new`);
  expect(threads()).toHaveLength(6);
});

it('a marker quoted in a reply or in a deleted thread is not ours: a new thread is started', async () => {
  const reply = emulator.devops.addThread(ADO_PR.repositoryId, ADO_PR.pullRequestId, 'why does this detach?');
  reply.comments.push({ ...reply.comments[0], id: 2, parentCommentId: 1, content: `quoting ${marker('aks1')}` });
  const gone = emulator.devops.create(ADO_PR.repositoryId, ADO_PR.pullRequestId, `${marker('aks1')} old`, 'active');
  gone.isDeleted = true;
  await expect((await commenter()).upsert(marker('aks1'), `${marker('aks1')} new`)).resolves.toBe('created');
  expect(threads()).toHaveLength(3);
});

it('403 (no "Contribute to pull requests"): a PullRequestCommentError naming the build service and the permission; nothing posted', async () => {
  emulator.devops.denyWrites = true;
  const c = await commenter();
  const error = await c.upsert(marker('aks1'), `${marker('aks1')} plan`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PullRequestCommentError);
  expect((error as PullRequestCommentError).status).toBe(403);
  const message = (error as Error).message;
  expect(message).toContain('"emulator-project Build Service (emulator-org)"');
  expect(message).toContain('"Contribute to pull requests"');
  expect(message).toContain(ADO_PR.repositoryName);
  expect(message).toContain('System.AccessToken');
  expect(message).toContain('TF401027');
  expect(message).not.toContain(DEMO.adoSystemAccessToken);
  expect(threads()).toEqual([]);
});

it.each([
  [401, /\(HTTP 401\)\. The build service identity .* needs "Contribute to pull requests"/],
  [429, /rate-limiting this pipeline \(HTTP 429, retry after 30 s\)/],
  [
    503,
    /Azure DevOps answered HTTP 503 when asked to read the threads of the pull request; the next run updates the comment/,
  ],
])('HTTP %i: a short PullRequestCommentError, no retry', async (status, message) => {
  emulator.faults.add({ match: { kind: 'devops' }, action: { status, retryAfterSeconds: 30 } });
  const error = await (await commenter()).upsert(marker('aks1'), 'body').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PullRequestCommentError);
  expect((error as Error).message).toMatch(message);
  expect(devopsTraffic()).toHaveLength(1);
});

it('a collection that does not answer: a PullRequestCommentError, not a crash', async () => {
  const dead = emulator.url.replace(/:\d+$/, ':1');
  const error = await (
    await commenter({ SYSTEM_COLLECTIONURI: `${dead}/emulator-org/` })
  )
    .upsert(marker('aks1'), 'body')
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PullRequestCommentError);
  expect((error as Error).message).toMatch(/did not answer/);
});

it('a hung request is given up after the request timeout', async () => {
  emulator.faults.add({ match: { kind: 'devops' }, action: { hang: true } });
  const c = await commenter({ AKS_AML_REQUEST_TIMEOUT_MS: '300' });
  const error = await c.upsert(marker('aks1'), 'body').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PullRequestCommentError);
  expect((error as Error).message).toMatch(/no answer within the request timeout/);
});

it.each(['IndividualCI', 'Schedule', 'Manual'])('Build.Reason %s: no target, no request', (reason) => {
  loaded = loadAdoPlatform(adoPullRequestEnv(emulator.url, { BUILD_REASON: reason }), tempDir);
  expect(loaded.platform.pullRequest()).toEqual({ kind: 'none' });
  expect(emulator.traffic.all()).toEqual([]);
});

it('through HTTPS_PROXY: every request in a CONNECT tunnel to the collection', async () => {
  proxy = await startConnectProxy();
  const undo = trustCaInTunnels(emulator.caCertPem);
  try {
    const c = await commenter({ HTTPS_PROXY: proxy.url });
    await c.upsert(marker('aks1'), `${marker('aks1')} a`);
    await c.upsert(marker('aks1'), `${marker('aks1')} b`);
  } finally {
    undo();
  }
  const host = new URL(emulator.url).host;
  expect(proxy.tunnels.length).toBeGreaterThan(0);
  expect(new Set(proxy.tunnels)).toEqual(new Set([host]));
  expect(threads().map((t) => t.comments[0].content)).toEqual([`${marker('aks1')} b`]);
});

it("through the agent's proxy (Agent.ProxyUrl with credentials), its password masked", async () => {
  proxy = await startConnectProxy({ username: 'agent', password: 'proxy-pass-value' });
  const undo = trustCaInTunnels(emulator.caCertPem);
  try {
    const c = await commenter({
      AGENT_PROXYURL: proxy.url,
      AGENT_PROXYUSERNAME: 'agent',
      AGENT_PROXYPASSWORD: 'proxy-pass-value',
    });
    await expect(c.upsert(marker('aks1'), `${marker('aks1')} a`)).resolves.toBe('created');
  } finally {
    undo();
  }
  expect(proxy.refused).toBe(0);
  expect(proxy.tunnels.length).toBeGreaterThan(0);
  expect(loaded!.stdout()).toContain('##vso[task.setsecret]proxy-pass-value');
});

it('the comment bodies are scanned like a log: a token in a body would be found', async () => {
  const c = await commenter();
  await c.upsert(marker('aks1'), `${marker('aks1')} clean plan`);
  const scanner = new SecretScanner().addDemoSecrets().addEmulator(emulator);
  expect(scanner.scan(pullRequestCommentsOf(emulator))).toEqual([]);
  await c.upsert(marker('aks2'), `leaked ${DEMO.adoSystemAccessToken}`);
  const findings = scanner.scan(pullRequestCommentsOf(emulator));
  expect(findings).toHaveLength(1);
  expect(findings[0].context).toContain('leaked <SECRET');
});
