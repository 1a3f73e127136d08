/** The emulator's captured-shapes mode through the real SDK pipeline: signed status URLs are checked, shapes are Azure's. */
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { DEMO } from '../../testkit/demo-world';
import { RG, startHarness, WS, type Harness } from '../../testkit/emulator-clients';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ settings: { responseShapes: 'captured', attachMs: 2_000 } });
});
afterAll(() => h.close());

async function get(url: string): Promise<{ status: number; body: any }> {
  const r = await h.ml.sendRequest(createPipelineRequest({ url, method: 'GET' }));
  return { status: r.status, body: r.bodyAsText ? JSON.parse(r.bodyAsText) : undefined };
}

test('PUT: 201 with only a signed Azure-AsyncOperation; the status URL works only exactly as given', async () => {
  let statusUrl = '';
  let headers: string[] | undefined;
  await h.ml.computeOperations.beginCreateOrUpdate(
    RG,
    WS,
    'aks-prod',
    { location: DEMO.location, properties: { computeType: 'AKS', resourceId: DEMO.clusters.prod } },
    {
      onResponse: (raw) => {
        statusUrl ||= raw.headers.get('azure-asyncoperation') ?? '';
        headers ??= [...raw.headers].map(([k]) => k).filter((k) => /location|retry-after|asyncoperation/i.test(k));
      },
    },
  );
  expect(headers).toEqual(['azure-asyncoperation']);
  const u = new URL(statusUrl);
  expect([...u.searchParams.keys()]).toEqual(['api-version', 'service', 't', 'c', 's', 'h']);

  expect(await get(statusUrl)).toEqual({ status: 200, body: { status: 'InProgress' } });
  const altered = (name: string, value?: string) => {
    const v = new URL(statusUrl);
    if (value === undefined) v.searchParams.delete(name);
    else v.searchParams.set(name, value);
    return v.toString();
  };
  const tampered: Array<[string, string | undefined]> = [
    ['s', 'x' + u.searchParams.get('s')],
    ['t', '1'],
    ['h', undefined],
    ['c', undefined],
    ['service', 'old'],
  ];
  for (const [name, value] of tampered) {
    const r = await get(altered(name, value));
    expect([name, r.status, r.body.error.code]).toEqual([name, 401, 'InvalidAuthenticationToken']);
  }
  // A changed api-version is refused before the signature is looked at (ARM's own check).
  expect((await get(altered('api-version', '2023-04-01'))).status).toBeGreaterThanOrEqual(400);
  const put = h.emu.traffic.filter({ operationId: 'Compute_CreateOrUpdate' })[0];
  expect(put.responseBody).toEqual(expect.objectContaining({ tags: null }));
  const props = (put.responseBody as any).properties;
  expect(props.provisioningErrors).toBeNull();
  expect(props).not.toHaveProperty('provisioningWarnings');

  await new Promise((r) => setTimeout(r, 2_200));
  expect(await get(statusUrl)).toEqual({ status: 200, body: { status: 'Succeeded', percentComplete: 100 } });
  const got = await h.ml.computeOperations.get(RG, WS, 'aks-prod');
  expect(got.tags).toEqual({});
});

test('DELETE: answered 202, then 200, then 204 (rotating); 200 and 204 have removed the compute already', async () => {
  h.emu.settings.detachMs = 100;
  h.emu.settings.attachMs = 100;
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    if (!(await h.ml.computeOperations.list(RG, WS).next()).value)
      await h.ml.computeOperations.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'aks-prod',
        { location: DEMO.location, properties: { computeType: 'AKS', resourceId: DEMO.clusters.prod } },
        { updateIntervalInMs: 50 },
      );
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'aks-prod', 'Detach', {
      updateIntervalInMs: 50,
      onResponse: (raw) => void (raw.request.method === 'DELETE' && statuses.push(raw.status)),
    });
    expect(h.emu.state.getCompute(DEMO.subscriptionId, RG, WS, 'aks-prod')).toBeUndefined();
  }
  expect(statuses).toEqual([202, 200, 204]);
});
