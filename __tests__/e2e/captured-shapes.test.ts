/**
 * The lifecycle against answers shaped the way Azure really sends them (settings.responseShapes
 * 'captured', emulator/arm/captured-shapes.ts): PUT 201 with only a signed Azure-AsyncOperation,
 * status bodies without id or name, nulls, cname "" under Auto, DELETE answered 200/202/204.
 * Both bundles; the oav referee checks every exchange. Also: a failure whose reason Azure gives
 * only in error.details[] shows that reason, in the step's error and in the summary.
 */
import type { Emulator, OperationOutcome, TrafficEntry } from '../../emulator';
import { DEMO, seedAttachedCompute } from '../../testkit/demo-world';
import { errorsOf } from '../../testkit/fault-kit';
import { LIFECYCLE_OPERATIONS, refereeEachTest } from '../../testkit/referee';
import { runAction } from '../../testkit/run-action';
import { adoSeed, runTask, type TaskRun } from '../../testkit/run-task';
import { githubInputs, startWorld } from '../../testkit/world';

let emulator: Emulator | undefined;
const world = (): Emulator => emulator!;
beforeEach(async () => {
  emulator = await startWorld({ seed: adoSeed(), settings: { responseShapes: 'captured' } });
});
refereeEachTest(() => emulator, { expectOperations: LIFECYCLE_OPERATIONS });

const run = (extra: Record<string, string> = {}) =>
  runAction({ inputs: githubInputs(world(), extra), caCertPath: world().caCertPath });
const task = (extra: Record<string, string> = {}) =>
  runTask(world(), {
    resourceGroup: DEMO.resourceGroup,
    workspaceName: DEMO.workspaceName,
    computeName: 'aks-prod',
    aksResourceId: DEMO.clusters.prod,
    ...extra,
  });
const compute = () => world().state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod');
const arm = (method: string) =>
  world()
    .traffic.all()
    .filter((e) => e.kind === 'arm' && e.method === method);
const statusPolls = () =>
  world()
    .traffic.all()
    .filter((e) => e.kind === 'lro');
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/** The status GETs went to the signed URLs exactly as Azure gave them, and none was refused. */
function expectSignedUrlsUsedAsGiven(): void {
  const given = new Set(
    world()
      .traffic.all()
      .filter((e) => e.kind === 'arm')
      .map((e) => e.responseHeaders['azure-asyncoperation'])
      .filter(Boolean),
  );
  const polls = statusPolls();
  for (const p of polls) {
    expect(p.status).toBe(200);
    expect(given.has(p.url)).toBe(true);
    expect(new URL(p.url).searchParams.get('s')).toBeTruthy();
    expect(p.responseBody).not.toHaveProperty('id');
  }
}

function expectPutAnsweredAsAzureDoes(put: TrafficEntry): void {
  expect(put.status).toBe(201);
  expect(
    Object.keys(put.responseHeaders).filter((h) => /^(location|retry-after|azure-asyncoperation)$/i.test(h)),
  ).toEqual(['azure-asyncoperation']);
  expect(put.responseBody).toEqual(expect.objectContaining({ tags: null }));
}

test('GitHub: attach, unchanged, refresh (DELETE 202), refresh (DELETE 200), detach (DELETE 204)', async () => {
  const attached = await run();
  expect({ exit: attached.exitCode, stderr: attached.stderr }).toEqual({ exit: 0, stderr: '' });
  expect(attached.outputs.result).toBe('attached');
  expect(attached.outputs.endpoint).toMatch(IPV4);
  expectPutAnsweredAsAzureDoes(arm('PUT')[0]);
  expect(
    statusPolls()
      .map((p) => (p.responseBody as { status: string }).status)
      .pop(),
  ).toBe('Succeeded');
  expect(statusPolls().pop()?.responseBody).toEqual({ status: 'Succeeded', percentComplete: 100 });
  expectSignedUrlsUsedAsGiven();

  world().traffic.clear();
  expect((await run()).outputs.result).toBe('unchanged');
  expect(arm('PUT').length + arm('DELETE').length).toBe(0);

  for (const deleteStatus of [202, 200]) {
    world().traffic.clear();
    const refreshed = await run({ operation: 'refresh' });
    expect(refreshed.exitCode).toBe(0);
    expect(refreshed.outputs.result).toBe('reattached');
    expect(arm('DELETE').map((e) => e.status)).toEqual([deleteStatus]);
    expect(arm('PUT').map((e) => e.status)).toEqual([201]);
    expectSignedUrlsUsedAsGiven();
  }

  world().traffic.clear();
  const detached = await run({ operation: 'detach' });
  expect(detached.outputs.result).toBe('detached');
  expect(arm('DELETE').map((e) => e.status)).toEqual([204]);
  expect(compute()).toBeUndefined();
  expect(world().state.getManagedCluster(DEMO.clusters.prod)).toBeDefined();
});

