/**
 * Zero secret bytes in what the Azure DevOps task makes visible, with SYSTEM_DEBUG=true (task-lib
 * echoes inputs and endpoint parameters in debug lines) and AZURE_LOG_LEVEL=verbose, and an Azure
 * that quotes request bodies in its errors. `##vso[task.setsecret]` lines are how the agent learns
 * masks and never reach the log; they are not scanned.
 */
import type { Emulator } from '../../emulator';
import { adoSeed, certificate, runTask, type TaskRun } from '../../testkit/run-task';
import { DEMO } from '../../testkit/demo-world';
import { LIFECYCLE_OPERATIONS, refereeEachTest } from '../../testkit/referee';
import { SecretScanner, visibleOf } from '../../testkit/secret-scan';
import { startWorld } from '../../testkit/world';

const DEBUG_ENV = { SYSTEM_DEBUG: 'true', AZURE_LOG_LEVEL: 'verbose' };
let emulator: Emulator;
beforeEach(async () => {
  emulator = await startWorld({ seed: adoSeed(), settings: { echoRequestBodyInErrors: true } });
});
refereeEachTest(() => emulator, { expectOperations: LIFECYCLE_OPERATIONS });

const inputs = (extra: Record<string, string> = {}) => ({
  resourceGroup: DEMO.resourceGroup,
  workspaceName: DEMO.workspaceName,
  computeName: 'aks-prod',
  aksResourceId: DEMO.clusters.prod,
  ...extra,
});
const tlsCert = () =>
  emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'], keyType: 'rsa' });
const tls = (c: { chainPem: string; keyPem: string }) => ({
  tls: 'custom',
  tlsCert: c.chainPem,
  tlsKey: c.keyPem,
  tlsCname: 'scoring.contoso.com',
});

function scan(r: TaskRun, ...pems: string[]) {
  const scanner = new SecretScanner()
    .addDemoSecrets()
    .addEmulator(emulator)
    .addPem('service connection certificate key', certificate.keyPem);
  for (const pem of pems) scanner.addPem('TLS key', pem);
  return scanner.scan(visibleOf(r));
}

function expectDebugOn(r: TaskRun): void {
  expect(r.stdout).toContain('##vso[task.debug]');
  expect(r.stderr).toMatch(/azure:core-rest-pipeline:info Request/);
}

test('certificate connection, custom TLS, attach then refresh, all debug on: zero secret bytes', async () => {
  const c = tlsCert();
  const attached = await runTask(emulator, inputs(tls(c)), { scheme: 'certificate', env: DEBUG_ENV });
  const refreshed = await runTask(emulator, inputs({ ...tls(c), operation: 'refresh' }), {
    scheme: 'certificate',
    env: DEBUG_ENV,
  });
  expect([attached.outputs.result, refreshed.outputs.result]).toEqual(['attached', 'reattached']);
  for (const r of [attached, refreshed]) {
    expectDebugOn(r);
    expect(r.masked.length).toBeGreaterThan(0);
    expect(scan(r, c.keyPem)).toEqual([]);
  }
});

test('a failing PUT whose error quotes the request body (TLS key included): reported with its code, without the key', async () => {
  const c = tlsCert();
  emulator.faults.add({
    match: { method: 'PUT', kind: 'arm' },
    action: {
      status: 400,
      body: { error: { code: 'InvalidRequestContent', message: 'The request content was invalid.' } },
    },
  });
  const r = await runTask(emulator, inputs(tls(c)), { env: DEBUG_ENV });
  expect(r.completed).toBe('Failed');
  expectDebugOn(r);
  expect(JSON.stringify(emulator.traffic.filter({ method: 'PUT', kind: 'arm' })[0].responseBody)).toContain(
    c.keyPem.split('\n')[2],
  );
  expect(r.errors.join('\n')).toMatch(/InvalidRequestContent: The request content was invalid\./);
  expect(scan(r, c.keyPem)).toEqual([]);
});

test('a wrong service principal key, quoted back by the token endpoint: not shown', async () => {
  const r = await runTask(emulator, inputs(), { clientSecret: 'wrong-secret-value-456', env: DEBUG_ENV });
  expect(r.completed).toBe('Failed');
  expect(r.errors.join('\n')).toMatch(/AADSTS7000215/);
  expect(JSON.stringify(emulator.traffic.filter({ kind: 'token', method: 'POST' })[0].responseBody)).toContain(
    'wrong-secret-value-456',
  );
  expect(
    new SecretScanner()
      .addDemoSecrets()
      .addEmulator(emulator)
      .add('wrong key', 'wrong-secret-value-456')
      .scan(visibleOf(r)),
  ).toEqual([]);
});

test('workload identity federation with short-lived tokens during a long attach: no job token, ID token or access token shown', async () => {
  emulator.settings.tokenLifetimeSeconds = 5;
  emulator.settings.oidcTokenLifetimeSeconds = 5;
  emulator.settings.attachMs = 3_000;
  const r = await runTask(emulator, inputs(), { scheme: 'wif', env: DEBUG_ENV });
  expect(r.outputs.result).toBe('attached');
  expectDebugOn(r);
  expect(emulator.traffic.filter({ kind: 'oidc', method: 'POST' }).length).toBeGreaterThanOrEqual(2);
  expect(scan(r)).toEqual([]);
});
