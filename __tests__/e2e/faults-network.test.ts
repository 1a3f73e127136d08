/**
 * Network faults, measured end to end through the committed GitHub bundle. With SDK defaults, 4
 * consecutive 5xx on a status poll fail the wait while the operation goes on, a status poll that
 * never answers hangs forever, and the process lingers one poll interval after the result. Here:
 * failed polls are retried until the deadline (honouring Retry-After, never two polls within 1 s),
 * a hung request is abandoned after AKS_AML_REQUEST_TIMEOUT_MS and sent again, slow answers are
 * waited for, and the process exits as soon as the result is printed.
 */
import type { Emulator, FaultAction, TrafficEntry } from '../../emulator';
import {
  computeOf,
  faultWorld,
  mutating,
  retryAfterViolations,
  run,
  seedCompute,
  TEST_REQUEST_TIMEOUT_MS,
  scanAndRefereeEachTest,
} from '../../testkit/fault-kit';

let emulator: Emulator;
scanAndRefereeEachTest(() => emulator);

const at = (e: TrafficEntry) => Date.parse(e.time);
/** Status polls in the order they arrived (the log numbers entries when answered: a delayed one comes later). */
const statusPolls = () => emulator.traffic.filter({ kind: 'lro' }).sort((a, b) => at(a) - at(b));

function expectPollSpacing(polls: TrafficEntry[]): void {
  for (let i = 1; i < polls.length; i++) expect(at(polls[i]) - at(polls[i - 1])).toBeGreaterThanOrEqual(990);
}

test('11 consecutive failed status polls (500/502/503/504 and connection resets) while an attach runs: the run converges within timeout-minutes', async () => {
  emulator = await faultWorld({ attachMs: 1_500 });
  const storm: FaultAction[] = [
    { status: 503, retryAfterSeconds: 2 },
    { status: 500 },
    { reset: true },
    { status: 502 },
    { status: 504 },
    { reset: true },
    { status: 503 },
    { reset: true },
    { status: 500 },
    { status: 503, retryAfterSeconds: 1 },
    { reset: true },
  ];
  for (const action of storm) emulator.faults.add({ match: { kind: 'lro' }, action });
  const r = await run(emulator, { inputs: { 'timeout-minutes': '4' } });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('attached');
  expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
  const polls = statusPolls();
  // The storm hit 11 polls in a row, then the poll that saw the operation done.
  expect(polls.slice(0, 11).map((e) => e.fault)).toEqual(storm.map((a) => ('reset' in a ? 'reset' : 'status')));
  expect(
    polls.slice(11).some((e) => e.status === 200 && (e.responseBody as { status?: string }).status === 'Succeeded'),
  ).toBe(true);
  expectPollSpacing(polls);
  expect(retryAfterViolations(emulator.traffic.all())).toEqual([]);
  // The PUT was sent once: a failing status request never resends the operation.
  expect(mutating(emulator.traffic.all()).map((e) => e.method)).toEqual(['PUT']);
  expect(r.durationMs).toBeLessThan(4 * 60_000);
}, 300_000);

test('hung connections (GET, PUT, status polls, DELETE) are abandoned after the request timeout and retried; the refresh converges', async () => {
  emulator = await faultWorld({ attachMs: 1_000 });
  seedCompute(emulator);
  emulator.faults.add({ match: { method: 'GET', kind: 'arm', path: /\/computes\/aks-prod$/ }, action: { hang: true } });
  emulator.faults.add({ match: { method: 'DELETE', kind: 'arm' }, action: { hang: true } });
  emulator.faults.add({ match: { kind: 'lro' }, times: 2, action: { hang: true } });
  emulator.faults.add({ match: { method: 'PUT', kind: 'arm' }, action: { hang: true } });
  const r = await run(emulator, { inputs: { operation: 'refresh', 'timeout-minutes': '2' } });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('reattached');
  const hung = emulator.traffic.all().filter((e) => e.fault === 'hang');
  expect(hung).toHaveLength(5);
  // Each hung request was followed by its retry after about the request timeout (never sooner).
  for (const h of hung) {
    const retry = emulator.traffic
      .all()
      .find((e) => at(e) > at(h) && e.method === h.method && e.kind === h.kind && e.path === h.path);
    expect(retry).toBeDefined();
    expect(at(retry!) - at(h)).toBeGreaterThanOrEqual(TEST_REQUEST_TIMEOUT_MS - 10);
  }
  expect(r.stdout).toMatch(/no answer within 2000 ms/);
  expect(r.durationMs).toBeLessThan(60_000);
}, 180_000);

test('slow answers (1.5 s) are waited for; one slower than the request timeout is abandoned and retried', async () => {
  emulator = await faultWorld({ attachMs: 8_000 });
  emulator.faults.add({ match: { method: 'GET', kind: 'arm' }, times: 3, action: { delayMs: 1_500 } });
  emulator.faults.add({ match: { method: 'PUT', kind: 'arm' }, action: { delayMs: 1_500 } });
  emulator.faults.add({ match: { kind: 'lro' }, action: { delayMs: 1_500 } });
  emulator.faults.add({ match: { kind: 'lro' }, action: { delayMs: TEST_REQUEST_TIMEOUT_MS + 2_000 } });
  const r = await run(emulator, { inputs: { 'timeout-minutes': '2' } });
  expect(r.exitCode).toBe(0);
  expect(r.outputs.result).toBe('attached');
  const slow = emulator.traffic.all().filter((e) => e.fault === 'delay');
  expect(slow).toHaveLength(6);
  // The PUT was slow but answered: sent once, never repeated.
  expect(mutating(emulator.traffic.all()).map((e) => `${e.method} ${e.status}`)).toEqual(['PUT 201']);
  // The poll slower than the request timeout was abandoned: its retry went out after the timeout,
  // before the slow answer would have come.
  const polls = statusPolls();
  const slowPoll = polls.filter((e) => e.fault === 'delay')[1];
  const retry = polls[polls.indexOf(slowPoll) + 1];
  expect(at(retry) - at(slowPoll)).toBeGreaterThanOrEqual(TEST_REQUEST_TIMEOUT_MS);
  expect(at(retry) - at(slowPoll)).toBeLessThan(TEST_REQUEST_TIMEOUT_MS + 2_000);
  expectPollSpacing(polls);
}, 180_000);

test('the process exits as soon as the result is printed, also when Azure asks for long Retry-After intervals', async () => {
  emulator = await faultWorld({ attachMs: 1_000, retryAfterSeconds: 3 });
  let resultAt = 0;
  const r = await run(emulator, {
    onSpawn: (child) =>
      child.stdout?.on('data', (d: Buffer) => {
        if (!resultAt && d.toString().includes('Result: ')) resultAt = Date.now();
      }),
  });
  const exitedAt = Date.now();
  expect(r.outputs.result).toBe('attached');
  expect(resultAt).toBeGreaterThan(0);
  // The SDK's own poller would linger one poll interval (3 s here) after the result.
  expect(exitedAt - resultAt).toBeLessThan(1_000);
  // Retry-After was honoured: no status poll sooner than 3 s after the previous answer.
  const polls = statusPolls();
  const put = emulator.traffic.filter({ method: 'PUT', kind: 'arm' })[0];
  expect(at(polls[0]) - at(put)).toBeGreaterThanOrEqual(2_990);
  for (let i = 1; i < polls.length; i++) expect(at(polls[i]) - at(polls[i - 1])).toBeGreaterThanOrEqual(2_990);
}, 120_000);