test('GitHub, tls auto: Azure reports cname "" → the endpoint is the scoring IP, never clusterFqdn', async () => {
  const result = await run({ tls: 'auto', 'leaf-domain-label': 'contoso' });
  expect(result.exitCode).toBe(0);
  expect(result.outputs.result).toBe('attached');
  const get = arm('GET')
    .filter((e) => e.operationId === 'Compute_Get' && e.status === 200)
    .pop()!;
  const aks = (get.responseBody as { properties: { properties: Record<string, any> } }).properties.properties;
  expect(aks.sslConfiguration).toEqual(expect.objectContaining({ status: 'Auto', cert: null, key: null, cname: '' }));
  expect(aks.clusterFqdn).toBeTruthy();
  expect(result.outputs.endpoint).toBe(aks.systemServices[0].publicIpAddress);
  expect(result.outputs.endpoint).not.toBe(aks.clusterFqdn);
  expect(result.summary).not.toContain(aks.clusterFqdn);
  expect(result.stdout).not.toContain(`endpoint: ${aks.clusterFqdn}`);
});

test('GitHub, tls keep of an Auto compute (cname ""): reattached with the certificate\'s own DNS name as cname', async () => {
  const fqdn = 'contosoab12cd.eastus.cloudapp.azure.com';
  const served = world().ca.issue({ commonName: fqdn, dnsNames: [fqdn] });
  seedAttachedCompute(world(), {
    aks: { sslConfiguration: { status: 'Auto', leafDomainLabel: 'contoso' }, clusterFqdn: 'aks-prod' },
    tls: { certPem: served.chainPem, keyPem: served.keyPem },
  });
  const result = await run({ operation: 'refresh', tls: 'keep' });
  expect(result.exitCode).toBe(0);
  expect(result.outputs.result).toBe('reattached');
  const ssl = (compute()!.properties.properties as Record<string, Record<string, unknown>>).sslConfiguration;
  expect(ssl).toEqual(expect.objectContaining({ status: 'Enabled', cname: fqdn }));
  expect(compute()!.tls!.certPem).toBe(served.chainPem);
  // The certificate is read once, for keep: not a second time for its expiry.
  expect(
    world()
      .traffic.all()
      .filter((e) => /listClusterUserCredential$/i.test(e.path)),
  ).toHaveLength(1);
  expectSignedUrlsUsedAsGiven();
});

/** Azure's way: the outer error says nothing, the reason is a detail (Azure/azure-cli-extensions#515). */
const BAD_REQUEST: OperationOutcome = {
  code: 'BadRequest',
  message: 'The request is invalid',
  details: [
    {
      code: 'BadRequestFormat',
      message: 'Specified kubernetes version 1.12.4 is not supported',
      details: [{ code: 'SupportedVersions', message: 'Use 1.29 or later' }],
    },
  ],
};
const SHOWN = [
  'BadRequest: The request is invalid',
  '  BadRequestFormat: Specified kubernetes version 1.12.4 is not supported',
  '    SupportedVersions: Use 1.29 or later',
].join('\n');

test('GitHub: an attach operation that ends Failed with the reason only in details shows it, in the error and the summary', async () => {
  world().settings.failNextOperation = BAD_REQUEST;
  const failed = await run();
  expect(failed.exitCode).toBe(1);
  expect(errorsOf(failed)).toContain(SHOWN);
  expect(failed.summary).toContain(SHOWN);
  expect(errorsOf(failed)).toMatch(/was not attached\. Re-running the same step tries again/);
  const stored = compute()!.properties.provisioningErrors as Array<{ error: OperationOutcome }>;
  expect(stored[0].error.details?.[0].code).toBe('BadRequestFormat');
  expectSignedUrlsUsedAsGiven();

  // Re-run: the Failed compute is repaired; the plan names Azure's reason.
  const rerun = await run();
  expect(rerun.outputs.result).toBe('reattached');
  expect(rerun.stdout).toContain('BadRequestFormat: Specified kubernetes version 1.12.4 is not supported');
});

test('GitHub: a PUT refused synchronously with the reason only in details shows it', async () => {
  world().faults.add({
    match: { method: 'PUT', path: '/computes/aks-prod' },
    action: { status: 400, body: { error: BAD_REQUEST } },
  });
  const failed = await run();
  expect(failed.exitCode).toBe(1);
  expect(errorsOf(failed)).toContain(SHOWN);
  expect(failed.summary).toContain(SHOWN);
});

function expectTaskSucceeded(r: TaskRun): void {
  expect({ completed: r.completed, errors: r.errors, stderr: r.stderr }).toEqual({
    completed: undefined,
    errors: [],
    stderr: '',
  });
}

test('Azure DevOps: attach, then refresh', async () => {
  const attached = await task();
  expectTaskSucceeded(attached);
  expect(attached.outputs.result).toBe('attached');
  expect(attached.outputs.endpoint).toMatch(IPV4);
  expectPutAnsweredAsAzureDoes(arm('PUT')[0]);

  world().traffic.clear();
  const refreshed = await task({ operation: 'refresh' });
  expectTaskSucceeded(refreshed);
  expect(refreshed.outputs.result).toBe('reattached');
  expectSignedUrlsUsedAsGiven();
});

test('Azure DevOps: a failed attach whose reason is only in details shows it, in the error and the summary', async () => {
  world().settings.failNextOperation = BAD_REQUEST;
  const failed = await task();
  expect(failed.completed).toBe('Failed');
  expect(failed.errors.join('\n')).toContain(SHOWN);
  expect(failed.summary).toContain(SHOWN);
  expect(failed.errors.join('\n')).toMatch(/was not attached\. Re-running the same step tries again/);
});
