/** checkTargetCluster: reading the cluster and versions, printing findings, failing with all problems at once. */
import type { KubernetesVersionListResult, ManagedCluster } from '@azure/arm-containerservice';
import type { ClusterReader } from '../../src/core/azure/gateway';
import { checkTargetCluster } from '../../src/core/cluster/checks';
import { readDesiredState } from '../../src/core/desired/read';
import { AzureError, StateError } from '../../src/core/contract/errors';
import { planChange } from '../../src/core/plan/plan';
import type { Platform } from '../../src/core/contract/platform';
import { baseInputs, CLUSTER_ID, reader } from '../../testkit/inputs';

const desired = readDesiredState({ readInput: reader(baseInputs()), displayName: (n) => n });
const plan = planChange(desired, { otherBindings: [], workspaceLocation: 'eastus' });
const VERSIONS: KubernetesVersionListResult = { values: [{ version: '1.29' }, { version: '1.30', isDefault: true }] };
const healthy: ManagedCluster = {
  id: CLUSTER_ID,
  name: 'aks-prod',
  location: 'westeurope',
  provisioningState: 'Succeeded',
  powerState: { code: 'Running' },
  kubernetesVersion: '1.30.6',
  currentKubernetesVersion: '1.30.6',
  agentPoolProfiles: [{ name: 'nodepool1', count: 3, vmSize: 'Standard_D4s_v5', mode: 'System', osType: 'Linux' }],
  networkProfile: { loadBalancerSku: 'standard' },
};

function run(
  getCluster: () => Promise<ManagedCluster | undefined>,
  listVersions: () => Promise<KubernetesVersionListResult> = async () => VERSIONS,
) {
  const lines: string[] = [];
  const warnings: string[] = [];
  const calls: string[] = [];
  const gateway: ClusterReader = {
    getManagedCluster: async (id: { name: string }) => (calls.push(`cluster ${id.name}`), getCluster()),
    listKubernetesVersions: async (sub: string, location: string) => (
      calls.push(`versions ${sub} ${location}`),
      listVersions()
    ),
  };
  const platform = {
    info: (m: string) => lines.push(m),
    warning: (m: string) => warnings.push(m),
  } as unknown as Platform;
  return { promise: checkTargetCluster({ gateway, platform, desired, plan }), lines, warnings, calls };
}

test('a healthy cluster: findings printed and returned; versions read in the cluster region and subscription', async () => {
  const r = run(async () => healthy);
  const findings = await r.promise;
  expect(findings.every((f) => f.level === 'pass')).toBe(true);
  expect(r.calls).toEqual(['cluster aks-prod', 'versions 00000000-0000-4000-8000-000000000001 westeurope']);
  expect(r.lines[0]).toBe(`Cluster ${CLUSTER_ID}:`);
  expect(r.lines).toContain('  [ok] kubernetes-version: Kubernetes 1.30.6 is supported in westeurope (1.29, 1.30)');
  expect(r.warnings).toEqual([]);
});

test('a missing cluster fails naming it', async () => {
  await expect(run(async () => undefined).promise).rejects.toThrow(
    new RegExp(`AKS cluster ${CLUSTER_ID} does not exist`),
  );
});

test('a forbidden cluster explains the Contributor role for another subscription', async () => {
  const error = await run(async () => {
    throw new AzureError('AuthorizationFailed', 'does not have authorization', 403);
  }).promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StateError);
  expect((error as StateError).message).toMatch(
    /may not read AKS cluster .*\(AuthorizationFailed\); nothing was changed/,
  );
  expect((error as StateError).hint).toMatch(/another subscription needs the Contributor role on the cluster/);
});

test('other Azure failures are not disguised', async () => {
  await expect(
    run(async () => {
      throw new AzureError('InternalServerError', 'boom', 500);
    }).promise,
  ).rejects.toBeInstanceOf(AzureError);
});

test('unreadable versions only warn', async () => {
  const r = run(
    async () => healthy,
    async () => {
      throw new AzureError('AuthorizationFailed', 'no', 403);
    },
  );
  await r.promise;
  expect(r.warnings).toEqual([
    expect.stringMatching(/could not read the Kubernetes versions AKS supports in westeurope \(AuthorizationFailed\)/),
  ]);
});

test('several failures: one error lists them all, with what to do', async () => {
  const r = run(async () => ({
    ...healthy,
    powerState: { code: 'Stopped' },
    agentPoolProfiles: [{ name: 'nodepool1', count: 1, vmSize: 'Standard_D4s_v5', mode: 'System' }],
  }));
  const error = (await r.promise.catch((e: unknown) => e)) as StateError;
  expect(error).toBeInstanceOf(StateError);
  expect(error.message.split('\n')[0]).toBe(
    'AKS cluster aks-prod cannot be attached (2 problems); nothing was changed',
  );
  expect(error.message).toMatch(/- state: aks-prod is stopped.*az aks start/);
  expect(error.message).toMatch(/- size: a production cluster needs at least 3 node\(s\).*cluster-purpose: dev-test/);
  expect(r.lines.filter((l) => l.includes('[FAILED]'))).toHaveLength(2);
});

test('no cluster in the plan (create): nothing is read', async () => {
  const create = readDesiredState({ readInput: reader(baseInputs({ 'aks-resource-id': '' })), displayName: (n) => n });
  const createPlan = planChange(create, { otherBindings: [], workspaceLocation: 'eastus' });
  const nothingRead = async (): Promise<never> => {
    throw new Error('nothing may be read for a create');
  };
  const gateway: ClusterReader = { getManagedCluster: nothingRead, listKubernetesVersions: nothingRead };
  await expect(
    checkTargetCluster({ gateway, platform: {} as Platform, desired: create, plan: createPlan }),
  ).resolves.toEqual([]);
});
