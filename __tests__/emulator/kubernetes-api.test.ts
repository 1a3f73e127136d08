/**
 * The emulator's Kubernetes API for the v1 → v2 coexistence path: namespaces, the azureml-fe
 * deployment (readiness, annotations, merge patch, 403 for a read-only user), and the Azure ML
 * extension failing E45005 next to a v1 azureml-fe unless it is annotated and scoringFe.enableUpgrade is set.
 */
import * as https from 'node:https';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { DEMO } from '../../testkit/demo-world';
import { POLL, RG, startHarness, WS, type Harness } from '../../testkit/emulator-clients';

let h: Harness;
let kc: SourceControlConfigurationClient;
beforeAll(async () => {
  h = await startHarness({ settings: { extensionMs: 100 } });
  kc = new SourceControlConfigurationClient(h.credential, DEMO.subscriptionId, { endpoint: h.emu.url });
});
afterAll(() => h.close());

async function kubeconfig(role: 'user' | 'admin') {
  const creds =
    role === 'user'
      ? await h.cs.managedClusters.listClusterUserCredentials(RG, 'aks-prod')
      : await h.cs.managedClusters.listClusterAdminCredentials(RG, 'aks-prod');
  const text = Buffer.from(creds.kubeconfigs![0].value!).toString('utf8');
  return { server: /server: (\S+)/.exec(text)![1], token: /token: (\S+)/.exec(text)![1] };
}

function call(
  url: string,
  token: string,
  method = 'GET',
  body?: unknown,
  contentType = 'application/merge-patch+json',
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = contentType;
    const req = https.request(url, { method, headers, ca: h.emu.caCertPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const DEPLOYMENT = '/apis/apps/v1/namespaces/default/deployments/azureml-fe';
const annotate = (value: string | null) => ({ metadata: { annotations: { 'azureml-fe-enable-upgrade': value } } });
const installAzureMl = (configurationSettings: Record<string, string>) =>
  kc.extensions.beginCreateAndWait(
    RG,
    'Microsoft.ContainerService',
    'managedClusters',
    'aks-prod',
    'azureml',
    {
      extensionType: 'microsoft.azureml.kubernetes',
      configurationSettings: {
        enableInference: 'True',
        inferenceRouterServiceType: 'loadBalancer',
        allowInsecureConnections: 'True',
        ...configurationSettings,
      },
    },
    POLL,
  );

test('namespaces: the built-in ones, seeded ones, azureml-<workspace> of a v1 compute; 404 for others', async () => {
  h.emu.state.liveManagedCluster(DEMO.clusters.prod)!.namespaces.push('team-a');
  const { server, token } = await kubeconfig('user');
  const list = await call(`${server}/api/v1/namespaces`, token);
  expect(list.body.items.map((n: any) => n.metadata.name)).toEqual([
    'default',
    'kube-node-lease',
    'kube-public',
    'kube-system',
    'team-a',
  ]);
  expect((await call(`${server}/api/v1/namespaces/team-a`, token)).status).toBe(200);
  const missing = await call(`${server}/api/v1/namespaces/nope`, token);
  expect([missing.status, missing.body.reason]).toEqual([404, 'NotFound']);
  expect((await call(`${server}${DEPLOYMENT}`, token)).status).toBe(404);
});

test('azureml-fe next to a v1 compute: ready, annotated by merge patch (415 otherwise), 403 for a read-only user; E45005 until both are there', async () => {
  h.emu.state.putCompute({
    subscriptionId: DEMO.subscriptionId,
    resourceGroup: RG,
    workspaceName: WS,
    name: 'aks-v1',
    properties: { computeType: 'AKS', resourceId: DEMO.clusters.prod, properties: {} },
  });
  const user = await kubeconfig('user');
  const fe = await call(`${user.server}${DEPLOYMENT}`, user.token);
  expect(fe.body.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
  expect(fe.body.metadata.annotations).toEqual({});
  expect((await call(`${user.server}/api/v1/namespaces/azureml-${WS}`, user.token)).status).toBe(200);

  await expect(installAzureMl({ 'scoringFe.enableUpgrade': 'true' })).rejects.toThrow(/E45005/);

  expect(
    (await call(`${user.server}${DEPLOYMENT}`, user.token, 'PATCH', annotate('true'), 'application/json')).status,
  ).toBe(415);
  h.emu.state.liveManagedCluster(DEMO.clusters.prod)!.kubernetesReadOnly = true;
  const forbidden = await call(`${user.server}${DEPLOYMENT}`, user.token, 'PATCH', annotate('true'));
  expect([forbidden.status, forbidden.body.reason]).toEqual([403, 'Forbidden']);
  const admin = await kubeconfig('admin');
  const patched = await call(`${admin.server}${DEPLOYMENT}`, admin.token, 'PATCH', annotate('true'));
  expect(patched.body.metadata.annotations).toEqual({ 'azureml-fe-enable-upgrade': 'true' });

  await expect(installAzureMl({})).rejects.toThrow(/E45005/);
  const installed = await installAzureMl({ 'scoringFe.enableUpgrade': 'true' });
  expect(installed.provisioningState).toBe('Succeeded');

  const removed = await call(`${admin.server}${DEPLOYMENT}`, admin.token, 'PATCH', annotate(null));
  expect(removed.body.metadata.annotations).toEqual({});
});
