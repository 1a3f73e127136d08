/** compute-type: kubernetes through the bundled action: the v2 compute with the Azure ML extension, against the emulator. */
import { emulatorPerTest } from '../../testkit/world';
import { DEMO, seedAttachedCompute } from '../../testkit/demo-world';
import {
  EXTENSION,
  extensionOf,
  keyScanner,
  runKubernetesAction,
  scoringCertificate,
  writes,
} from '../../testkit/kubernetes';
import { computeOf } from '../../testkit/fault-kit';
import { visibleOf } from '../../testkit/secret-scan';
import { EXTENSION_OPERATIONS, LIFECYCLE_OPERATIONS } from '../../testkit/referee';

const world = emulatorPerTest({ expectOperations: [...LIFECYCLE_OPERATIONS, ...EXTENSION_OPERATIONS] });
const NAME = 'k8s-prod';
const run = (extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runKubernetesAction(world(), { 'compute-name': NAME, ...extra }, env);
const tlsInputs = (c: { chainPem: string; keyPem: string }) => ({
  tls: 'custom',
  'tls-cert': c.chainPem,
  'tls-key': c.keyPem,
  'tls-cname': 'scoring.contoso.com',
});

test('install + attach, unchanged, certificate rotation in place, refresh to the newest version, detach keeping the extension', async () => {
  const emulator = world();
  const first = scoringCertificate(emulator);
  const attached = await run(tlsInputs(first));
  expect(attached.stderr).toBe('');
  expect(attached.outputs).toEqual(
    expect.objectContaining({
      result: 'attached',
      'extension-id': `${DEMO.clusters.prod}/providers/Microsoft.KubernetesConfiguration/extensions/${EXTENSION}`,
      'tls-expires-on': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'provisioning-state': 'Succeeded',
    }),
  );
  expect(writes(emulator)).toEqual(['PUT extension', 'PUT compute']);
  const ext = extensionOf(emulator)!;
  expect(ext.configurationSettings).toEqual(
    expect.objectContaining({
      enableInference: 'True',
      inferenceRouterServiceType: 'loadBalancer',
      allowInsecureConnections: 'False',
      sslCname: 'scoring.contoso.com',
      clusterPurpose: 'FastProd',
      cluster_name: DEMO.clusters.prod,
      clusterId: DEMO.clusters.prod,
      domain: 'eastus.cloudapp.azure.com',
      'nginxIngress.enabled': 'true',
    }),
  );
  expect(Buffer.from(ext.configurationProtectedSettings['scoringFe.sslKey'], 'base64').toString()).toBe(first.keyPem);
  expect(ext.currentVersion).toBe('1.1.64');
  const compute = computeOf(emulator, NAME)!;
  expect(compute.properties).toEqual(
    expect.objectContaining({
      computeType: 'Kubernetes',
      resourceId: DEMO.clusters.prod,
      provisioningState: 'Succeeded',
    }),
  );
  expect((compute.properties.properties as { namespace: string }).namespace).toBe('default');
  expect(attached.summary).toMatch(/\| Extension \| — \| 1\.1\.64 \(stable\) \|/);

  emulator.traffic.clear();
  const unchanged = await run(tlsInputs(first));
  expect(unchanged.outputs.result).toBe('unchanged');
  expect(writes(emulator)).toEqual([]);

  emulator.traffic.clear();
  const second = scoringCertificate(emulator);
  const rotated = await run(tlsInputs(second));
  expect(rotated.outputs.result).toBe('updated');
  expect(writes(emulator)).toEqual(['PATCH extension']);
  const patch = emulator.traffic.filter({ method: 'PATCH' })[0].requestBody as { properties: Record<string, unknown> };
  expect(Object.keys(patch.properties).sort()).toEqual(['configurationProtectedSettings', 'configurationSettings']);
  expect(
    Buffer.from(extensionOf(emulator)!.configurationProtectedSettings['scoringFe.sslKey'], 'base64').toString(),
  ).toBe(second.keyPem);
  expect(rotated.summary).toContain('**Extension settings drift:**');

  emulator.traffic.clear();
  emulator.settings.extensionVersions = { ...emulator.settings.extensionVersions, stable: ['1.1.64', '1.1.70'] };
  const refreshed = await run({ ...tlsInputs(second), operation: 'refresh' });
  expect(refreshed.outputs.result).toBe('updated');
  expect(writes(emulator)).toEqual(['PATCH extension']);
  expect(extensionOf(emulator)!.currentVersion).toBe('1.1.70');
  expect(refreshed.stdout).toContain('version 1.1.70');

  emulator.traffic.clear();
  const detached = await run({ operation: 'detach' });
  expect(detached.outputs.result).toBe('detached');
  expect(writes(emulator)).toEqual(['DELETE compute']);
  expect(emulator.traffic.mutating()[0].url).toMatch(/underlyingResourceAction=Detach/);
  expect(detached.stdout).toMatch(/the Azure ML extension and the AKS cluster were left in place/);
  expect(computeOf(emulator, NAME)).toBeUndefined();
  expect(extensionOf(emulator)).toBeDefined();
  expect(emulator.state.getManagedCluster(DEMO.clusters.prod)).toBeDefined();
});

test('internal load balancer, and dev-test on a 1-node cluster (production there is refused before any change)', async () => {
  const emulator = world();
  const refused = await run({ 'aks-resource-id': DEMO.clusters.small });
  expect(refused.exitCode).not.toBe(0);
  expect(writes(emulator)).toEqual([]);

  const r = await run({
    'aks-resource-id': DEMO.clusters.small,
    'cluster-purpose': 'dev-test',
    'load-balancer-type': 'internal',
  });
  expect(r.outputs.result).toBe('attached');
  expect(extensionOf(emulator, DEMO.clusters.small)!.configurationSettings).toEqual(
    expect.objectContaining({
      clusterPurpose: 'DevTest',
      inferenceRouterHA: 'false',
      internalLoadBalancerProvider: 'azure',
      'scoringFe.serviceType.internalLoadBalancer': 'True',
      allowInsecureConnections: 'True',
    }),
  );
});

test('tls: auto is refused for kubernetes, naming the input, before any request', async () => {
  const emulator = world();
  const r = await run({ tls: 'auto', 'leaf-domain-label': 'myscoring' });
  expect(r.exitCode).not.toBe(0);
  expect(r.stdout).toMatch(/tls: 'auto' is not available with compute-type: kubernetes/);
  expect(emulator.traffic.all().filter((e) => e.kind === 'arm')).toEqual([]);
});

test('a cluster that still serves a v1 AKS compute is refused, naming it and both documented paths; v1 stays', async () => {
  const emulator = world();
  seedAttachedCompute(emulator, { name: 'aks-v1' });
  const r = await run();
  expect(r.exitCode).not.toBe(0);
  expect(r.stdout).toMatch(/still serves the v1 AKS compute 'aks-v1'/);
  expect(r.stdout).toMatch(/azureml-fe/);
  expect(r.stdout).toMatch(/scoringFe\.enableUpgrade=true/);
  expect(writes(emulator)).toEqual([]);
  expect(computeOf(emulator, 'aks-v1')).toBeDefined();
});

test('install and rotation with debug logging on: no byte of the key, plain or base64, in anything visible', async () => {
  const emulator = world();
  const debug = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true', AZURE_LOG_LEVEL: 'verbose' };
  const first = scoringCertificate(emulator);
  const second = scoringCertificate(emulator);
  const runs = [await run(tlsInputs(first), debug), await run(tlsInputs(second), debug)];
  expect(runs.map((r) => r.outputs.result)).toEqual(['attached', 'updated']);
  const scanner = keyScanner(emulator, [first.keyPem, second.keyPem]);
  for (const r of runs) {
    expect(r.stderr).toMatch(/azure:core-rest-pipeline/);
    expect(scanner.scan(visibleOf(r))).toEqual([]);
  }
});
