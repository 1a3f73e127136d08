/** The how-to's attach limitations as a table: cluster (as ARM returns it) + desired → findings. */
import type {
  KubernetesVersionListResult,
  ManagedCluster,
  ManagedClusterAgentPoolProfile,
} from '@azure/arm-containerservice';
import {
  defaultPools,
  evaluateCluster,
  type ClusterFinding,
  type ClusterRuleInput,
} from '../../src/core/cluster/rules';

const ID =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const VERSIONS: KubernetesVersionListResult = {
  values: [
    { version: '1.29', patchVersions: { '1.29.9': {}, '1.29.10': {} } },
    { version: '1.30', isDefault: true, patchVersions: { '1.30.6': {} } },
    { version: '1.31', isPreview: true, patchVersions: { '1.31.1': {} } },
  ],
};

const pool = (over: Partial<ManagedClusterAgentPoolProfile> = {}): ManagedClusterAgentPoolProfile => ({
  name: 'nodepool1',
  count: 3,
  vmSize: 'Standard_D4s_v5',
  mode: 'System',
  osType: 'Linux',
  ...over,
});

function cluster(over: Partial<ManagedCluster> = {}): ManagedCluster {
  return {
    id: ID,
    name: 'aks-prod',
    location: 'eastus',
    provisioningState: 'Succeeded',
    powerState: { code: 'Running' },
    kubernetesVersion: '1.30.6',
    currentKubernetesVersion: '1.30.6',
    agentPoolProfiles: [pool()],
    networkProfile: { loadBalancerSku: 'standard' },
    apiServerAccessProfile: { enablePrivateCluster: false },
    ...over,
  };
}

const production: ClusterRuleInput = { purpose: 'FastProd', loadBalancerType: 'PublicIp', versions: VERSIONS };
const devTest: ClusterRuleInput = { ...production, purpose: 'DevTest' };

const of = (findings: ClusterFinding[], rule: ClusterFinding['rule']) => findings.filter((f) => f.rule === rule);

test('a healthy production cluster passes every rule', () => {
  const findings = evaluateCluster(cluster(), production);
  expect(findings.filter((f) => f.level !== 'pass')).toEqual([]);
  expect(findings.map((f) => f.rule)).toEqual(['state', 'size', 'load-balancer', 'kubernetes-version']);
  expect(of(findings, 'size')[0].message).toBe(
    "3 nodes and 12 vCPUs in 'nodepool1' (3 × Standard_D4s_v5): enough for production",
  );
});

