/**
 * Zero secret bytes in anything a GitHub run makes visible — stdout, stderr, step outputs, the job
 * summary, error messages — with every debug switch on (RUNNER_DEBUG, ACTIONS_STEP_DEBUG,
 * AZURE_LOG_LEVEL=verbose) and an Azure that quotes request bodies in its errors (the TLS key
 * included). Secrets: the client secret, TLS key lines, access tokens, OIDC ID tokens, client
 * assertions, signed query parameters of operation-status URLs. `::add-mask::` lines are how the
 * runner learns masks and never reach the log; they are not scanned.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../emulator';
import { runAction, type ActionRun } from '../../testkit/run-action';
import { computeOf, errorsOf, mutating, seedCompute } from '../../testkit/fault-kit';
import { DEMO } from '../../testkit/demo-world';
import { LIFECYCLE_OPERATIONS, refereeEachTest } from '../../testkit/referee';
import { SecretScanner, visibleOf } from '../../testkit/secret-scan';
import { startSigningProxy } from '../../testkit/signing-proxy';
import { githubInputs, startWorld } from '../../testkit/world';

const DEBUG_ENV = { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true', AZURE_LOG_LEVEL: 'verbose' };
let emulator: Emulator;
beforeEach(async () => {
  emulator = await startWorld({ settings: { echoRequestBodyInErrors: true } });
});
refereeEachTest(() => emulator, { expectOperations: LIFECYCLE_OPERATIONS });

const cert = () =>
  emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'], keyType: 'rsa' });
const tlsInputs = (c: { chainPem: string; keyPem: string }) => ({
  tls: 'custom',
  'tls-cert': c.chainPem,
  'tls-key': c.keyPem,
  'tls-cname': 'scoring.contoso.com',
});
const keyLine = (pem: string) => pem.split('\n').find((l) => l.length > 40 && !l.startsWith('-----'))!;

function run(extra: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: githubInputs(emulator, extra),
    caCertPath: emulator.caCertPath,
    env: { ...DEBUG_ENV, ...env },
  });
}

function scan(r: ActionRun, ...pems: string[]) {
  const scanner = new SecretScanner().addDemoSecrets().addEmulator(emulator);
  for (const pem of pems) scanner.addPem('TLS key', pem);
  return scanner.scan(visibleOf(r));
}

/** Debug output was really on: the SDK's verbose log is on stderr (the product's ::debug:: lines come only with progress). */
function expectDebugOn(r: ActionRun): void {
  expect(r.stderr).toMatch(/azure:core-rest-pipeline:info Request/);
  expect(r.stderr).toMatch(/azure:identity:info/);
}

test('attach, unchanged and refresh with a custom TLS certificate, all debug logging on: zero secret bytes', async () => {
  const c = cert();
  const runs = [await run(tlsInputs(c)), await run(tlsInputs(c)), await run({ ...tlsInputs(c), operation: 'refresh' })];
  expect(runs.map((r) => r.outputs.result)).toEqual(['attached', 'unchanged', 'reattached']);
  // The key went to Azure (twice), so there was something to leak.
  expect(
    emulator.traffic
      .filter({ method: 'PUT', kind: 'arm' })
      .every((e) => JSON.stringify(e.requestBody).includes(keyLine(c.keyPem))),
  ).toBe(true);
  for (const r of runs) {
    expectDebugOn(r);
    expect(scan(r, c.keyPem)).toEqual([]);
  }
});

test('the RestError leak path: a failing PUT whose error quotes the request body (TLS key included), AZURE_LOG_LEVEL=verbose', async () => {
  const c = cert();
  emulator.faults.add({
    match: { method: 'PUT', kind: 'arm' },
    action: {
      status: 400,
      body: { error: { code: 'InvalidRequestContent', message: 'The request content was invalid.' } },
    },
  });
  const r = await run(tlsInputs(c));
  expect(r.exitCode).toBe(1);
  expectDebugOn(r);
  // Azure's answer carried the key…
  const put = emulator.traffic.filter({ method: 'PUT', kind: 'arm' })[0];
  expect(JSON.stringify(put.responseBody)).toContain(keyLine(c.keyPem));
  // …the step reports the error with its code, and without the key.
  expect(errorsOf(r)).toMatch(
    /InvalidRequestContent: The request content was invalid\. Request body: .*"key":"\[redacted PEM\]/,
  );
  expect(scan(r, c.keyPem)).toEqual([]);
  expect(mutating(emulator.traffic.all()).map((e) => e.status)).toEqual([400]);
});

test("a wrong client secret, quoted back by the token endpoint, with identity's verbose log on: neither secret shows", async () => {
  const r = await run({ 'client-secret': 'wrong-secret-value-123' });
  expect(r.exitCode).toBe(1);
  expect(errorsOf(r)).toMatch(/AADSTS7000215/);
  // The token endpoint quoted the request body (client_secret=…) in its error description.
  const post = emulator.traffic.filter({ kind: 'token', method: 'POST' })[0];
  expect(JSON.stringify(post.responseBody)).toContain('client_secret=wrong-secret-value-123');
  expect(r.stderr).toMatch(/azure:identity/);
  expect(
    new SecretScanner()
      .addDemoSecrets()
      .addEmulator(emulator)
      .add('wrong secret', 'wrong-secret-value-123')
      .scan(visibleOf(r)),
  ).toEqual([]);
});

