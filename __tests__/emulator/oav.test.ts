/** oav as the referee: the emulator's ML traffic must match the 2022-10-01 swagger. */
import { DEMO } from '../../testkit/demo-world';
import { toOavTraffic, validateTrafficWithOav } from '../../emulator/tools/oav';
import type { TrafficEntry } from '../../emulator/server/traffic';
import { POLL, RG, startHarness, WS, type Harness } from '../../testkit/emulator-clients';

let h: Harness;
let recorded: TrafficEntry[];

beforeAll(async () => {
  h = await startHarness();
  const tls = h.emu.ca.issue({ commonName: 'ml.contoso.com', dnsNames: ['ml.contoso.com'] });
  await h.ml.workspaces.get(RG, WS);
  await h.ml.computeOperations.beginCreateOrUpdateAndWait(
    RG,
    WS,
    'oav-aks',
    {
      location: DEMO.location,
      tags: { owner: 'tests' },
      properties: {
        computeType: 'AKS',
        resourceId: DEMO.clusters.prod,
        description: 'attached by the tests',
        properties: {
          clusterPurpose: 'FastProd',
          loadBalancerType: 'PublicIp',
          sslConfiguration: { status: 'Enabled', cert: tls.certPem, key: tls.keyPem, cname: 'ml.contoso.com' },
        },
      },
    },
    POLL,
  );
  for await (const c of h.ml.computeOperations.list(RG, WS)) void c;
  await h.ml.computeOperations.get(RG, WS, 'oav-aks');
  await h.ml.computeOperations.listKeys(RG, WS, 'oav-aks');
  await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'oav-aks', 'Detach', POLL);
  await h.ml.computeOperations.get(RG, WS, 'oav-aks').catch(() => undefined); // 404 ErrorResponse
  recorded = h.emu.traffic.all();
});
afterAll(async () => {
  await h.close();
});

test('attach / get / list / listKeys / detach traffic passes oav with zero errors', async () => {
  const result = await validateTrafficWithOav(recorded);
  expect(result.errors).toEqual([]);
  expect(result.passedOperationIds).toEqual(
    expect.arrayContaining([
      'Workspaces_Get',
      'Compute_CreateOrUpdate',
      'Compute_Get',
      'Compute_List',
      'Compute_ListKeys',
      'Compute_Delete',
    ]),
  );
});

test('toOavTraffic keeps only ML operations, with string status codes', () => {
  const items = toOavTraffic(recorded);
  expect(items.length).toBe(recorded.filter((e) => e.kind === 'arm').length);
  expect(items.every((i) => typeof i.liveResponse.statusCode === 'string')).toBe(true);
  const put = items.find((i) => i.liveRequest.method === 'PUT')!;
  expect(put.liveResponse.statusCode).toBe('201');
  expect(Object.keys(put.liveResponse.headers).map((k) => k.toLowerCase())).toContain('azure-asyncoperation');
});

test('the referee catches a served secret, a flat error body and a bad enum value', async () => {
  const get = recorded.find((e) => e.operationId === 'Compute_Get' && e.status === 200)!;
  const leaked = structuredClone(get);
  (leaked.responseBody as any).properties.properties.sslConfiguration.key = '-----BEGIN PRIVATE KEY-----...';
  const notFound = structuredClone(recorded.find((e) => e.operationId === 'Compute_Get' && e.status === 404)!);
  notFound.responseBody = { code: 'NotFound', message: 'flat' };
  const badEnum = structuredClone(get);
  (badEnum.responseBody as any).properties.properties.clusterPurpose = 'Production';

  const r = await validateTrafficWithOav([leaked, notFound, badEnum]);
  const codes = r.errors.map((e) => e.code);
  expect(codes).toContain('SECRET_PROPERTY');
  expect(codes).toContain('OBJECT_ADDITIONAL_PROPERTIES');
  expect(r.errors).toContainEqual(
    expect.objectContaining({ code: 'ENUM_MISMATCH', issueSource: 'response', operationId: 'Compute_Get' }),
  );
  expect(r.passedOperationIds).toEqual([]);
});
