/**
 * The ARM request budget of each kind of run, through the committed bundles: exactly which
 * requests a run sends, counted by kind (never timed). Every ARM request spends the principal's
 * throttling budget, shared with all its other runs; a new request here must be deliberate.
 *
 * Operations are shorter than the poller's 1 s minimum gap, so each is seen by its first status
 * poll: one poll per operation is the minimum, and anything more (such as the SDK's own poll right
 * after the PUT or DELETE, which clients.ts answers locally) shows up as an extra 'status'.
 */
import type { Emulator } from '../../emulator';
import { label } from '../../scripts/bench/traffic';
import { runAction } from '../../testkit/run-action';
import { runTask } from '../../testkit/run-task';
import { githubInputs, startWorld } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';
import { seedAttachedCompute } from '../../testkit/demo-world';

let emulator: Emulator;
afterEach(() => emulator?.stop());

async function world(settings: Parameters<typeof startWorld>[0] = {}): Promise<void> {
  emulator = await startWorld(settings);
}

function seedAttached(name = 'aks-prod', clusterId: string = DEMO.clusters.prod): void {
  seedAttachedCompute(emulator, { name, clusterId });
}

/** ARM requests of the run, by kind, and its token requests. */
function budget(): { arm: Record<string, number>; armTotal: number; tokens: number } {
  const arm: Record<string, number> = {};
  let armTotal = 0;
  for (const e of emulator.traffic.all()) {
    if (e.kind !== 'arm' && e.kind !== 'lro') continue;
    arm[label(e)] = (arm[label(e)] ?? 0) + 1;
    armTotal++;
  }
  return { arm, armTotal, tokens: emulator.tokenRequests() };
}

async function github(extra: Record<string, string> = {}): Promise<string | undefined> {
  emulator.traffic.clear();
  const before = emulator.tokenRequests();
  const run = await runAction({ inputs: githubInputs(emulator, extra), caCertPath: emulator.caCertPath });
  expect({ exitCode: run.exitCode, stderr: run.stderr }).toEqual({ exitCode: 0, stderr: '' });
  expect(emulator.tokenRequests() - before).toBe(1);
  return run.outputs.result;
}

/** The reads that decide whether to attach a cluster anew: the workspace's region, other computes bound to the cluster. */
const FRESH_ATTACH_READS = { 'GET compute': 1, 'GET workspace': 1, 'LIST computes': 1 };
/** The cluster checks before any attach. */
const CLUSTER_CHECKS = { 'GET cluster': 1, 'LIST kubernetes versions': 1 };

describe('GitHub bundle', () => {
  test('unchanged ensure: exactly one ARM request (the compute) and one token request', async () => {
    await world();
    seedAttached();
    expect(await github()).toBe('unchanged');
    expect(budget()).toEqual({ arm: { 'GET compute': 1 }, armTotal: 1, tokens: 1 });
  });

  test('fresh attach: the deciding reads, the cluster checks, 1 PUT, 1 status poll, the final GET', async () => {
    await world();
    expect(await github()).toBe('attached');
    const { arm, armTotal } = budget();
    expect(arm).toEqual({ ...FRESH_ATTACH_READS, ...CLUSTER_CHECKS, 'GET compute': 2, 'PUT compute': 1, status: 1 });
    expect(armTotal).toBe(8);
  });

  test('fresh attach with Retry-After: the same requests (no poll before the Retry-After)', async () => {
    await world({ settings: { retryAfterSeconds: 1 } });
    expect(await github()).toBe('attached');
    expect(budget().arm).toEqual({
      ...FRESH_ATTACH_READS,
      ...CLUSTER_CHECKS,
      'GET compute': 2,
      'PUT compute': 1,
      status: 1,
    });
  });

  test('fresh attach polled through Location only: the same requests', async () => {
    await world({ settings: { asyncHeaders: 'location' } });
    expect(await github()).toBe('attached');
    expect(budget().arm).toEqual({
      ...FRESH_ATTACH_READS,
      ...CLUSTER_CHECKS,
      'GET compute': 2,
      'PUT compute': 1,
      status: 1,
    });
  });

  test('refresh: the compute, the cluster checks, 1 DELETE + 1 poll, 1 PUT + 1 poll, the final GET', async () => {
    await world();
    seedAttached();
    expect(await github({ operation: 'refresh' })).toBe('reattached');
    const { arm, armTotal } = budget();
    expect(arm).toEqual({ ...CLUSTER_CHECKS, 'GET compute': 2, 'DELETE compute': 1, 'PUT compute': 1, status: 2 });
    expect(armTotal).toBe(8);
  });

  test('create with a location: the compute, 1 PUT, 1 poll, the final GET (the workspace is not read)', async () => {
    await world();
    expect(await github({ 'compute-name': 'aks-new', 'aks-resource-id': '', location: DEMO.location })).toBe('created');
    expect(budget().arm).toEqual({ 'GET compute': 2, 'PUT compute': 1, status: 1 });
  });

  test('create without a location: the workspace is read for its region', async () => {
    await world();
    expect(await github({ 'compute-name': 'aks-new', 'aks-resource-id': '' })).toBe('created');
    expect(budget().arm).toEqual({ 'GET compute': 2, 'GET workspace': 1, 'PUT compute': 1, status: 1 });
  });

  test('detach: the compute, 1 DELETE, 1 poll', async () => {
    await world();
    seedAttached();
    expect(await github({ operation: 'detach', 'aks-resource-id': '' })).toBe('detached');
    expect(budget().arm).toEqual({ 'GET compute': 1, 'DELETE compute': 1, status: 1 });
  });
});

describe('Azure DevOps bundle', () => {
  const inputs = {
    resourceGroup: DEMO.resourceGroup,
    workspaceName: DEMO.workspaceName,
    computeName: 'aks-prod',
    aksResourceId: DEMO.clusters.prod,
  };

  test('unchanged ensure: exactly one ARM request and one token request', async () => {
    await world();
    seedAttached();
    const run = await runTask(emulator, inputs);
    expect(run.outputs.result).toBe('unchanged');
    expect(budget()).toEqual({ arm: { 'GET compute': 1 }, armTotal: 1, tokens: 1 });
  });

  test('fresh attach: the same requests as the GitHub bundle', async () => {
    await world();
    const run = await runTask(emulator, inputs);
    expect(run.outputs.result).toBe('attached');
    expect(budget()).toEqual({
      arm: { ...FRESH_ATTACH_READS, ...CLUSTER_CHECKS, 'GET compute': 2, 'PUT compute': 1, status: 1 },
      armTotal: 8,
      tokens: 1,
    });
  });
});
