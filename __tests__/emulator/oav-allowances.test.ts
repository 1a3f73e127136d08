/** The referee accepts exactly sslConfiguration.renew on Compute_CreateOrUpdate requests, and stays strict everywhere else. */
import { validateTrafficWithOav } from '../../emulator/tools/oav';
import type { TrafficEntry } from '../../emulator/server/traffic';

const URL =
  'https://management.azure.com/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/aks-prod?api-version=2022-10-01';
const CLUSTER =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod';

const resource = (ssl: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/aks-prod',
  name: 'aks-prod',
  type: 'Microsoft.MachineLearningServices/workspaces/computes',
  location: 'eastus',
  properties: { computeType: 'AKS', resourceId: CLUSTER, properties: { sslConfiguration: ssl, ...extra } },
});

function exchange(method: string, requestBody: unknown, responseBody: unknown, status = 201): TrafficEntry {
  return {
    seq: 1,
    time: new Date().toISOString(),
    method,
    url: URL,
    path: new globalThis.URL(URL).pathname,
    query: { 'api-version': '2022-10-01' },
    requestHeaders: {},
    requestBody,
    status,
    responseHeaders:
      status === 201 ? { 'azure-asyncoperation': 'https://management.azure.com/x?api-version=2022-10-01' } : {},
    responseBody,
    kind: 'arm',
    operationId: method === 'PUT' ? 'Compute_CreateOrUpdate' : 'Compute_Get',
  };
}

const renewing = { status: 'Auto', leafDomainLabel: 'contoso', renew: true };
const served = { status: 'Auto', leafDomainLabel: 'contoso' };
const put = (body: ReturnType<typeof resource>) => {
  const { id: _id, name: _name, type: _type, ...writable } = body;
  return writable;
};

test('renew in the sslConfiguration of a Compute_CreateOrUpdate request is accepted', async () => {
  const result = await validateTrafficWithOav([exchange('PUT', put(resource(renewing)), resource(served))]);
  expect(result.errors).toEqual([]);
  expect(result.passedOperationIds).toEqual(['Compute_CreateOrUpdate']);
});

test.each([
  ['another unknown property next to renew', put(resource({ ...renewing, rotate: true })), resource(served), 'request'],
  ['renew elsewhere in the request', put(resource(served, { renew: true })), resource(served), 'request'],
  ['renew in the response', put(resource(served)), resource(renewing), 'response'],
])('%s still fails', async (_title, request, response, source) => {
  const result = await validateTrafficWithOav([exchange('PUT', request, response)]);
  expect(result.errors).toEqual([
    expect.objectContaining({ issueSource: source, code: 'OBJECT_ADDITIONAL_PROPERTIES' }),
  ]);
});
