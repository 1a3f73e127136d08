/**
 * Creating a new AKS cluster through Azure ML (aks-resource-id empty), through the committed
 * GitHub bundle: request bodies, emulator state, outputs and progress lines; then ensure,
 * refresh and detach of the created compute.
 */
import type { Emulator, TrafficEntry } from '../../emulator';
import { runAction } from '../../testkit/run-action';
import { emulatorPerTest, githubInputs } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';

// Every create body (networking, load balancer, TLS) checked against Microsoft's REST spec by oav.
const world = emulatorPerTest({
  expectOperations: ['Compute_CreateOrUpdate', 'Compute_Delete', 'Compute_Get', 'Workspaces_Get'],
});
let emulator: Emulator;
beforeEach(() => {
  emulator = world();
});

const NAME = 'aks-new';
const run = (extra: Record<string, string> = {}) =>
  runAction({
    inputs: githubInputs(emulator, { 'aks-resource-id': '', 'compute-name': NAME, ...extra }),
    caCertPath: emulator.caCertPath,
  });
const compute = () => emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, NAME);
const writes = () => emulator.traffic.mutating();
const puts = () => emulator.traffic.filter({ kind: 'arm', method: 'PUT' });
const body = (e: TrafficEntry) =>
  e.requestBody as {
    location: string;
    tags?: Record<string, string>;
    properties: Record<string, unknown> & { properties: Record<string, unknown> };
  };

test('defaults: the workspace region, 3 × Standard_D3_v2, production, public IP, TLS disabled; no resourceId', async () => {
  const created = await run();
  expect(created.stderr).toBe('');
  expect(created.exitCode).toBe(0);

  expect(puts()).toHaveLength(1);
  const sent = body(puts()[0]);
  expect(sent.location).toBe(DEMO.location);
  expect(sent.properties).toEqual({
    computeType: 'AKS',
    properties: {
      agentCount: 3,
      agentVmSize: 'Standard_D3_v2',
      clusterPurpose: 'FastProd',
      loadBalancerType: 'PublicIp',
      sslConfiguration: { status: 'Disabled' },
    },
  });
  expect(sent.properties).not.toHaveProperty('resourceId');

  // The cluster Azure ML created is recorded on the compute and exists in the emulator.
  const clusterId = String(compute()?.properties.resourceId);
  expect(clusterId).toMatch(new RegExp(`/managedClusters/${NAME}[a-z0-9]{5}$`));
  expect(compute()?.properties.isAttachedCompute).toBe(false);
  const cluster = emulator.state.getManagedCluster(clusterId)!;
  expect(cluster).toEqual(expect.objectContaining({ location: DEMO.location, provisioningState: 'Succeeded' }));
  expect(cluster.agentPools).toEqual([expect.objectContaining({ count: 3, vmSize: 'Standard_D3_v2' })]);

  expect(created.outputs).toEqual(
    expect.objectContaining({ result: 'created', 'cluster-id': clusterId, 'provisioning-state': 'Succeeded' }),
  );
  expect(created.outputs['compute-id']).toMatch(new RegExp(`/computes/${NAME}$`));
  expect(created.outputs.endpoint).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

  expect(created.stdout).toContain(`Found no compute named ${NAME} in workspace ${DEMO.workspaceName}.`);
  expect(created.stdout).toContain('Plan: create a new AKS cluster through Azure ML.');
  expect(created.stdout).toContain(`new cluster: 3 x Standard_D3_v2 in ${DEMO.location}`);
  expect(created.stdout).toMatch(/is not deleted by detach/);
  expect(created.stdout).toMatch(new RegExp(`create ${NAME}: \\w+ \\(\\d+s\\)`));
  expect(created.stdout).toContain(`Created ${NAME}.`);
  // Nothing to pre-check: there is no cluster yet.
  expect(emulator.traffic.count({ operationId: 'ManagedClusters_Get' })).toBe(0);
  expect(created.stdout).not.toContain('Check the cluster');
});

