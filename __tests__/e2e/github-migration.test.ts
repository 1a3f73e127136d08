/** migrate-from through the bundled action: the v2 compute set up beside a v1 compute on the same cluster, without an outage. */
import { emulatorPerTest } from '../../testkit/world';
import { DEMO, seedAttachedCompute } from '../../testkit/demo-world';
import { extensionOf, keyScanner, runKubernetesAction, writes } from '../../testkit/kubernetes';
import { computeOf } from '../../testkit/fault-kit';
import { visibleOf } from '../../testkit/secret-scan';
import { deletes, frontEndAnnotations, kubernetesWrites, seedV1, V1, V2_NAMESPACE } from '../../testkit/migration';

const world = emulatorPerTest({
  expectOperations: ['Compute_CreateOrUpdate', 'Compute_Get', 'Compute_List', 'Extensions_Create', 'Extensions_Get'],
});
const NAME = 'k8s-prod';
const run = (extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runKubernetesAction(world(), { 'compute-name': NAME, ...extra }, env);
const migrate = (extra: Record<string, string> = {}) =>
  run({ 'migrate-from': V1, namespace: V2_NAMESPACE, tls: 'keep', ...extra }, { RUNNER_DEBUG: '1' });

test('migrate-from: annotation, extension with scoringFe.enableUpgrade and the v1 certificate, attach beside v1; re-runs change nothing', async () => {
  const emulator = world();
  const v1Certificate = seedV1(emulator);
  const planned = await migrate({ 'dry-run': 'true' });
  expect(planned.outputs.result).toBe('planned');
  expect(planned.summary).toMatch(/\| `k8s-prod` \| Kubernetes \(v2\) \| aks-prod \| ml-v2 \| to attach \|/);
  expect([...writes(emulator), ...kubernetesWrites(emulator)]).toEqual([]);
  emulator.traffic.clear();
  const first = await migrate();
  expect(first.stderr).toBe('');
  expect(first.outputs.result).toBe('attached');
  expect(kubernetesWrites(emulator)).toEqual(['PATCH deployments/azureml-fe']);
  expect(writes(emulator)).toEqual(['PUT extension', 'PUT compute']);
  expect(deletes(emulator)).toEqual([]);
  // One credential listing serves the certificate read, the cluster read and the annotation.
  expect(emulator.traffic.count({ operationId: 'ManagedClusters_ListClusterUserCredentials' })).toBe(1);
  expect(frontEndAnnotations(emulator)).toEqual({ 'azureml-fe-enable-upgrade': 'true' });
  const ext = extensionOf(emulator)!;
  expect(ext.provisioningState).toBe('Succeeded');
  expect(ext.configurationSettings).toEqual(
    expect.objectContaining({
      'scoringFe.enableUpgrade': 'true',
      sslCname: 'scoring.contoso.com',
      allowInsecureConnections: 'False',
    }),
  );
  expect(Buffer.from(ext.configurationProtectedSettings['scoringFe.sslKey'], 'base64').toString()).toBe(
    v1Certificate.keyPem,
  );
  expect(computeOf(emulator, NAME)!.properties).toEqual(
    expect.objectContaining({
      computeType: 'Kubernetes',
      provisioningState: 'Succeeded',
      properties: expect.objectContaining({ namespace: V2_NAMESPACE }),
    }),
  );
  expect(computeOf(emulator, V1)!.properties).toEqual(
    expect.objectContaining({ computeType: 'AKS', provisioningState: 'Succeeded', resourceId: DEMO.clusters.prod }),
  );
  // The plan names the three steps and what each changes; the summary shows both computes and what comes next.
  expect(first.stdout).toMatch(
    /1\. annotate azureml-fe: one Kubernetes PATCH adds the annotation azureml-fe-enable-upgrade=true/,
  );
  expect(first.stdout).toMatch(
    /2\. install extension azureml: the Azure ML extension is installed with scoringFe\.enableUpgrade=true/,
  );
  expect(first.stdout).toMatch(
    /3\. attach k8s-prod: compute 'k8s-prod' is attached as a Kubernetes compute in namespace ml-v2/,
  );
  expect(first.summary).toMatch(
    /\| `aks-v1` \| AKS \(v1\), stays attached \| aks-prod \| azureml-demo-ws \| Succeeded \|/,
  );
  expect(first.summary).toMatch(/\| `k8s-prod` \| Kubernetes \(v2\) \| aks-prod \| ml-v2 \| Succeeded \|/);
  expect(first.summary).toMatch(/scoring URL for AKSCompute and Kubernetes compute are not segregated/);
  expect(first.summary).toMatch(/\*\*Next steps:\*\*[\s\S]*Kubernetes online endpoint[\s\S]*`operation: detach`/);
  expect(keyScanner(emulator, [v1Certificate.keyPem]).scan(visibleOf(first))).toEqual([]);

  emulator.traffic.clear();
  const again = await migrate();
  expect(again.outputs.result).toBe('unchanged');
  expect(writes(emulator)).toEqual([]);
  expect(kubernetesWrites(emulator)).toEqual([]);
  expect(again.stdout).toMatch(/1\. annotate azureml-fe: already annotated azureml-fe-enable-upgrade=true: no write/);

  // Each step on its own: an annotation removed by hand is the only thing written again.
  emulator.traffic.clear();
  delete emulator.state.liveManagedCluster(DEMO.clusters.prod)!.frontEndDeployment!.annotations[
    'azureml-fe-enable-upgrade'
  ];
  const reannotated = await migrate();
  expect(reannotated.outputs.result).toBe('updated');
  expect(kubernetesWrites(emulator)).toEqual(['PATCH deployments/azureml-fe']);
  expect(writes(emulator)).toEqual([]);

  // Without migrate-from (and the same certificate given as custom), the coexistence is kept, not undone.
  emulator.traffic.clear();
  const plain = await run({
    namespace: V2_NAMESPACE,
    tls: 'custom',
    'tls-cert': v1Certificate.chainPem,
    'tls-key': v1Certificate.keyPem,
    'tls-cname': 'scoring.contoso.com',
  });
  expect(plain.outputs.result).toBe('unchanged');
  expect(writes(emulator)).toEqual([]);
  expect(extensionOf(emulator)!.configurationSettings['scoringFe.enableUpgrade']).toBe('true');

  // The last step: the v1 compute detached (the summary says so); then a plain v2 cluster, the setting kept.
  emulator.traffic.clear();
  const detached = await run({ 'compute-type': 'aks', 'compute-name': V1, operation: 'detach', 'aks-resource-id': '' });
  expect(detached.outputs.result).toBe('detached');
  expect(detached.summary).toMatch(/detaching `aks-v1` is the migration's last step/);
  expect(computeOf(emulator, V1)).toBeUndefined();
  expect(computeOf(emulator, NAME)!.properties.provisioningState).toBe('Succeeded');
  emulator.traffic.clear();
  const v2Only = await run({ namespace: V2_NAMESPACE, tls: 'keep', 'migrate-from': '' });
  expect(v2Only.exitCode).not.toBe(0);
  expect(v2Only.stdout).toMatch(/tls: 'keep' is not available with compute-type: kubernetes without migrate-from/);
  const plainV2 = await run({
    namespace: V2_NAMESPACE,
    tls: 'custom',
    'tls-cert': v1Certificate.chainPem,
    'tls-key': v1Certificate.keyPem,
    'tls-cname': 'scoring.contoso.com',
    operation: 'refresh',
  });
  expect(plainV2.outputs.result).toBe('updated');
  expect(writes(emulator)).toEqual(['PATCH extension']);
  expect(extensionOf(emulator)!.configurationSettings['scoringFe.enableUpgrade']).toBe('true');
});

test('tls: keep of a Microsoft-generated v1 certificate is carried over with a warning that nothing renews it on v2', async () => {
  const emulator = world();
  seedV1(emulator);
  const fqdn = 'myscoring1a2b3c.eastus.cloudapp.azure.com';
  const generated = emulator.ca.issue({ commonName: fqdn, dnsNames: [fqdn] });
  seedAttachedCompute(emulator, {
    name: V1,
    aks: { sslConfiguration: { status: 'Auto', leafDomainLabel: 'myscoring', cname: fqdn } },
    tls: { certPem: generated.chainPem, keyPem: generated.keyPem },
  });
  const r = await migrate();
  expect(r.outputs.result).toBe('attached');
  expect(r.stdout).toMatch(
    /::warning title=TLS certificate::compute 'aks-v1' serves a certificate generated by Azure ML \(tls: auto\); migrate-from carries it[^\n]*Nothing renews it there/,
  );
  expect(extensionOf(emulator)!.configurationSettings.sslCname).toBe(fqdn);
});

test('refused before any write: namespace azureml-<workspace>, a missing namespace, migrate-from on another cluster, no permission to annotate', async () => {
  const emulator = world();
  seedV1(emulator);
  const v1Namespace = await migrate({ namespace: 'azureml-demo-ws' });
  expect(v1Namespace.exitCode).not.toBe(0);
  expect(v1Namespace.stdout).toMatch(
    /namespace: 'azureml-demo-ws' is where the v1 web services of workspace demo-ws live/,
  );
  expect(emulator.traffic.all().filter((e) => e.kind === 'arm' || e.kind === 'k8s')).toEqual([]);

  const missing = await migrate({ namespace: 'not-there' });
  expect(missing.exitCode).not.toBe(0);
  expect(missing.stdout).toMatch(/namespace not-there does not exist on cluster aks-prod/);
  expect(missing.stdout).toMatch(/kubectl create namespace not-there/);

  const elsewhere = await migrate({ 'aks-resource-id': DEMO.clusters.small });
  expect(elsewhere.exitCode).not.toBe(0);
  expect(elsewhere.stdout).toMatch(/migrate-from: compute 'aks-v1' is bound to cluster .*aks-prod, not to .*aks-small/);

  emulator.state.liveManagedCluster(DEMO.clusters.prod)!.kubernetesReadOnly = true;
  const forbidden = await migrate();
  expect(forbidden.exitCode).not.toBe(0);
  expect(forbidden.stdout).toMatch(
    /may not patch deployments in namespace default of cluster aks-prod \(403 Forbidden\)/,
  );
  expect(forbidden.stdout).toMatch(/Azure Kubernetes Service RBAC Writer/);

  expect(writes(emulator)).toEqual([]);
  expect(kubernetesWrites(emulator)).toEqual(['PATCH deployments/azureml-fe']);
  expect(frontEndAnnotations(emulator)).toEqual({});
  expect(extensionOf(emulator)).toBeUndefined();
  expect(computeOf(emulator, NAME)).toBeUndefined();
  expect(computeOf(emulator, V1)!.properties.provisioningState).toBe('Succeeded');
});

test('an extension another operation is updating is waited for, then the compute is attached', async () => {
  const emulator = world();
  emulator.state.putExtension({
    clusterId: DEMO.clusters.prod,
    name: 'azureml',
    provisioningState: 'Updating',
    configurationSettings: {
      enableInference: 'True',
      inferenceRouterServiceType: 'loadBalancer',
      allowInsecureConnections: 'True',
    },
  });
  setTimeout(() => {
    emulator.state.putExtension({
      ...extensionOf(emulator)!,
      provisioningState: 'Succeeded',
    });
  }, 2_500).unref();
  const r = await run();
  expect(r.outputs.result).toBe('attached');
  expect(r.stdout).toMatch(
    /Extension azureml on cluster aks-prod is Updating \(another operation is in progress\); waiting for it to finish first/,
  );
  expect(writes(emulator)).toEqual(['PUT compute']);
});
