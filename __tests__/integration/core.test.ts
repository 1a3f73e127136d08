/**
 * The core in-process with the real @azure/identity and @azure/arm-machinelearning clients,
 * over HTTPS to the emulator (its CA trusted in this process).
 */
import { trustCaInProcess, type Emulator } from '../../emulator';
import { resolveCloud } from '../../src/core/azure/cloud';
import type { InputName } from '../../src/core/contract/inputs';
import { runStep } from '../../src/core/step';
import { recordingPlatform } from '../../testkit/recording-platform';
import { githubInputs, startWorld } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';

let emulator: Emulator;
let untrust: () => void;
beforeAll(async () => {
  emulator = await startWorld();
  untrust = trustCaInProcess(emulator.caCertPem);
});
afterAll(async () => {
  untrust();
  await emulator.stop();
});

function step(extra: Record<string, string> = {}) {
  const values = githubInputs(emulator, extra);
  const platform = recordingPlatform();
  const done = runStep(platform, () => ({
    readInput: (name: InputName) => values[name]?.trim() || undefined,
    displayName: (name) => name,
    auth: { kind: 'client-secret', tenantId: DEMO.tenantId, clientId: DEMO.clientId, clientSecret: DEMO.clientSecret },
    cloud: resolveCloud({ armEndpoint: emulator.url, authorityHost: emulator.url }),
  }));
  return { platform, done };
}

test('attach: report, outputs, summary and one token request', async () => {
  const tokensBefore = emulator.tokenRequests(DEMO.clientId);
  const { platform, done } = step();
  const report = await done;
  expect(platform.failures).toEqual([]);
  expect(report?.result).toBe('attached');
  expect(report?.tokenRequests).toBe(1);
  expect(emulator.tokenRequests(DEMO.clientId) - tokensBefore).toBe(1);
  expect(platform.outputs.result).toBe('attached');
  expect(platform.outputs['cluster-id']?.toLowerCase()).toBe(DEMO.clusters.prod.toLowerCase());
  expect(platform.summaries[0]).toContain(': attached');
  expect(platform.lines).toContain('group: Attach aks-prod');
});

test('ensure on the attached compute reads once and writes nothing', async () => {
  emulator.traffic.clear();
  const { platform, done } = step();
  expect((await done)?.result).toBe('unchanged');
  expect(platform.failures).toEqual([]);
  const arm = emulator.traffic.all().filter((e) => e.kind === 'arm');
  expect(arm.map((e) => `${e.method} ${e.operationId}`)).toEqual(['GET Compute_Get']);
});

test('the TLS key is masked line by line before any request and never echoed', async () => {
  const cert = emulator.ca.issue({
    commonName: 'scoring.contoso.com',
    dnsNames: ['scoring.contoso.com'],
    keyType: 'rsa',
  });
  // Azure answers the PUT with an error that quotes the request body, key included (as some services do).
  emulator.faults.add({
    match: { method: 'PUT', path: '/computes/aks-tls' },
    action: {
      status: 400,
      body: {
        error: {
          code: 'InvalidRequestContent',
          message: `cannot read ${JSON.stringify({ sslConfiguration: { key: cert.keyPem } })}`,
        },
      },
    },
  });
  const { platform, done } = step({
    'compute-name': 'aks-tls',
    'aks-resource-id': DEMO.clusters.small,
    'cluster-purpose': 'dev-test',
    tls: 'custom',
    'tls-cert': cert.chainPem,
    'tls-key': cert.keyPem,
    'tls-cname': 'scoring.contoso.com',
  });
  await done;
  const keyLines = cert.keyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
  expect(keyLines.length).toBeGreaterThan(5);
  for (const line of keyLines) expect(platform.masked).toContain(line);
  const everything = [
    ...platform.lines,
    ...platform.failures,
    ...platform.summaries,
    ...Object.values(platform.outputs),
  ].join('\n');
  expect(platform.failures.length).toBe(1);
  for (const line of keyLines) expect(everything).not.toContain(line);
  // The service echoed the key; the product scrubbed it.
  expect(platform.failures[0]).toMatch(/InvalidRequestContent: cannot read .*(\[redacted PEM\]|\*\*\*)/);
});
