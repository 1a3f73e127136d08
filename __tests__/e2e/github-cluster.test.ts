/**
 * Cluster-aware behaviour through the committed GitHub bundle: the pre-flight checks of the
 * cluster to attach (each failing rule stops the run with no write at all), and tls: keep
 * (reading azuremlfessl through the cluster's kubeconfig before anything is detached).
 */
import type { Emulator, ManagedClusterSeed } from '../../emulator';
import { managedClusterId } from '../../emulator';
import { demoSeed } from '../../testkit/demo-world';
import { runAction } from '../../testkit/run-action';
import { emulatorPerTest, githubInputs, startWorld } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';
import { seedAttachedCompute } from '../../testkit/demo-world';

// The ML side of this traffic (the tls: keep reattach bodies among it) is checked by oav.
const world = emulatorPerTest({ expectOperations: ['Compute_CreateOrUpdate', 'Compute_Delete', 'Compute_Get'] });
let emulator: Emulator;
beforeEach(() => {
  emulator = world();
});

const run = (extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction({ inputs: githubInputs(emulator, extra), caCertPath: emulator.caCertPath, env });
const compute = (name = 'aks-prod') =>
  emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, name);
const writes = () => emulator.traffic.mutating();

function addCluster(name: string, over: Partial<ManagedClusterSeed> = {}): string {
  const seed: ManagedClusterSeed = {
    subscriptionId: DEMO.subscriptionId,
    resourceGroup: DEMO.resourceGroup,
    name,
    location: DEMO.location,
    ...over,
  };
  emulator.state.putManagedCluster(seed);
  return managedClusterId(seed.subscriptionId, seed.resourceGroup, name);
}

function seedCompute(
  clusterId: string,
  ssl: Record<string, unknown>,
  tls?: { certPem: string; keyPem: string },
  extra: Record<string, unknown> = {},
) {
  seedAttachedCompute(emulator, { clusterId, aks: { sslConfiguration: ssl, ...extra }, tls, tags: {} });
}