test('location, size, dev-test with one node, own virtual network and internal load balancer', async () => {
  const created = await run({
    location: 'West US 2',
    'agent-count': '1',
    'vm-size': 'Standard_D2s_v3',
    'cluster-purpose': 'dev-test',
    'vnet-resource-group': 'net-rg',
    'vnet-name': 'ml-vnet',
    'subnet-name': 'aks-subnet',
    'service-cidr': '10.0.0.0/16',
    'dns-service-ip': '10.0.0.10',
    'docker-bridge-cidr': '172.17.0.1/16',
    'load-balancer-type': 'internal',
    'load-balancer-subnet': 'aks-subnet',
  });
  expect(created.exitCode).toBe(0);
  const sent = body(puts()[0]);
  expect(sent.location).toBe('westus2');
  expect(sent.properties.properties).toEqual({
    agentCount: 1,
    agentVmSize: 'Standard_D2s_v3',
    clusterPurpose: 'DevTest',
    loadBalancerType: 'InternalLoadBalancer',
    loadBalancerSubnet: 'aks-subnet',
    sslConfiguration: { status: 'Disabled' },
    aksNetworkingConfiguration: {
      subnetId: `/subscriptions/${DEMO.subscriptionId}/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/ml-vnet/subnets/aks-subnet`,
      serviceCidr: '10.0.0.0/16',
      dnsServiceIP: '10.0.0.10',
      dockerBridgeCidr: '172.17.0.1/16',
    },
  });
  const cluster = emulator.state.getManagedCluster(String(compute()?.properties.resourceId))!;
  expect(cluster.location).toBe('westus2');
  expect(cluster.agentPools[0]).toEqual(expect.objectContaining({ count: 1, vmSize: 'Standard_D2s_v3' }));
  expect(created.outputs.result).toBe('created');
  expect(created.outputs.endpoint).toMatch(/^10\./);
});

test('TLS with a custom certificate on a new cluster', async () => {
  const cert = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
  const created = await run({
    tls: 'custom',
    'tls-cert': cert.chainPem,
    'tls-key': cert.keyPem,
    'tls-cname': 'scoring.contoso.com',
  });
  expect(created.outputs.result).toBe('created');
  const sent = body(puts()[0]);
  expect(sent.properties.properties.sslConfiguration).toEqual({
    status: 'Enabled',
    cert: cert.chainPem.trim() + '\n',
    key: cert.keyPem.trim() + '\n',
    cname: 'scoring.contoso.com',
  });
  expect(sent.tags?.['tls-certificate-sha256']).toMatch(/^[0-9a-f]{64}$/);
  expect(compute()?.tls?.certPem).toBe(cert.chainPem.trim() + '\n');
});

