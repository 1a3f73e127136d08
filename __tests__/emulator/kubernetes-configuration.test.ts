/**
 * The emulator's Microsoft.KubernetesConfiguration/extensions and Kubernetes computes, driven by
 * the real SDK clients: statuses, versions per release train, the Azure ML health checks, a
 * Kubernetes compute without the extension, and every extension exchange checked by oav's
 * LiveValidator against extensions.json 2023-05-01.
 */
import * as path from 'node:path';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { DEMO } from '../../testkit/demo-world';
import { specificationDir } from '../../emulator/tools/oav';
import type { TrafficEntry } from '../../emulator/server/traffic';
import { POLL, RG, startHarness, WS, type Harness } from '../../testkit/emulator-clients';

let h: Harness;
let kc: SourceControlConfigurationClient;
const CS = ['Microsoft.ContainerService', 'managedClusters'] as const;
const settings = {
  enableInference: 'True',
  inferenceRouterServiceType: 'loadBalancer',
  allowInsecureConnections: 'True',
};

beforeAll(async () => {
  h = await startHarness({ settings: { extensionMs: 100 } });
  kc = new SourceControlConfigurationClient(h.credential, DEMO.subscriptionId, {
    endpoint: h.emu.url,
    retryOptions: { maxRetries: 0 },
  });
});
afterAll(() => h.close());

const installAzureMl = (clusterName: string) =>
  kc.extensions.beginCreateAndWait(
    RG,
    ...CS,
    clusterName,
    'azureml',
    { extensionType: 'microsoft.azureml.kubernetes', configurationSettings: settings },
    POLL,
  );

test('install, read (no protected settings), update in place, 200 when nothing changes, list, delete', async () => {
  const created = await kc.extensions.beginCreateAndWait(
    RG,
    ...CS,
    'aks-prod',
    'azureml',
    {
      extensionType: 'microsoft.azureml.kubernetes',
      releaseTrain: 'stable',
      autoUpgradeMinorVersion: true,
      scope: { cluster: { releaseNamespace: 'azureml' } },
      configurationSettings: settings,
      configurationProtectedSettings: { secret: 'do-not-echo' },
    },
    POLL,
  );
  expect(created.provisioningState).toBe('Succeeded');
  const got = await kc.extensions.get(RG, ...CS, 'aks-prod', 'azureml');
  expect(got.currentVersion).toBe('1.1.64');
  expect(got.configurationProtectedSettings).toBeUndefined();
  h.emu.settings.extensionVersions = { stable: ['1.1.64', '1.2.0'] };
  await kc.extensions.beginUpdateAndWait(
    RG,
    ...CS,
    'aks-prod',
    'azureml',
    { configurationSettings: { sslCname: 'a.b.com' } },
    POLL,
  );
  expect((await kc.extensions.get(RG, ...CS, 'aks-prod', 'azureml')).currentVersion).toBe('1.2.0');
  h.emu.traffic.clear();
  await kc.extensions.beginUpdateAndWait(
    RG,
    ...CS,
    'aks-prod',
    'azureml',
    { configurationSettings: { sslCname: 'a.b.com' } },
    POLL,
  );
  expect(h.emu.traffic.filter({ method: 'PATCH' }).map((e) => e.status)).toEqual([200]);
  expect(h.emu.state.getExtension(DEMO.clusters.prod, 'azureml')!.configurationProtectedSettings).toEqual({
    secret: 'do-not-echo',
  });
  const all = [];
  for await (const e of kc.extensions.list(RG, ...CS, 'aks-prod')) all.push(e.name);
  expect(all).toEqual(['azureml']);
  await kc.extensions.beginDeleteAndWait(RG, ...CS, 'aks-prod', 'azureml', POLL);
  expect(h.emu.state.getExtension(DEMO.clusters.prod, 'azureml')).toBeUndefined();
});

test('the health checks: inferenceRouterHA on one node fails E40002; a v1 azureml-fe fails E45005', async () => {
  const small = installAzureMl('aks-small');
  await expect(small).rejects.toThrow(/E40002/);
  expect(h.emu.state.getExtension(DEMO.clusters.small, 'azureml')!.provisioningState).toBe('Failed');
  h.emu.state.putCompute({
    subscriptionId: DEMO.subscriptionId,
    resourceGroup: RG,
    workspaceName: WS,
    name: 'aks-v1',
    properties: { computeType: 'AKS', resourceId: DEMO.clusters.prod, properties: {} },
  });
  const conflict = installAzureMl('aks-prod');
  await expect(conflict).rejects.toThrow(/E45005/);
  h.emu.state.deleteCompute(DEMO.subscriptionId, RG, WS, 'aks-v1');
});

test('a Kubernetes compute whose cluster has no Azure ML extension ends Failed, naming the extension', async () => {
  h.emu.state.deleteExtension(DEMO.clusters.prod, 'azureml');
  const attach = h.ml.computeOperations.beginCreateOrUpdateAndWait(
    RG,
    WS,
    'k8s-none',
    {
      location: DEMO.location,
      properties: { computeType: 'Kubernetes', resourceId: DEMO.clusters.prod, properties: { namespace: 'default' } },
    },
    POLL,
  );
  await expect(attach).rejects.toThrow(/ExtensionNotInstalled/);
  const compute = await h.ml.computeOperations.get(RG, WS, 'k8s-none');
  expect(compute.properties?.provisioningState).toBe('Failed');
  expect(JSON.stringify(compute.properties?.provisioningErrors)).toMatch(/Microsoft\.AzureML\.Kubernetes/);
});

test('every extension exchange conforms to extensions.json 2023-05-01 (oav LiveValidator)', async () => {
  const { LiveValidator } = require('oav');
  const lv = new LiveValidator({
    directory: specificationDir(),
    swaggerPathsPattern: [
      path.join(
        'kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01/extensions.json',
      ),
    ],
    git: { shouldClone: false },
    loadValidatorInBackground: false,
    checkUnderFileRoot: false,
    isPathCaseSensitive: false,
  });
  await lv.initialize();
  const exchanges = h.emu.traffic
    .history()
    .filter((e: TrafficEntry) => /^(Extensions_|OperationStatus_Get)/.test(e.operationId ?? ''));
  const passed = new Set<string>();
  const errors: string[] = [];
  for (const e of exchanges) {
    const u = new URL(e.url);
    const r = await lv.validateLiveRequestResponse({
      liveRequest: {
        url: `https://management.azure.com${u.pathname}${u.search}`,
        method: e.method,
        headers: { 'content-type': 'application/json' },
        ...(e.requestBody !== undefined && { body: e.requestBody }),
      },
      liveResponse: {
        statusCode: String(e.status),
        headers: e.responseBody !== undefined ? { 'content-type': 'application/json' } : {},
        ...(e.responseBody !== undefined && { body: e.responseBody }),
      },
    });
    const id = r.requestValidationResult.operationInfo?.operationId;
    const found = [...(r.requestValidationResult.errors ?? []), ...(r.responseValidationResult.errors ?? [])];
    const runtime = r.runtimeException ?? r.requestValidationResult.runtimeException;
    if (runtime) found.push(runtime);
    errors.push(
      ...found.map((f: { code: string; message: string }) => `${e.method} ${e.status} ${id}: ${f.code} ${f.message}`),
    );
    if (found.length === 0 && id) passed.add(id);
  }
  expect(errors).toEqual([]);
  expect([...passed].sort()).toEqual([
    'Extensions_Create',
    'Extensions_Delete',
    'Extensions_Get',
    'Extensions_List',
    'Extensions_Update',
    'OperationStatus_Get',
  ]);
}, 60_000);
