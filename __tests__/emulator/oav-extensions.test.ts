/**
 * The referee loads the vendored specs: the KubernetesConfiguration 2023-05-01 extensions swagger
 * next to the ML one (exchanges built from its upstream examples), and a missing spec fails
 * naming the path it looked for.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { specificationDir, SWAGGER_FILES, swaggerPaths, validateTrafficWithOav } from '../../emulator/tools/oav';
import type { TrafficEntry } from '../../emulator/server/traffic';

const STABLE = 'kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01';
const EXTENSION_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{clusterRp}/{clusterResourceName}/{clusterName}/providers/Microsoft.KubernetesConfiguration/extensions/{extensionName}';

interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
}

function example(name: string): Example {
  return JSON.parse(fs.readFileSync(path.join(specificationDir(), STABLE, 'examples', name), 'utf8')) as Example;
}

/** A recorded exchange as the emulator would log it, from an upstream x-ms-example. */
function exchange(
  method: string,
  operationId: string,
  ex: Example,
  status: string,
  requestBody?: unknown,
): TrafficEntry {
  const p = EXTENSION_PATH.replace(/\{(\w+)\}/g, (_, k: string) => String(ex.parameters[k]));
  const res = ex.responses[status];
  return {
    seq: 1,
    time: new Date(0).toISOString(),
    method,
    url: `https://127.0.0.1:8443${p}?api-version=${String(ex.parameters['api-version'])}`,
    path: p,
    query: { 'api-version': String(ex.parameters['api-version']) },
    requestHeaders: {},
    requestBody,
    status: Number(status),
    responseHeaders: res.headers ?? {},
    responseBody: res.body,
    kind: 'arm',
    operationId,
  };
}

test('the vendored specification folder is the default and holds the three swagger files', () => {
  if (!process.env.AZURE_REST_API_SPECS) {
    expect(specificationDir()).toBe(path.resolve(__dirname, '../../specs/azure-rest-api-specs/specification'));
  }
  expect(swaggerPaths().map((f) => path.basename(f))).toEqual([
    'machineLearningServices.json',
    'extensions.json',
    'secrets.json',
  ]);
});

test('an extension Get and Create from the upstream examples pass; a Create with a read-only field and a Patch with extensionType fail', async () => {
  const get = exchange('GET', 'Extensions_Get', example('GetExtension.json'), '200');
  const create = example('CreateExtension.json');
  const put = exchange('PUT', 'Extensions_Create', create, '201', create.parameters.extension);
  const valid = await validateTrafficWithOav([get, put]);
  expect(valid.errors).toEqual([]);
  expect(valid.passedOperationIds.sort()).toEqual(['Extensions_Create', 'Extensions_Get']);

  const readOnlyInRequest = structuredClone(put);
  (readOnlyInRequest.requestBody as { properties: Record<string, unknown> }).properties.provisioningState = 'Succeeded';
  const patch = example('PatchExtension.json');
  const badPatch = exchange('PATCH', 'Extensions_Update', patch, '200', {
    ...(patch.parameters.patchExtension as object),
    properties: {
      ...(patch.parameters.patchExtension as { properties: object }).properties,
      extensionType: 'azuremonitor-containers',
    },
  });
  const invalid = await validateTrafficWithOav([readOnlyInRequest, badPatch]);
  expect(invalid.passedOperationIds).toEqual([]);
  expect(invalid.errors).toContainEqual(
    expect.objectContaining({
      operationId: 'Extensions_Create',
      issueSource: 'request',
      code: 'READONLY_PROPERTY_NOT_ALLOWED_IN_REQUEST',
    }),
  );
  expect(invalid.errors).toContainEqual(
    expect.objectContaining({
      operationId: 'Extensions_Update',
      issueSource: 'request',
      code: 'OBJECT_ADDITIONAL_PROPERTIES',
    }),
  );
});

describe('a missing spec is a clear error naming the path', () => {
  const saved = process.env.AZURE_REST_API_SPECS;
  afterEach(() => {
    if (saved === undefined) delete process.env.AZURE_REST_API_SPECS;
    else process.env.AZURE_REST_API_SPECS = saved;
  });

  test('missing folder', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-specs', 'specification');
    process.env.AZURE_REST_API_SPECS = missing;
    expect(() => swaggerPaths()).toThrow(`REST specification folder not found: ${missing}`);
    await jest.isolateModulesAsync(async () => {
      const fresh = await import('../../emulator/tools/oav');
      await expect(fresh.validateTrafficWithOav([])).rejects.toThrow(missing);
    });
  });

  test('missing swagger file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'specs-'));
    fs.mkdirSync(path.dirname(path.join(dir, SWAGGER_FILES[0])), { recursive: true });
    fs.copyFileSync(path.join(swaggerPaths()[0]), path.join(dir, SWAGGER_FILES[0]));
    process.env.AZURE_REST_API_SPECS = dir;
    expect(() => swaggerPaths()).toThrow(`swagger file(s) not found: ${path.join(dir, SWAGGER_FILES[1])}`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