describe('pre-flight checks of the cluster to attach', () => {
  test('a healthy cluster: the checks are listed under "Check the cluster" and the attach goes ahead', async () => {
    const result = await run();
    expect(result.outputs.result).toBe('attached');
    expect(result.stdout).toMatch(
      /::group::Check the cluster\n[\s\S]*\[ok\] state: aks-prod is running[\s\S]*\[ok\] size: 3 nodes and 12 vCPUs[\s\S]*\[ok\] kubernetes-version: Kubernetes 1\.30\.6 is supported in eastus[\s\S]*::endgroup::/,
    );
    expect(emulator.traffic.count({ operationId: 'ManagedClusters_Get' })).toBe(1);
    expect(emulator.traffic.count({ operationId: 'ManagedClusters_ListKubernetesVersions' })).toBe(1);
  });

  // [title, setup → inputs, expected failure text]
  const failing: Array<[string, () => Record<string, string>, RegExp[]]> = [
    [
      'a cluster that does not exist',
      () => ({ 'aks-resource-id': DEMO.clusters.prod.replace('aks-prod', 'aks-gone') }),
      [/AKS cluster \/subscriptions\/.*\/managedClusters\/aks-gone does not exist/, /Check aks-resource-id/],
    ],
    [
      'a cluster in another subscription the credential may not read',
      () => {
        const other = addCluster('aks-foreign', {
          subscriptionId: '00000000-0000-4000-8000-0000000000ff',
          deniedPrincipals: [DEMO.clientId],
        });
        return { 'aks-resource-id': other };
      },
      [
        /may not read AKS cluster .*aks-foreign \(AuthorizationFailed\); nothing was changed/,
        /another subscription needs the Contributor role on the cluster/,
      ],
    ],
    [
      'production on a 1-node cluster',
      () => ({ 'aks-resource-id': DEMO.clusters.small, 'compute-name': 'aks-small' }),
      [
        /production cluster needs at least 3 node\(s\) in its default node pool; aks-small has 1/,
        /Use cluster-purpose: dev-test/,
      ],
    ],
    [
      'production on fewer than 12 vCPUs',
      () => ({ 'aks-resource-id': addCluster('aks-thin', { nodeCount: 3, vmSize: 'Standard_D2s_v3' }) }),
      [/at least 12 vCPUs in its default node pool; aks-thin has 6/, /Use cluster-purpose: dev-test/],
    ],
    [
      'a private cluster with a public FQDN',
      () => ({
        'aks-resource-id': addCluster('aks-private', {
          enablePrivateCluster: true,
          enablePrivateClusterPublicFQDN: true,
        }),
      }),
      [/private cluster with a public FQDN, which Azure Machine Learning does not support/],
    ],
    [
      'authorized IP ranges on a Basic load balancer',
      () => ({
        'aks-resource-id': addCluster('aks-basic', {
          loadBalancerSku: 'basic',
          authorizedIPRanges: ['203.0.113.0/24'],
        }),
      }),
      [/authorized IP ranges only work with a Standard load balancer/],
    ],
    [
      'a Kubernetes version AKS no longer supports',
      () => ({ 'aks-resource-id': addCluster('aks-old', { kubernetesVersion: '1.27.3' }) }),
      [
        /runs Kubernetes 1\.27\.3, which AKS no longer supports in eastus; Azure ML refuses to attach it\. Supported versions: 1\.29, 1\.30, 1\.31/,
      ],
    ],
    [
      'a stopped cluster',
      () => ({ 'aks-resource-id': addCluster('aks-stopped', { powerState: 'Stopped' }) }),
      [/aks-stopped is stopped/, /az aks start/],
    ],
    [
      'a cluster in the middle of an upgrade',
      () => ({ 'aks-resource-id': addCluster('aks-busy', { provisioningState: 'Upgrading' }) }),
      [/aks-busy is Upgrading \(an AKS operation is in progress\)/],
    ],
  ];

  test.each(failing)('%s fails before any change', async (_title, setup, messages) => {
    const inputs = setup();
    const result = await run(inputs);
    expect(result.exitCode).toBe(1);
    for (const message of messages) expect(result.stdout).toMatch(message);
    expect(result.stdout).toMatch(/::error title=StateError::/);
    expect(writes()).toHaveLength(0);
  });

  test('several problems are reported together', async () => {
    const id = addCluster('aks-worst', {
      nodeCount: 1,
      enablePrivateCluster: true,
      enablePrivateClusterPublicFQDN: true,
      kubernetesVersion: '1.25.6',
    });
    const result = await run({ 'aks-resource-id': id });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/AKS cluster aks-worst cannot be attached \(3 problems\); nothing was changed/);
    expect(result.stdout.match(/\[FAILED\]/g)).toHaveLength(3);
    expect(writes()).toHaveLength(0);
  });

  test('refresh of a compute whose cluster is now stopped fails before the detach', async () => {
    seedCompute(DEMO.clusters.prod, { status: 'Disabled' });
    emulator.state.liveManagedCluster(DEMO.clusters.prod)!.powerState = 'Stopped';
    const result = await run({ operation: 'refresh' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/aks-prod is stopped/);
    expect(writes()).toHaveLength(0);
    expect(compute()?.properties.provisioningState).toBe('Succeeded');
  });

  test('advice only: GPU in a secondary pool, authorized IP ranges → warnings, and the attach goes ahead', async () => {
    const id = addCluster('aks-gpu', {
      authorizedIPRanges: ['203.0.113.0/24'],
      agentPools: [
        { name: 'system', count: 3, vmSize: 'Standard_D4s_v5', mode: 'System' },
        { name: 'gpu', count: 2, vmSize: 'Standard_NC6s_v3', mode: 'User' },
      ],
    });
    const result = await run({ 'aks-resource-id': id, 'compute-name': 'aks-gpu' });
    expect(result.outputs.result).toBe('attached');
    const warnings = result.stdout.split('\n').filter((l) => l.startsWith('::warning'));
    expect(warnings.join('\n')).toMatch(
      /title=Cluster check%3A node-pools::node pool 'gpu' .*GPU nodes but is a secondary pool/,
    );
    expect(warnings.join('\n')).toMatch(
      /title=Cluster check%3A authorized-ip-ranges::.*Azure Machine Learning control plane ranges/,
    );
  });

  test('a preview Kubernetes version is attachable with a warning', async () => {
    const seed = demoSeed();
    seed.kubernetesVersions = {
      eastus: [
        { version: '1.30', isDefault: true },
        { version: '1.31', isPreview: true },
      ],
    };
    seed.managedClusters![0].kubernetesVersion = '1.31.1';
    // A world of its own (the versions are seeded); the file's emulator is stopped as usual.
    emulator = await startWorld({ seed });
    try {
      const result = await run();
      expect(result.outputs.result).toBe('attached');
      expect(result.stdout).toMatch(
        /::warning title=Cluster check%3A kubernetes-version::Kubernetes 1\.31\.1 is a preview version: it can be attached/,
      );
    } finally {
      await emulator.stop();
    }
  });
});