// [title, cluster, input, rule, level, message pattern, hint pattern]
type Row = [string, ManagedCluster, ClusterRuleInput, ClusterFinding['rule'], ClusterFinding['level'], RegExp, RegExp?];
const rows: Row[] = [
  // Production: at least 3 nodes and 12 vCPUs, counted in the default pool only.
  [
    'production with 2 nodes fails',
    cluster({ agentPoolProfiles: [pool({ count: 2 })] }),
    production,
    'size',
    'failure',
    /production cluster needs at least 3 node\(s\) .*has 2/,
    /cluster-purpose: dev-test/,
  ],
  [
    'production with 3 × 2 vCPUs fails on vCPUs',
    cluster({ agentPoolProfiles: [pool({ vmSize: 'Standard_D2s_v3' })] }),
    production,
    'size',
    'failure',
    /at least 12 vCPUs .*has 6/,
    /cluster-purpose: dev-test/,
  ],
  [
    'production: user pools do not make up for a small system pool',
    cluster({ agentPoolProfiles: [pool({ count: 1 }), pool({ name: 'user', mode: 'User', count: 10 })] }),
    production,
    'size',
    'failure',
    /has 1 \('nodepool1'/,
  ],
  [
    'production: Windows pools never count',
    cluster({
      agentPoolProfiles: [pool({ count: 1 }), pool({ name: 'win', mode: 'System', osType: 'Windows', count: 5 })],
    }),
    production,
    'size',
    'failure',
    /has 1/,
  ],
  [
    'production: two system pools add up',
    cluster({
      agentPoolProfiles: [
        pool({ count: 2, vmSize: 'Standard_D3_v2' }),
        pool({ name: 'sys2', count: 1, vmSize: 'Standard_D8s_v5' }),
      ],
    }),
    production,
    'size',
    'pass',
    /3 nodes and 16 vCPUs/,
  ],
  [
    'production: legacy size from the table (D3_v2 = 4 vCPUs)',
    cluster({ agentPoolProfiles: [pool({ vmSize: 'Standard_D3_v2' })] }),
    production,
    'size',
    'pass',
    /12 vCPUs/,
  ],
  [
    'production: unknown VM size warns and skips the vCPU rule',
    cluster({ agentPoolProfiles: [pool({ vmSize: 'Standard_G3' })] }),
    production,
    'size',
    'warning',
    /Standard_G3 are not in this tool's table/,
  ],
  [
    'production: no modes reported, the first pool is the default one',
    cluster({
      agentPoolProfiles: [pool({ mode: undefined, count: 1 }), pool({ name: 'p2', mode: undefined, count: 5 })],
    }),
    production,
    'size',
    'failure',
    /has 1/,
  ],
  [
    'dev-test with 1 node passes',
    cluster({ agentPoolProfiles: [pool({ count: 1, vmSize: 'Standard_B2s' })] }),
    devTest,
    'size',
    'pass',
    /1 node\(s\) .*enough for dev-test/,
  ],
  [
    'dev-test with no node fails',
    cluster({ agentPoolProfiles: [pool({ count: 0 })] }),
    devTest,
    'size',
    'failure',
    /dev-test cluster needs at least 1 node/,
  ],
  // GPU/FPGA sizes only help in the default pool.
  [
    'GPU in a secondary pool warns',
    cluster({ agentPoolProfiles: [pool(), pool({ name: 'gpu', mode: 'User', count: 2, vmSize: 'Standard_NC6s_v3' })] }),
    production,
    'node-pools',
    'warning',
    /'gpu' .*GPU nodes but is a secondary pool/,
    /default node pool has that VM size/,
  ],
  [
    'FPGA in a secondary pool warns',
    cluster({ agentPoolProfiles: [pool(), pool({ name: 'fpga', mode: 'User', count: 1, vmSize: 'Standard_PB6s' })] }),
    production,
    'node-pools',
    'warning',
    /FPGA nodes/,
  ],
  // Private cluster with public FQDN.
  [
    'private cluster with a public FQDN fails',
    cluster({ apiServerAccessProfile: { enablePrivateCluster: true, enablePrivateClusterPublicFqdn: true } }),
    production,
    'private-fqdn',
    'failure',
    /private cluster with a public FQDN, which Azure Machine Learning does not support/,
    /--disable-public-fqdn/,
  ],
  [
    'private cluster without public FQDN is supported',
    cluster({ apiServerAccessProfile: { enablePrivateCluster: true } }),
    production,
    'private-fqdn',
    'pass',
    /supported/,
  ],
  // Authorized IP ranges: Standard load balancer only, and the AML control plane must be allowed.
  [
    'authorized IP ranges on a Basic load balancer fail',
    cluster({
      networkProfile: { loadBalancerSku: 'basic' },
      apiServerAccessProfile: { authorizedIPRanges: ['1.2.3.4/32'] },
    }),
    production,
    'authorized-ip-ranges',
    'failure',
    /only work with a Standard load balancer/,
  ],
  [
    'authorized IP ranges on Standard warn about the control plane',
    cluster({ apiServerAccessProfile: { authorizedIPRanges: ['1.2.3.4/32', '5.6.7.0/24'] } }),
    production,
    'authorized-ip-ranges',
    'warning',
    /2 authorized IP range\(s\).*paired region/,
    /AzureMachineLearning service tag/,
  ],
  [
    'internal load balancer on a Basic SKU is allowed',
    cluster({ networkProfile: { loadBalancerSku: 'basic' } }),
    { ...production, loadBalancerType: 'InternalLoadBalancer' },
    'load-balancer',
    'pass',
    /SKU basic; an internal load balancer .* either SKU/,
  ],
  // Kubernetes version against the region's list.
  [
    'a version older than every supported one fails, naming them',
    cluster({ kubernetesVersion: '1.27.3', currentKubernetesVersion: '1.27.3' }),
    production,
    'kubernetes-version',
    'failure',
    /1\.27\.3, which AKS no longer supports in eastus.*Supported versions: 1\.29, 1\.30, 1\.31 \(preview\)/,
    /az aks upgrade/,
  ],
  [
    'a preview version is attachable with a warning',
    cluster({ kubernetesVersion: '1.31.1', currentKubernetesVersion: '1.31.1' }),
    production,
    'kubernetes-version',
    'warning',
    /preview version: it can be attached/,
  ],
  [
    'a version newer than the list warns',
    cluster({ kubernetesVersion: '1.33.0', currentKubernetesVersion: '1.33.0' }),
    production,
    'kubernetes-version',
    'warning',
    /not among the versions AKS lists/,
  ],
  [
    'versions unreadable: skipped with a warning naming why',
    cluster(),
    { ...production, versions: undefined, versionsUnavailable: 'AuthorizationFailed' },
    'kubernetes-version',
    'warning',
    /\(AuthorizationFailed\).*not checked/,
  ],
  // 1.16 → 1.17: blobfuse FlexVolume → blob CSI.
  [
    'upgrading across 1.16 → 1.17 warns to redeploy',
    cluster({ kubernetesVersion: '1.17.9', currentKubernetesVersion: '1.16.13' }),
    { ...production, versions: { values: [{ version: '1.16' }, { version: '1.17' }] } },
    'volume-driver',
    'warning',
    /from Kubernetes 1\.16\.13 to 1\.17\.9, across 1\.16 → 1\.17/,
    /Redeploy/,
  ],
  [
    'still on 1.16 warns for the next upgrade',
    cluster({ kubernetesVersion: '1.16.13', currentKubernetesVersion: '1.16.13' }),
    { ...production, versions: { values: [{ version: '1.16' }, { version: '1.17' }] } },
    'volume-driver',
    'warning',
    /blobfuse FlexVolume/,
  ],
  // Cluster state.
  [
    'a stopped cluster fails',
    cluster({ powerState: { code: 'Stopped' } }),
    production,
    'state',
    'failure',
    /is stopped/,
    /az aks start -g aks-rg -n aks-prod/,
  ],
  [
    'a Failed cluster fails',
    cluster({ provisioningState: 'Failed' }),
    production,
    'state',
    'failure',
    /provisioning state Failed/,
    /az aks update/,
  ],
  [
    'a cluster in an operation fails',
    cluster({ provisioningState: 'Upgrading' }),
    production,
    'state',
    'failure',
    /is Upgrading \(an AKS operation is in progress\)/,
    /Re-run/,
  ],
  [
    'a Canceled cluster only warns',
    cluster({ provisioningState: 'Canceled' }),
    production,
    'state',
    'warning',
    /was canceled/,
  ],
];

// Rows without a hint are padded: jest would otherwise pass its done callback in that place.
test.each(rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], r[6] ?? null] as const))(
  '%s',
  (_title, c, input, rule, level, message, hint) => {
    const found = of(evaluateCluster(c, input), rule);
    expect(found).toHaveLength(1);
    expect(found[0].level).toBe(level);
    expect(found[0].message).toMatch(message);
    if (hint) expect(found[0].hint).toMatch(hint);
  },
);

test('several failures are all reported', () => {
  const findings = evaluateCluster(
    cluster({
      agentPoolProfiles: [pool({ count: 1 })],
      apiServerAccessProfile: { enablePrivateCluster: true, enablePrivateClusterPublicFqdn: true },
      currentKubernetesVersion: '1.20.1',
    }),
    production,
  );
  expect(findings.filter((f) => f.level === 'failure').map((f) => f.rule)).toEqual([
    'size',
    'private-fqdn',
    'kubernetes-version',
  ]);
});

test('defaultPools: system Linux pools serve, the rest are secondary', () => {
  const { serving, secondary } = defaultPools(
    cluster({
      agentPoolProfiles: [
        pool(),
        pool({ name: 'user', mode: 'User' }),
        pool({ name: 'win', mode: 'User', osType: 'Windows' }),
      ],
    }),
  );
  expect(serving.map((p) => p.name)).toEqual(['nodepool1']);
  expect(secondary.map((p) => p.name)).toEqual(['user', 'win']);
});
