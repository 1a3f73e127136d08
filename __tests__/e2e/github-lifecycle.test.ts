/** The bundled action through attach → unchanged → refresh → detach, as a runner would run it. */
import { runAction } from '../../testkit/run-action';
import { LIFECYCLE_OPERATIONS, Referee } from '../../testkit/referee';
import { githubInputs, startWorld } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';
import type { Emulator } from '../../emulator';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startWorld();
});
const referee = new Referee();
afterAll(async () => {
  referee.collect(emulator);
  await emulator.stop();
  const verdict = await referee.verdict();
  expect(verdict.errors).toEqual([]);
  expect(verdict.passed).toEqual(expect.arrayContaining(LIFECYCLE_OPERATIONS));
});

const run = (extra: Record<string, string> = {}) =>
  runAction({ inputs: githubInputs(emulator, extra), caCertPath: emulator.caCertPath });
const mutating = () =>
  emulator.traffic.all().filter((e) => e.kind === 'arm' && ['PUT', 'DELETE', 'PATCH'].includes(e.method));

test('attach, then unchanged, then refresh, then detach', async () => {
  const attached = await run();
  expect(attached.stderr).toBe('');
  expect(attached.exitCode).toBe(0);
  expect(attached.outputs).toEqual(
    expect.objectContaining({
      result: 'attached',
      'cluster-id': expect.stringMatching(/managedClusters\/aks-prod$/i),
      'provisioning-state': 'Succeeded',
    }),
  );
  expect(attached.outputs.endpoint).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  expect(attached.summary).toContain('### AKS compute `aks-prod`: attached');
  expect(attached.summary).toMatch(/\| Endpoint \| — \| \d+\.\d+\.\d+\.\d+ \|/);
  expect(attached.stdout).toMatch(/^::group::Attach aks-prod$/m);
  expect(
    emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod'),
  ).toBeDefined();

  emulator.traffic.clear();
  const unchanged = await run();
  expect(unchanged.outputs.result).toBe('unchanged');
  expect(mutating()).toHaveLength(0);

  emulator.traffic.clear();
  const refreshed = await run({ operation: 'refresh' });
  expect(refreshed.outputs.result).toBe('reattached');
  expect(mutating().map((e) => e.method)).toEqual(['DELETE', 'PUT']);

  emulator.traffic.clear();
  const detached = await run({ operation: 'detach' });
  expect(detached.outputs.result).toBe('detached');
  expect(
    emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod'),
  ).toBeUndefined();
  expect(emulator.state.getManagedCluster(DEMO.clusters.prod)).toBeDefined();
  expect(emulator.traffic.all().some((e) => /underlyingResourceAction=Delete/i.test(e.url))).toBe(false);
});