describe('tls: keep', () => {
  const CNAME = 'scoring.contoso.com';
  const keyLines = (keyPem: string) => keyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
  /** What a reader of the log sees: ::add-mask:: lines only tell the runner what to hide. */
  const visible = (r: { stdout: string; stderr: string }) =>
    (r.stdout + r.stderr)
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');

  test('refresh keeps the certificate the cluster serves; the key never shows, also with RUNNER_DEBUG=1', async () => {
    const cert = emulator.ca.issue({ commonName: CNAME, dnsNames: [CNAME], keyType: 'rsa' });
    seedCompute(
      DEMO.clusters.prod,
      { status: 'Enabled', cname: CNAME },
      { certPem: cert.chainPem, keyPem: cert.keyPem },
    );
    const before = compute()!.tls!;

    const result = await run({ operation: 'refresh', tls: 'keep' }, { RUNNER_DEBUG: '1' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('reattached');

    // The secret was read before anything changed, then the same material was sent back.
    const order = emulator.traffic
      .all()
      .filter(
        (e) =>
          e.kind === 'k8s' ||
          (e.kind === 'arm' && ['PUT', 'DELETE'].includes(e.method)) ||
          /listClusterUserCredential$/.test(e.path),
      );
    expect(order.map((e) => (e.kind === 'k8s' ? 'k8s GET' : e.method))).toEqual(['POST', 'k8s GET', 'DELETE', 'PUT']);
    expect(order[1].path).toMatch(/\/api\/v1\/namespaces\/default\/secrets\/azuremlfessl$/);
    const ssl = (order[3].requestBody as { properties: { properties: { sslConfiguration: Record<string, string> } } })
      .properties.properties.sslConfiguration;
    expect(ssl).toEqual({ status: 'Enabled', cert: before.certPem, key: before.keyPem, cname: CNAME });
    expect(compute()!.tls).toEqual(before);
    expect(compute()!.tags?.['tls-certificate-sha256']).toMatch(/^[0-9a-f]{64}$/);

    expect(result.stdout).toMatch(
      /Keeping the certificate from secret azuremlfessl \(namespace default\) of cluster aks-prod: sha256 [0-9a-f]{64}, cname scoring\.contoso\.com/,
    );
    expect(result.stdout).toContain('::debug::'); // debug mode was on
    const log = visible(result);
    for (const line of keyLines(cert.keyPem)) expect(log).not.toContain(line);
    expect(log).not.toContain(emulator.state.getManagedCluster(DEMO.clusters.prod)!.userToken);
  });

  test('ensure with keep on an unchanged compute changes nothing', async () => {
    const cert = emulator.ca.issue({ commonName: CNAME, dnsNames: [CNAME] });
    seedCompute(
      DEMO.clusters.prod,
      { status: 'Enabled', cname: CNAME },
      { certPem: cert.chainPem, keyPem: cert.keyPem },
    );
    const result = await run({ tls: 'keep' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('unchanged');
    expect(writes()).toHaveLength(0);
  });

  test('keep on an Azure-generated (auto) certificate: reattached with it as a custom one, with a warning', async () => {
    const fqdn = 'contosoab12cd.eastus.cloudapp.azure.com';
    const auto = emulator.ca.issue({ commonName: fqdn, dnsNames: [fqdn] });
    seedCompute(
      DEMO.clusters.prod,
      { status: 'Auto', leafDomainLabel: 'contoso' },
      { certPem: auto.chainPem, keyPem: auto.keyPem },
      { clusterFqdn: fqdn },
    );
    const result = await run({ operation: 'refresh', tls: 'keep' });
    expect(result.outputs.result).toBe('reattached');
    expect(result.stdout).toMatch(
      /::warning title=TLS certificate::compute 'aks-prod' uses a certificate generated by Azure ML/,
    );
    const ssl = (compute()!.properties.properties as Record<string, Record<string, unknown>>).sslConfiguration;
    expect(ssl).toEqual(expect.objectContaining({ status: 'Enabled', cname: fqdn }));
    expect(compute()!.tls!.certPem).toBe(auto.chainPem);
  });

  test('an Entra-integrated cluster (user kubeconfig needs kubelogin): the admin credential reads the secret', async () => {
    const id = addCluster('aks-entra', { aadManaged: true });
    const cert = emulator.ca.issue({ commonName: CNAME, dnsNames: [CNAME], keyType: 'rsa' });
    seedCompute(id, { status: 'Enabled', cname: CNAME }, { certPem: cert.chainPem, keyPem: cert.keyPem });
    const result = await run({ operation: 'refresh', tls: 'keep', 'aks-resource-id': id }, { RUNNER_DEBUG: '1' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('reattached');
    expect(
      emulator.traffic
        .all()
        .filter((e) => /listCluster(User|Admin)Credential$/.test(e.path))
        .map((e) => e.path.split('/').pop()),
    ).toEqual(['listClusterUserCredential', 'listClusterAdminCredential']);
    expect(visible(result)).not.toContain(emulator.state.getManagedCluster(id)!.adminToken);
  });

  test('an Entra-integrated cluster without local accounts fails with no write, saying why', async () => {
    const id = addCluster('aks-entra-only', { aadManaged: true, disableLocalAccounts: true });
    seedCompute(id, { status: 'Enabled', cname: CNAME });
    const result = await run({ operation: 'refresh', tls: 'keep', 'aks-resource-id': id });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /needs kubelogin \(Microsoft Entra ID\), and its admin one is refused \(BadRequest: Getting static credential is not allowed because this cluster is set to disable local accounts/,
    );
    expect(writes()).toHaveLength(0);
  });

  test('a missing azuremlfessl secret fails with no write', async () => {
    seedCompute(DEMO.clusters.prod, { status: 'Enabled', cname: CNAME });
    const result = await run({ operation: 'refresh', tls: 'keep' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /tls: keep: secret azuremlfessl \(namespace default\) of cluster aks-prod does not exist; nothing was changed/,
    );
    expect(emulator.traffic.count({ kind: 'k8s', status: 404 })).toBe(1);
    expect(writes()).toHaveLength(0);
  });

  test('an API server that refuses the read (403) fails with no write', async () => {
    const cert = emulator.ca.issue({ commonName: CNAME, dnsNames: [CNAME] });
    seedCompute(
      DEMO.clusters.prod,
      { status: 'Enabled', cname: CNAME },
      { certPem: cert.chainPem, keyPem: cert.keyPem },
    );
    emulator.faults.add({
      match: { kind: 'k8s' },
      action: {
        status: 403,
        body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403 },
      },
    });
    const result = await run({ operation: 'refresh', tls: 'keep' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/could not be read: .*answered 403 \(Forbidden\)/);
    expect(writes()).toHaveLength(0);
  });

  test('keep where the compute has TLS disabled, or does not exist, fails with no write', async () => {
    const absent = await run({ tls: 'keep' });
    expect(absent.exitCode).toBe(1);
    expect(absent.stdout).toMatch(/compute 'aks-prod' does not exist/);
    seedCompute(DEMO.clusters.prod, { status: 'Disabled' });
    const disabled = await run({ tls: 'keep' });
    expect(disabled.exitCode).toBe(1);
    expect(disabled.stdout).toMatch(/has TLS disabled, so there is no certificate to keep/);
    expect(writes()).toHaveLength(0);
  });
});