test('GitHub OIDC with short-lived tokens, all debug logging on: no ID token, assertion or access token shows', async () => {
  emulator.settings.tokenLifetimeSeconds = 5;
  emulator.settings.oidcTokenLifetimeSeconds = 5;
  emulator.settings.attachMs = 3_000;
  const inputs = githubInputs(emulator);
  delete inputs['client-secret'];
  const r = await runAction({
    inputs,
    caCertPath: emulator.caCertPath,
    env: {
      ...DEBUG_ENV,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${emulator.url}/github-oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEMO.githubRequestToken,
    },
  });
  expect(r.outputs.result).toBe('attached');
  expectDebugOn(r);
  const scanner = new SecretScanner().addDemoSecrets().addEmulator(emulator);
  expect(emulator.traffic.filter({ kind: 'oidc' }).length).toBeGreaterThanOrEqual(2);
  expect(scanner.size).toBeGreaterThanOrEqual(6);
  expect(scanner.scan(visibleOf(r))).toEqual([]);
});

test('signed operation-status URLs (sig=, skoid=): never printed, also when a status poll is refused and the error names the URL', async () => {
  const proxy = await startSigningProxy(emulator);
  try {
    emulator.settings.attachMs = 2_000;
    emulator.faults.add({ match: { kind: 'lro' }, action: { status: 404, body: {} } });
    const r = await runAction({
      inputs: { ...githubInputs(emulator), 'arm-endpoint': proxy.url, 'authority-host': proxy.url },
      caCertPath: emulator.caCertPath,
      env: DEBUG_ENV,
    });
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(
      /the status of PUT .* could not be read: HTTP 404 from https:\/\/127\.0\.0\.1:\d+\/subscriptions\/[\w-]+\/providers\/Microsoft\.MachineLearningServices\/locations\/eastus\/computeOperationsStatus\/[\w-]+\?api-version=2022-10-01/,
    );
    expect(proxy.signatures.length).toBeGreaterThan(0);
    const scanner = new SecretScanner().addDemoSecrets().addEmulator(emulator);
    for (const sig of proxy.signatures) scanner.add('status URL signature', sig);
    expect(scanner.scan(visibleOf(r))).toEqual([]);
  } finally {
    await proxy.stop();
  }
});

describe('TLS material never touches disk except where the user gave a file', () => {
  /** Files under `dir` (recursively) changed since `since` whose content holds `needle`. */
  function filesWith(dir: string, needle: string, since: number, skip = /node_modules|\.git$/): string[] {
    const found: string[] = [];
    const walk = (d: string) => {
      let entries: string[];
      try {
        entries = readdirSync(d);
      } catch {
        return;
      }
      for (const name of entries) {
        const p = join(d, name);
        if (skip.test(p)) continue;
        let st;
        try {
          st = statSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory()) walk(p);
        else if (st.isFile() && st.mtimeMs >= since && st.size < 5_000_000 && readFileSync(p, 'utf8').includes(needle))
          found.push(p);
      }
    };
    walk(dir);
    return found;
  }

  test.each([
    ['the key given as text', false],
    ['the key given as a file', true],
  ])('%s: after a refresh, no file written by the run holds a key line', async (_name, asFile) => {
    const c = cert();
    const work = mkdtempSync(join(tmpdir(), 'tls-disk-'));
    const [home, tmp, runnerTemp, user] = ['home', 'tmp', 'runner-temp', 'user'].map((d) => join(work, d));
    [home, tmp, runnerTemp, user].forEach((d) => mkdirSync(d));
    let inputs: Record<string, string> = tlsInputs(c);
    if (asFile) {
      writeFileSync(join(user, 'cert.pem'), c.chainPem);
      writeFileSync(join(user, 'key.pem'), c.keyPem);
      inputs = {
        tls: 'custom',
        'tls-cert-file': join(user, 'cert.pem'),
        'tls-key-file': join(user, 'key.pem'),
        'tls-cname': 'scoring.contoso.com',
      };
    }
    seedCompute(emulator);
    const since = Date.now() - 1_000;
    const r = await run(
      { ...inputs, operation: 'refresh' },
      { HOME: home, TMPDIR: tmp, TMP: tmp, TEMP: tmp, RUNNER_TEMP: runnerTemp },
    );
    expect(r.outputs.result).toBe('reattached');
    expect(computeOf(emulator)?.tls?.keyPem).toBeDefined();
    const line = keyLine(c.keyPem);
    expect(filesWith(work, line, since).filter((f) => !f.startsWith(user))).toEqual([]);
    // Nor next to the bundle, nor in the shared temp directory.
    expect(filesWith(join(__dirname, '../../dist'), line, since)).toEqual([]);
    expect(filesWith(tmpdir(), line, since, /node_modules|\.git$|tls-disk-|jest_/)).toEqual([]);
    expect(scan(r, c.keyPem)).toEqual([]);
  });
});

describe('HTTPS only', () => {
  test.each([
    ['arm-endpoint', (e: Emulator) => ({ 'arm-endpoint': e.url.replace('https:', 'http:') })],
    ['authority-host', (e: Emulator) => ({ 'authority-host': e.url.replace('https:', 'http:') })],
  ])('an http:// %s is refused before any request', async (input, extra) => {
    const r = await run(extra(emulator));
    expect(r.exitCode).toBe(1);
    expect(errorsOf(r)).toMatch(
      new RegExp(
        `${input}: 'http://127\\.0\\.0\\.1:\\d+' must use https:// \\(credentials are never sent over plain HTTP\\)`,
      ),
    );
    expect(emulator.traffic.all()).toEqual([]);
    expect(scan(r)).toEqual([]);
  });
});