describe('invalid create inputs fail before any request', () => {
  // [title, inputs, expected text in the output]
  const cases: Array<[string, Record<string, string>, RegExp[]]> = [
    [
      'production needs 3 nodes',
      { 'agent-count': '2' },
      [/agent-count: 2 is too few for a production cluster: it needs at least 3 nodes; use cluster-purpose: dev-test/],
    ],
    [
      'dev-test needs 1 node',
      { 'agent-count': '0', 'cluster-purpose': 'dev-test' },
      [/agent-count: '0' is not a whole number from 1/],
    ],
    [
      'vnet inputs all or none',
      { 'vnet-name': 'ml-vnet' },
      [/vnet-resource-group: is required when vnet-name is given/, /subnet-name: is required when vnet-name is given/],
    ],
    [
      'address inputs all or none',
      { 'vnet-resource-group': 'net-rg', 'vnet-name': 'ml-vnet', 'subnet-name': 'sn', 'service-cidr': '10.0.0.0/16' },
      [/dns-service-ip: is required when service-cidr is given/, /docker-bridge-cidr: is required/],
    ],
    [
      'addresses need the vnet',
      { 'service-cidr': '10.0.0.0/16', 'dns-service-ip': '10.0.0.10', 'docker-bridge-cidr': '172.17.0.1/16' },
      [/service-cidr: the service address ranges apply only to a cluster in your own virtual network/],
    ],
    [
      'CIDR and IP syntax',
      {
        'vnet-resource-group': 'net-rg',
        'vnet-name': 'ml-vnet',
        'subnet-name': 'sn',
        'service-cidr': '10.0.0/16',
        'dns-service-ip': '10.0.0.300',
        'docker-bridge-cidr': 'bridge',
      },
      [
        /service-cidr: '10.0.0\/16' is not an IPv4 CIDR/,
        /dns-service-ip: '10.0.0.300' is not an IPv4 address/,
        /docker-bridge-cidr: 'bridge' is not an IPv4 CIDR/,
      ],
    ],
    [
      'DNS IP inside the service CIDR',
      {
        'vnet-resource-group': 'net-rg',
        'vnet-name': 'ml-vnet',
        'subnet-name': 'sn',
        'service-cidr': '10.0.0.0/16',
        'dns-service-ip': '10.1.0.10',
        'docker-bridge-cidr': '172.17.0.1/16',
      },
      [/dns-service-ip: 10.1.0.10 is outside service-cidr 10.0.0.0\/16/],
    ],
    [
      'docker bridge disjoint from the service CIDR',
      {
        'vnet-resource-group': 'net-rg',
        'vnet-name': 'ml-vnet',
        'subnet-name': 'sn',
        'service-cidr': '10.0.0.0/16',
        'dns-service-ip': '10.0.0.10',
        'docker-bridge-cidr': '10.0.128.1/17',
      },
      [/docker-bridge-cidr: 10.0.128.1\/17 overlaps service-cidr 10.0.0.0\/16/],
    ],
    [
      'create-only inputs with a cluster id',
      { 'aks-resource-id': DEMO.clusters.prod, 'agent-count': '5', 'vm-size': 'Standard_D4s_v5' },
      [/agent-count: applies only when creating a cluster/, /vm-size: applies only when creating a cluster/],
    ],
  ];

  test.each(cases)('%s', async (_title, inputs, messages) => {
    const result = await run(inputs);
    expect(result.exitCode).toBe(1);
    for (const message of messages) expect(result.stdout).toMatch(message);
    expect(result.stdout).toMatch(/problem\(s\) with the inputs; nothing was changed/);
    expect(emulator.traffic.all()).toHaveLength(0);
  });
});

test('created compute: ensure changes nothing, refresh reattaches the same cluster, detach keeps it', async () => {
  expect((await run()).outputs.result).toBe('created');
  const clusterId = String(compute()?.properties.resourceId);

  emulator.traffic.clear();
  const unchanged = await run();
  expect(unchanged.outputs).toEqual(expect.objectContaining({ result: 'unchanged', 'cluster-id': clusterId }));
  expect(unchanged.stdout).toContain('Plan: nothing to change.');
  expect(writes()).toHaveLength(0);

  emulator.traffic.clear();
  const refreshed = await run({ operation: 'refresh' });
  expect(refreshed.exitCode).toBe(0);
  expect(refreshed.outputs).toEqual(expect.objectContaining({ result: 'reattached', 'cluster-id': clusterId }));
  expect(writes().map((e) => e.method)).toEqual(['DELETE', 'PUT']);
  expect(writes()[0].url).toMatch(/underlyingResourceAction=Detach/);
  // The reattach names the created cluster; it does not ask for a new one.
  const sent = body(puts()[0]);
  expect(sent.properties.resourceId).toBe(clusterId);
  expect(sent.properties.properties).not.toHaveProperty('agentCount');
  expect(compute()?.properties.isAttachedCompute).toBe(true);
  expect(emulator.state.snapshot().managedClusters).toHaveLength(3);
  // The created cluster passed the pre-flight checks like any attached one.
  expect(refreshed.stdout).toContain('Check the cluster');
  expect(refreshed.stdout).toMatch(/\[ok\] size: 3 nodes and 12 vCPUs/);

  emulator.traffic.clear();
  const detached = await run({ operation: 'detach' });
  expect(detached.outputs).toEqual(expect.objectContaining({ result: 'detached', 'cluster-id': clusterId }));
  expect(compute()).toBeUndefined();
  expect(emulator.state.getManagedCluster(clusterId)).toBeDefined();
  expect(writes().map((e) => e.url)).toEqual([expect.stringMatching(/underlyingResourceAction=Detach/)]);
  expect(detached.stdout).toMatch(/the AKS cluster was left in place/);
});
