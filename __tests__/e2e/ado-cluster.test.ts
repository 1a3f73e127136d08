/** The cluster-aware behaviour through the Azure DevOps bundle: create, a failing pre-flight check, and tls: keep. */
import type { Emulator } from '../../emulator';
import { adoSeed, runTask } from '../../testkit/run-task';
import { emulatorPerTest } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';

const world = emulatorPerTest({
  seed: adoSeed,
  expectOperations: ['Compute_CreateOrUpdate', 'Compute_Delete', 'Compute_Get'],
});
let emulator: Emulator;
beforeEach(() => {
  emulator = world();
});

const base = { resourceGroup: DEMO.resourceGroup, workspaceName: DEMO.workspaceName };
const compute = (name: string) =>
  emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, name);

test('create a new cluster, then ensure changes nothing and detach keeps the cluster', async () => {
  const created = await runTask(emulator, {
    ...base,
    computeName: 'aks-new',
    clusterPurpose: 'dev-test',
    agentCount: '1',
    vmSize: 'Standard_D4s_v5',
  });
  expect(created.errors).toEqual([]);
  expect(created.outputs.result).toBe('created');
  const put = emulator.traffic.all().find((e) => e.method === 'PUT');
  expect((put?.requestBody as { properties: Record<string, unknown> }).properties.resourceId).toBeUndefined();
  const clusterId = created.outputs.clusterId;
  expect(clusterId).toMatch(/managedClusters\/aks-new/);

  expect(
    (await runTask(emulator, { ...base, computeName: 'aks-new', clusterPurpose: 'dev-test' })).outputs.result,
  ).toBe('unchanged');
  expect((await runTask(emulator, { ...base, computeName: 'aks-new', operation: 'detach' })).outputs.result).toBe(
    'detached',
  );
  expect(emulator.state.getManagedCluster(clusterId)).toBeDefined();
});

test('a production attach of a one-node cluster fails before any change, naming the limitation', async () => {
  const run = await runTask(emulator, { ...base, computeName: 'aks-small', aksResourceId: DEMO.clusters.small });
  expect(run.completed).toBe('Failed');
  expect(run.errors.join('\n')).toMatch(/dev-test/);
  expect(emulator.traffic.mutating()).toHaveLength(0);
});

test('refresh with tls: keep reattaches with the certificate the cluster serves', async () => {
  const cert = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
  const attached = await runTask(emulator, {
    ...base,
    computeName: 'aks-prod',
    aksResourceId: DEMO.clusters.prod,
    tls: 'custom',
    tlsCert: cert.chainPem,
    tlsKey: cert.keyPem,
    tlsCname: 'scoring.contoso.com',
  });
  expect(attached.outputs.result).toBe('attached');
  const before = compute('aks-prod')?.tls?.certPem;
  const kept = await runTask(
    emulator,
    { ...base, computeName: 'aks-prod', aksResourceId: DEMO.clusters.prod, operation: 'refresh', tls: 'keep' },
    { env: { SYSTEM_DEBUG: 'true' } },
  );
  expect(kept.errors).toEqual([]);
  expect(kept.outputs.result).toBe('reattached');
  expect(compute('aks-prod')?.tls?.certPem).toBe(before);
  const visible = kept.stdout
    .split('\n')
    .filter((l) => !l.startsWith('##vso[task.setsecret]'))
    .join('\n');
  for (const line of cert.keyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')))
    expect(visible + kept.stderr).not.toContain(line);
});
