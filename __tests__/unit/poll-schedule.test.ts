/**
 * The poll schedule users get (Azure sends no Retry-After on compute operations), on the virtual
 * clock through the real poller: the targets of issue 10. "Lag" is from the operation's end to
 * the answer reporting it; its mean is over operations ending anywhere in the 30 s after the
 * nominal length (250 ms steps), as scripts/bench/schedule.ts reports it.
 */
import type { HttpExchange } from '../../src/core/azure/http-exchange';
import { EXPECTED_DURATION_MS, adaptiveSchedule, expectedEndSchedule } from '../../src/core/azure/poll-schedule';
import { pollLongRunningOperation } from '../../src/core/azure/poller';
import { createVirtualClock } from '../../testkit/virtual-clock';

const STATUS =
  'https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op?api-version=2022-10-01&t=1&c=2&s=3&h=4';

async function wait(durationMs: number, expectedDurationMs: number): Promise<{ polls: number; lagMs: number }> {
  const clock = createVirtualClock(0);
  let polls = 0;
  const send = async (): Promise<HttpExchange> => {
    polls++;
    const status = clock.now() >= durationMs ? 'Succeeded' : 'InProgress';
    return { status: 200, header: () => undefined, bodyText: JSON.stringify({ status }) };
  };
  const start = {
    method: 'PUT' as const,
    requestUrl: 'https://management.azure.com/x/computes/c?api-version=2022-10-01',
    status: 201,
    header: (n: string) => (n.toLowerCase() === 'azure-asyncoperation' ? STATUS : undefined),
    expectedDurationMs,
  };
  await pollLongRunningOperation(start, { send, deadline: 4 * 3_600_000, clock });
  return { polls, lagMs: clock.now() - durationMs };
}

async function figures(durationMs: number, expectedDurationMs: number) {
  const lags: number[] = [];
  for (let d = durationMs; d < durationMs + 30_000; d += 250) lags.push((await wait(d, expectedDurationMs)).lagMs);
  return {
    polls: (await wait(durationMs, expectedDurationMs)).polls,
    meanLagMs: lags.reduce((a, b) => a + b, 0) / lags.length,
    worstLagMs: Math.max(...lags),
  };
}

test.each([
  ['a 5-minute attach', 5 * 60_000, 'attach', 3_000, 40],
  ['a 20-second attach', 20_000, 'attach', 3_000, 12],
  ['a 10-minute create', 10 * 60_000, 'create', 5_000, 50],
])('%s: mean lag and polls within the targets', async (_name, durationMs, kind, meanLagMs, maxPolls) => {
  const f = await figures(durationMs, EXPECTED_DURATION_MS[kind]);
  expect(f.meanLagMs).toBeLessThanOrEqual(meanLagMs);
  expect(f.polls).toBeLessThanOrEqual(maxPolls);
});

test('without an expectation the poller keeps the adaptive schedule (a 5-minute attach: 7.5 s late on average)', async () => {
  const f = await figures(5 * 60_000, 0);
  expect(f.meanLagMs).toBeGreaterThan(5_000);
  expect(f.polls).toBeLessThanOrEqual(40);
});

test('the schedule: never under 1 s, lands on the start of the dense window, dense there, adaptive after it', () => {
  const s = expectedEndSchedule(EXPECTED_DURATION_MS.attach);
  for (let t = 0; t < 900_000; t += 777) expect(s(0, t)).toBeGreaterThanOrEqual(1_000);
  expect(s(0, 10_000)).toBe(2_500);
  expect(s(0, 40_000)).toBe(5_000); // first minute: at most 5 s
  expect(s(0, 120_000)).toBe(15_000); // middle: at most expected / 20
  expect(s(0, 280_000)).toBe(5_000); // 280 + 15 would jump over 285 s (95 %)
  expect(s(0, 300_000)).toBe(5_000); // dense: expected / 60
  expect(s(0, 400_000)).toBe(adaptiveSchedule(0, 400_000));
  expect(expectedEndSchedule(EXPECTED_DURATION_MS.create)(0, 300_000)).toBe(30_000);
  expect(expectedEndSchedule(EXPECTED_DURATION_MS.create)(0, 600_000)).toBe(8_000);
});
