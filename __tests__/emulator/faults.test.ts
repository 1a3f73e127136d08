/** Fault injection seen through the real SDK clients (their retry policies included). */
import * as https from 'node:https';
import { startEmulator, trustCaInProcess } from '../../emulator';
import { demoSeed } from '../../testkit/demo-world';
import { RG, startHarness, WS, type Harness } from '../../testkit/emulator-clients';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.ml.workspaces.get(RG, WS); // token acquired up front
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.emu.traffic.clear();
  h.emu.faults.clear();
});

test('429 with Retry-After, then success: the SDK retries once', async () => {
  h.emu.faults.add({
    match: { method: 'GET', path: '/workspaces/demo-ws', kind: 'arm' },
    action: { status: 429, retryAfterSeconds: 1 },
  });
  const ws = await h.ml.workspaces.get(RG, WS);
  expect(ws.name).toBe(WS);
  const statuses = h.emu.traffic.filter({ kind: 'arm' }).map((e) => e.status);
  expect(statuses).toEqual([429, 200]);
  const faulted = h.emu.traffic.all()[0];
  expect(faulted.fault).toBe('status');
  expect(faulted.responseHeaders['retry-after']).toBe('1');
  expect((faulted.responseBody as any).error.code).toBe('TooManyRequests');
  expect(h.emu.faults.pending()).toEqual([]);
});

test('connection reset, then success', async () => {
  h.emu.faults.add({ match: { path: /\/workspaces\/demo-ws$/ }, action: { reset: true } });
  expect(h.emu.faults.pending()).toHaveLength(1);
  const ws = await h.ml.workspaces.get(RG, WS);
  expect(ws.name).toBe(WS);
  expect(h.emu.traffic.all().map((e) => [e.status, e.fault])).toEqual([
    [0, 'reset'],
    [200, undefined],
  ]);
});

test('hang: the client gives up by its own timeout; times=2 answers two requests', async () => {
  h.emu.faults.add({ match: { path: '/computes' }, times: 2, action: { hang: true } });
  const started = Date.now();
  await expect(h.ml.computeOperations.get(RG, WS, 'x', { abortSignal: AbortSignal.timeout(300) })).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(2000);
  expect(h.emu.faults.pending()).toEqual([expect.objectContaining({ times: 1 })]);
  expect(h.emu.traffic.all()[0].fault).toBe('hang');
});

test('delay answers normally, later', async () => {
  h.emu.faults.add({ match: { kind: 'arm' }, action: { delayMs: 300 } });
  const started = Date.now();
  await h.ml.workspaces.get(RG, WS);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(h.emu.traffic.all()[0]).toMatchObject({ status: 200, fault: 'delay' });
});

test('a custom status and body; the SDK retries 503 and then reports it', async () => {
  h.emu.faults.add({
    match: { kind: 'arm' },
    times: 5,
    action: { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'down' } } },
  });
  await expect(h.ml.workspaces.get(RG, WS)).rejects.toMatchObject({ statusCode: 503 });
  expect(h.emu.traffic.count({ status: 503 })).toBe(3); // first try + 2 retries (helpers: maxRetries 2)
});

test('stop() ends hung requests at once', async () => {
  const emu = await startEmulator({ seed: demoSeed() });
  const untrust = trustCaInProcess(emu.caCertPem);
  emu.faults.add({ match: {}, action: { hang: true } });
  const pending = new Promise<string>((resolve) => {
    const req = https.get(`${emu.url}/anything`, () => resolve('answered'));
    req.on('error', (e) => resolve(`error: ${e.message}`));
  });
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await emu.stop();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(await pending).toMatch(/^error/);
  untrust();
});
