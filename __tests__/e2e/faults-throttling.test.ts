/**
 * Throttling and the token endpoint, end to end through the committed GitHub bundle. With SDK
 * defaults a 429 without Retry-After is not retried; here every 429 is retried within
 * timeout-minutes, a Retry-After is a floor for every ARM request of the run (no request is ever
 * sent inside the window: checked on the emulator's traffic timestamps), token endpoint failures
 * are waited out, and OIDC assertions and access tokens that expire during a long wait are
 * fetched again.
 */
import { type Emulator, type TrafficEntry } from '../../emulator';
import { DEMO } from '../../testkit/demo-world';
import {
  computeOf,
  faultWorld,
  mutating,
  retryAfterViolations,
  run,
  seedCompute,
  when,
  scanAndRefereeEachTest,
} from '../../testkit/fault-kit';

let emulator: Emulator;
scanAndRefereeEachTest(() => emulator);

const at = (e: TrafficEntry) => Date.parse(e.time);
const tokenPosts = () => emulator.traffic.filter({ kind: 'token', method: 'POST' });

test('429 storm with Retry-After (ARM throttling reads and writes): the refresh converges and no request is sent inside a Retry-After window', async () => {
  emulator = await faultWorld({
    throttle: { readsPerSecond: 1, writesPerSecond: 0.5, burst: 1 },
    retryAfterSeconds: 1,
    attachMs: 1_500,
    detachMs: 1_000,
  });
  seedCompute(emulator);
  const r = await run(emulator, { inputs: { operation: 'refresh', 'timeout-minutes': '2' } });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('reattached');
  expect(emulator.throttledCount()).toBeGreaterThanOrEqual(3);
  const throttled = emulator.traffic.all().filter((e) => e.status === 429);
  expect(throttled.every((e) => Number(e.responseHeaders['retry-after']) >= 1)).toBe(true);
  expect(retryAfterViolations(emulator.traffic.all())).toEqual([]);
  expect(
    mutating(emulator.traffic.all())
      .filter((e) => e.status < 300)
      .map((e) => e.method),
  ).toEqual(['DELETE', 'PUT']);
  expect(r.durationMs).toBeLessThan(2 * 60_000);
}, 180_000);

test('429 storm without Retry-After (reads, the PUT, status polls): retried with backoff until it passes', async () => {
  emulator = await faultWorld({ attachMs: 2_000 });
  emulator.faults.add({
    match: { method: 'GET', kind: 'arm', path: /\/computes\/aks-prod$/ },
    times: 4,
    action: { status: 429 },
  });
  emulator.faults.add({ match: { method: 'PUT', kind: 'arm' }, times: 3, action: { status: 429 } });
  emulator.faults.add({ match: { kind: 'lro' }, times: 3, action: { status: 429 } });
  const r = await run(emulator, { inputs: { 'timeout-minutes': '2' } });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('attached');
  const bare = emulator.traffic.all().filter((e) => e.status === 429 && !e.responseHeaders['retry-after']);
  expect(bare).toHaveLength(10);
  // A 429 without Retry-After still means "not so fast": the same request is not resent within 1 s.
  const same = (a: TrafficEntry, b: TrafficEntry) => a.method === b.method && a.kind === b.kind && a.path === b.path;
  for (const t of bare) {
    const next = emulator.traffic.all().find((e) => e.seq > t.seq && same(e, t));
    expect(next && at(next) - at(t)).toBeGreaterThanOrEqual(1_000 - 20);
  }
  // A throttled PUT was not processed; it is resent until accepted, and accepted once.
  expect(mutating(emulator.traffic.all()).map((e) => e.status)).toEqual([429, 429, 429, 201]);
  expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
  expect(r.durationMs).toBeLessThan(2 * 60_000);
}, 180_000);

test("token endpoint failures with Retry-After (2 × 503, then 429): waited out by identity's retries; no token request inside a window", async () => {
  emulator = await faultWorld();
  emulator.faults.add({
    match: { method: 'POST', kind: 'token' },
    times: 2,
    action: { status: 503, retryAfterSeconds: 1 },
  });
  emulator.faults.add({ match: { method: 'POST', kind: 'token' }, action: { status: 429, retryAfterSeconds: 2 } });
  // Token acquisition with its own retries takes about 4 s here: longer than the 2 s test timeout.
  const r = await run(emulator, { inputs: { 'timeout-minutes': '2' }, env: { AKS_AML_REQUEST_TIMEOUT_MS: '8000' } });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('attached');
  expect(tokenPosts().map((e) => e.status)).toEqual([503, 503, 429, 200]);
  expect(retryAfterViolations(emulator.traffic.all())).toEqual([]);
  // No ARM request went out without a token.
  expect(emulator.traffic.all().filter((e) => e.kind === 'arm' && e.status === 401)).toEqual([]);
}, 180_000);

test("a token endpoint outage (5 × 503, beyond identity's own 3 retries): MSAL holds back for 60 s, the run keeps retrying and converges", async () => {
  emulator = await faultWorld();
  emulator.faults.add({ match: { method: 'POST', kind: 'token' }, times: 5, action: { status: 503 } });
  const r = await run(emulator, { inputs: { 'timeout-minutes': '3' } });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('attached');
  expect(r.stdout).toMatch(/the token endpoint failed/);
  const posts = tokenPosts();
  expect(posts.filter((e) => e.status === 503)).toHaveLength(5);
  expect(posts[posts.length - 1].status).toBe(200);
  expect(r.durationMs).toBeLessThan(3 * 60_000);
}, 240_000);

test('OIDC assertions and access tokens that expire during a long refresh are fetched again, also through a token endpoint failure mid-wait', async () => {
  emulator = await faultWorld({
    tokenLifetimeSeconds: 4,
    oidcTokenLifetimeSeconds: 3,
    detachMs: 5_000,
    attachMs: 9_000,
  });
  seedCompute(emulator);
  const running = run(emulator, {
    inputs: { operation: 'refresh', 'client-secret': '' },
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${emulator.url}/github-oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEMO.githubRequestToken,
    },
  });
  // While the attach runs, the token endpoint fails twice.
  await when(emulator, (e) => e.kind === 'arm' && e.method === 'PUT' && e.status === 201);
  emulator.faults.add({
    match: { method: 'POST', kind: 'token' },
    times: 2,
    action: { status: 503, retryAfterSeconds: 1 },
  });
  const r = await running;
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('reattached');
  const oidc = emulator.traffic.filter({ kind: 'oidc' });
  const tokens = tokenPosts().filter((e) => e.status === 200);
  expect(oidc.length).toBeGreaterThanOrEqual(4);
  expect(tokens.length).toBeGreaterThanOrEqual(4);
  // Every assertion was fresh when presented, and ARM never saw an expired token.
  expect(tokenPosts().filter((e) => e.status === 400)).toEqual([]);
  expect(emulator.traffic.all().filter((e) => (e.kind === 'arm' || e.kind === 'lro') && e.status === 401)).toEqual([]);
  // The waits outlived several token lifetimes.
  const put = emulator.traffic.filter({ method: 'PUT', kind: 'arm' })[0];
  const lastPoll = emulator.traffic.filter({ kind: 'lro' }).pop()!;
  expect(at(lastPoll) - at(put)).toBeGreaterThan(2 * 4_000);
}, 180_000);
