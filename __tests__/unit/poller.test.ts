import { systemClock } from '../../src/core/azure/clock';
import { createVirtualClock, type VirtualClock } from '../../testkit/virtual-clock';
import { type HttpExchange, redactUrl } from '../../src/core/azure/http-exchange';
import {
  type LroOutcome,
  type LroStart,
  type PollOptions,
  adaptiveSchedule,
  pollLongRunningOperation,
} from '../../src/core/azure/poller';
import { AzureError, CancelledError, DeadlineError } from '../../src/core/contract/errors';

const COMPUTE =
  'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/aks-prod?api-version=2022-10-01';
const ASYNC =
  'https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op1?api-version=2022-10-01&sig=SECRET&se=2030-01-01&skoid=abc';
const LOCATION =
  'https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsResults/op1?api-version=2022-10-01&sig=SECRET';
const HOUR = 3_600_000;

function headersOf(headers: Record<string, string>): (name: string) => string | undefined {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return (name) => lower.get(name.toLowerCase());
}

function answer(status: number, body?: unknown, headers: Record<string, string> = {}): HttpExchange {
  return { status, header: headersOf(headers), bodyText: body === undefined ? undefined : JSON.stringify(body) };
}

function started(status: number, headers: Record<string, string> = {}, method: 'PUT' | 'DELETE' = 'PUT'): LroStart {
  return { method, requestUrl: COMPUTE, status, header: headersOf(headers) };
}

const inProgress = (headers?: Record<string, string>) => answer(200, { status: 'InProgress' }, headers);
const succeeded = () => answer(200, { status: 'Succeeded' });

/** A network reset, as Node reports it. */
function reset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}

/** A request that never answers; it rejects only when its signal aborts (unless deaf). */
function hang(signal: AbortSignal, deaf = false): Promise<never> {
  return new Promise((_, reject) => {
    if (!deaf)
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), {
        once: true,
      });
  });
}

type Step = HttpExchange | 'reset' | 'hang' | 'deaf-hang';

/** A status endpoint answering the steps in order (the last one repeats); records every send. */
function scripted(clock: VirtualClock, steps: Step[]) {
  const sends: { at: number; url: string }[] = [];
  const send = async (url: string, signal: AbortSignal): Promise<HttpExchange> => {
    sends.push({ at: clock.now(), url });
    const step = steps[Math.min(sends.length - 1, steps.length - 1)];
    if (step === 'reset') throw reset();
    if (step === 'hang' || step === 'deaf-hang') return hang(signal, step === 'deaf-hang');
    return step;
  };
  return { send, sends };
}

async function run(start: LroStart, steps: Step[], options: Partial<PollOptions> = {}) {
  const clock = createVirtualClock(0);
  const { send, sends } = scripted(clock, steps);
  const outcome = await pollLongRunningOperation(start, { send, deadline: HOUR, clock, ...options });
  return { outcome, sends, times: sends.map((s) => s.at), clock };
}

/** The rules every run must keep: first poll ≥ 1 s after the start, never two within 1 s. */
function expectSpacing(times: number[]): void {
  times.forEach((t, i) => expect(t - (i === 0 ? 0 : times[i - 1])).toBeGreaterThanOrEqual(1000));
}

/** Simulates an operation that finishes doneAtMs after the start; counts what noticing it costs. */
async function simulate(doneAtMs: number) {
  const clock = createVirtualClock(0);
  let polls = 0;
  const send = async (): Promise<HttpExchange> => {
    polls++;
    return clock.now() >= doneAtMs ? succeeded() : inProgress();
  };
  const outcome = await pollLongRunningOperation(started(201, { 'Azure-AsyncOperation': ASYNC }), {
    send,
    deadline: HOUR,
    clock,
  });
  return { polls, noticedAt: clock.now(), delay: clock.now() - doneAtMs, outcome };
}

afterEach(() => jest.restoreAllMocks());

describe('pollLongRunningOperation: paths and outcomes', () => {
  const cases: {
    name: string;
    start: LroStart;
    steps: Step[];
    expected: Partial<LroOutcome>;
    url?: string;
    times?: number[];
  }[] = [
    {
      name: 'Azure-AsyncOperation path',
      start: started(201, { 'Azure-AsyncOperation': ASYNC }),
      steps: [inProgress(), inProgress(), succeeded()],
      expected: { status: 'Succeeded', polls: 3 },
      url: ASYNC,
      times: [1000, 2000, 3000],
    },
    {
      name: 'Location-only path (202 running, then 200)',
      start: started(202, { Location: LOCATION }, 'DELETE'),
      steps: [answer(202), answer(202), answer(200)],
      expected: { status: 'Succeeded', polls: 3 },
      url: LOCATION,
    },
    {
      name: 'Location-only path ending 204',
      start: started(202, { location: LOCATION }, 'DELETE'),
      steps: [answer(202), answer(204)],
      expected: { status: 'Succeeded', polls: 2 },
    },
    {
      name: '201 with Location only polls the Location',
      start: started(201, { Location: LOCATION }),
      steps: [answer(202), answer(201)],
      expected: { status: 'Succeeded', polls: 2 },
      url: LOCATION,
    },
    {
      name: 'both headers: Azure-AsyncOperation wins',
      start: started(202, { 'Azure-AsyncOperation': ASYNC, Location: LOCATION }, 'DELETE'),
      steps: [inProgress(), succeeded()],
      expected: { status: 'Succeeded', polls: 2 },
      url: ASYNC,
    },
    {
      name: 'statuses compared case-insensitively; other non-terminal statuses keep polling',
      start: started(201, { 'azure-asyncoperation': ASYNC }),
      steps: [
        answer(200, { status: 'Updating' }),
        answer(200, { status: 'inprogress' }),
        answer(200, { status: 'SUCCEEDED' }),
      ],
      expected: { status: 'Succeeded', polls: 3 },
    },
    {
      name: 'Failed with the error code and message',
      start: started(201, { 'Azure-AsyncOperation': ASYNC }),
      steps: [
        inProgress(),
        answer(200, { status: 'Failed', error: { code: 'BadRequest', message: 'cluster is not reachable' } }),
      ],
      expected: { status: 'Failed', error: { code: 'BadRequest', message: 'cluster is not reachable' }, polls: 2 },
    },
    {
      name: 'Canceled with the error code and message',
      start: started(202, { 'Azure-AsyncOperation': ASYNC }, 'DELETE'),
      steps: [
        answer(200, {
          status: 'canceled',
          error: { code: 'OperationCanceled', message: 'superseded by a newer request' },
        }),
      ],
      expected: {
        status: 'Canceled',
        error: { code: 'OperationCanceled', message: 'superseded by a newer request' },
        polls: 1,
      },
    },
    {
      name: 'Failed without detail still gets a code',
      start: started(201, { 'Azure-AsyncOperation': ASYNC }),
      steps: [answer(200, { status: 'Failed' })],
      expected: {
        status: 'Failed',
        error: { code: 'OperationFailed', message: expect.stringContaining('failed') },
        polls: 1,
      },
    },
    {
      name: 'Location final 4xx = Failed with the body error',
      start: started(202, { Location: LOCATION }, 'DELETE'),
      steps: [answer(202), answer(409, { error: { code: 'Conflict', message: 'compute is in use' } })],
      expected: { status: 'Failed', error: { code: 'Conflict', message: 'compute is in use' }, polls: 2 },
    },
    {
      name: 'Location final 501 without body = Failed HttpStatus501',
      start: started(202, { Location: LOCATION }, 'DELETE'),
      steps: [answer(501)],
      expected: { status: 'Failed', error: { code: 'HttpStatus501', message: expect.any(String) }, polls: 1 },
    },
    {
      name: '≥ 10 consecutive 5xx, then success',
      start: started(201, { 'Azure-AsyncOperation': ASYNC }),
      steps: [...[500, 502, 503, 504, 500, 502, 503, 504, 500, 503, 503, 503].map((s) => answer(s)), succeeded()],
      expected: { status: 'Succeeded', polls: 13 },
    },
    {
      name: 'connection resets, then success',
      start: started(201, { 'Azure-AsyncOperation': ASYNC }),
      steps: ['reset', 'reset', 'reset', inProgress(), 'reset', succeeded()],
      expected: { status: 'Succeeded', polls: 6 },
    },
    {
      name: '429 without Retry-After is retried',
      start: started(201, { 'Azure-AsyncOperation': ASYNC }),
      steps: [answer(429), answer(429), succeeded()],
      expected: { status: 'Succeeded', polls: 3 },
    },
    {
      name: '408 is retried',
      start: started(201, { 'Azure-AsyncOperation': ASYNC }),
      steps: [answer(408), succeeded()],
      expected: { status: 'Succeeded', polls: 2 },
    },
  ];

  test.each(cases)('$name', async ({ start, steps, expected, url, times: expectedTimes }) => {
    const { outcome, sends, times } = await run(start, steps);
    expect(outcome).toMatchObject(expected);
    expect(outcome.elapsedMs).toBe(times[times.length - 1]);
    if (url) expect(new Set(sends.map((s) => s.url))).toEqual(new Set([url]));
    if (expectedTimes) expect(times).toEqual(expectedTimes);
    expectSpacing(times);
  });

  test.each([
    ['200', started(200)],
    ['204 (delete of a compute that does not exist)', started(204, {}, 'DELETE')],
    ['201 without async headers', started(201)],
  ])('%s: done at once, no poll', async (_name, start) => {
    const { outcome, sends } = await run(start, [succeeded()]);
    expect(outcome).toEqual({ status: 'Succeeded', polls: 0, elapsedMs: 0 });
    expect(sends).toHaveLength(0);
  });

  test('202 without any status header is an AzureError, not a silent success', async () => {
    await expect(run(started(202), [succeeded()])).rejects.toBeInstanceOf(AzureError);
  });

  test('a Location poll that hands over a new Location is followed', async () => {
    const next =
      'https://management.azure.com/subscriptions/s/providers/X/operationResults/op2?api-version=2022-10-01&sig=S2';
    const urls: string[] = [];
    const { sends } = await run(
      started(202, { Location: LOCATION }, 'DELETE'),
      [answer(202, undefined, { Location: next }), answer(200)],
      {
        onPollUrl: (u) => urls.push(u),
      },
    );
    expect(sends.map((s) => s.url)).toEqual([LOCATION, next]);
    expect(urls).toEqual([redactUrl(LOCATION), redactUrl(next)]);
  });

  test('onProgress after each poll; onPollUrl gets the URL without signatures', async () => {
    const progress: unknown[] = [];
    const urls: string[] = [];
    await run(started(201, { 'Azure-AsyncOperation': ASYNC }), [answer(200, { status: 'Creating' }), succeeded()], {
      onProgress: (p) => progress.push(p),
      onPollUrl: (u) => urls.push(u),
    });
    expect(progress).toEqual([
      { status: 'Creating', elapsedMs: 1000, polls: 1 },
      { status: 'Succeeded', elapsedMs: 2000, polls: 2 },
    ]);
    expect(urls).toEqual([
      'https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op1?api-version=2022-10-01',
    ]);
  });
});

describe('pollLongRunningOperation: timing', () => {
  test('Retry-After (initial and per poll) is honoured: no poll before it', async () => {
    const { times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC, 'Retry-After': '15' }), [
      inProgress({ 'Retry-After': '10' }),
      inProgress(), // no Retry-After: back to the schedule (25 s elapsed → 6.25 s)
      succeeded(),
    ]);
    expect(times).toEqual([15_000, 25_000, 31_250]);
  });

  test('Retry-After: 15 and an operation done at 20 s: noticed at 30 s, not later', async () => {
    const clock = createVirtualClock(0);
    const send = async () => (clock.now() >= 20_000 ? succeeded() : inProgress({ 'Retry-After': '15' }));
    const outcome = await pollLongRunningOperation(
      started(201, { 'Azure-AsyncOperation': ASYNC, 'Retry-After': '15' }),
      { send, deadline: HOUR, clock },
    );
    expect(outcome).toMatchObject({ status: 'Succeeded', polls: 2, elapsedMs: 30_000 });
  });

  test('Retry-After: 0 means the schedule', async () => {
    const { times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC, 'Retry-After': '0' }), [
      inProgress({ 'Retry-After': '0' }),
      succeeded(),
    ]);
    expect(times).toEqual([1000, 2000]);
  });

  test('429 with Retry-After: the retry waits exactly that long', async () => {
    const { outcome, times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC }), [
      answer(429, undefined, { 'Retry-After': '20' }),
      succeeded(),
    ]);
    expect(outcome.status).toBe('Succeeded');
    expect(times).toEqual([1000, 21_000]);
  });

  test('503 with retry-after-ms is honoured', async () => {
    const { times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC }), [
      answer(503, undefined, { 'x-ms-retry-after-ms': '7500' }),
      succeeded(),
    ]);
    expect(times).toEqual([1000, 8500]);
  });

  test('a failed poll is never retried within 1 s, whatever the jitter draws', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC }), [
      'reset',
      answer(503),
      'reset',
      succeeded(),
    ]);
    expect(times).toEqual([1000, 2000, 3000, 4000]);
  });

  test('429 without Retry-After: the next poll waits at least 1 s, plus exponential jitter above that', async () => {
    const draws = [0.999, 0, 0.5];
    let n = 0;
    jest.spyOn(Math, 'random').mockImplementation(() => draws[n++ % draws.length]);
    const { times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC }), [
      answer(429),
      answer(429),
      answer(429),
      succeeded(),
    ]);
    // Floors: 1 s after each throttled answer; jitter under 1 s, 2 s, 4 s on top.
    expect(times).toEqual([1000, 1000 + 1000 + 999, 2999 + 1000 + 0, 3999 + 1000 + 2000]);
    times.slice(1).forEach((t, i) => expect(t - times[i]).toBeGreaterThanOrEqual(1000));
  });

  test('a hung status request times out (requestTimeoutMs) and is retried', async () => {
    for (const step of ['hang', 'deaf-hang'] as const) {
      const { outcome, times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC }), [step, succeeded()], {
        requestTimeoutMs: 5000,
      });
      expect(outcome).toMatchObject({ status: 'Succeeded', polls: 2 });
      // Sent at 1 s, given up at 6 s, retried after the first backoff (≤ 1 s jitter).
      expect(times[1]).toBeGreaterThanOrEqual(1000 + 5000);
      expect(times[1]).toBeLessThanOrEqual(1000 + 5000 + 1000);
    }
  });

  test('the default per-request timeout is 30 s', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC }), ['hang', succeeded()]);
    // Given up at 31 s; the next poll keeps the 1 s gap from that moment (the hung request may
    // still reach the service), so the service never sees two polls within 1 s.
    expect(times).toEqual([1000, 32_000]);
  });
});

describe('pollLongRunningOperation: a failed status request is a poll that told nothing', () => {
  const ATTACH = { ...started(201, { 'Azure-AsyncOperation': ASYNC }), expectedDurationMs: 5 * 60_000 };
  /** When an attach's polls go out if every answer says InProgress: the schedule alone. */
  const scheduleTimes = async (n: number) =>
    (await run(ATTACH, [...Array.from({ length: n }, () => inProgress()), succeeded()])).times;

  // The generic backoff would draw its longest pauses; a failed poll must not use it.
  beforeEach(() => jest.spyOn(Math, 'random').mockReturnValue(0.999));

  test.each([
    ['500', (): Step => answer(500)],
    ['502', (): Step => answer(502)],
    ['503 without Retry-After', (): Step => answer(503)],
    ['504', (): Step => answer(504)],
    ['connection reset', (): Step => 'reset'],
  ])('ten %s in a row, then success: polled exactly on the schedule', async (_name, failure) => {
    const { outcome, times } = await run(ATTACH, [...Array.from({ length: 10 }, failure), succeeded()]);
    expect(outcome).toMatchObject({ status: 'Succeeded', polls: 11 });
    expect(times).toEqual(await scheduleTimes(10));
    expectSpacing(times);
  });

  test('an attach done at 1.5 s whose status requests fail ten times is noticed within seconds, not minutes', async () => {
    const clock = createVirtualClock(0);
    let sent = 0;
    const send = async (): Promise<HttpExchange> =>
      ++sent <= 10 ? answer([500, 503][sent % 2]) : clock.now() >= 1_500 ? succeeded() : inProgress();
    const outcome = await pollLongRunningOperation(ATTACH, { send, deadline: HOUR, clock });
    expect(outcome).toMatchObject({ status: 'Succeeded', polls: 11 });
    // The schedule's 11th poll of an attach (the old exponential backoff: 91–117 s).
    expect(outcome.elapsedMs).toBe((await scheduleTimes(10))[10]);
    expect(outcome.elapsedMs).toBeLessThan(30_000);
  });

  test('a streak of failures through a whole attach never widens the gap beyond the schedule', async () => {
    const failures = 60; // about 8 minutes of an attach expected to take 5
    const { times } = await run(ATTACH, [
      ...Array.from({ length: failures }, (_, i) =>
        i % 3 === 0 ? ('reset' as const) : answer([500, 502, 503, 504][i % 4]),
      ),
      succeeded(),
    ]);
    expect(times).toEqual(await scheduleTimes(failures));
    const gaps = times.map((t, i) => t - (i ? times[i - 1] : 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(15_000);
  });

  test('a status request that times out: the next one follows the schedule from the one that hung', async () => {
    const { outcome, times } = await run(started(201, { 'Azure-AsyncOperation': ASYNC }), ['hang', succeeded()], {
      requestTimeoutMs: 2_000,
      schedule: () => 10_000,
    });
    expect(outcome.status).toBe('Succeeded');
    expect(times).toEqual([10_000, 20_000]);
  });

  test('Retry-After on a failed answer is honoured over the schedule, and the schedule resumes after it', async () => {
    const { times } = await run(
      started(201, { 'Azure-AsyncOperation': ASYNC }),
      [answer(503, undefined, { 'Retry-After': '12' }), answer(500), succeeded()],
      { schedule: () => 3_000 },
    );
    expect(times).toEqual([3_000, 15_000, 18_000]);
  });
});

describe('adaptiveSchedule', () => {
  test('starts at 1 s, backs off to 15 s', () => {
    expect(adaptiveSchedule(0, 0)).toBe(1000);
    expect(adaptiveSchedule(3, 3000)).toBe(1000);
    expect(adaptiveSchedule(10, 20_000)).toBe(5000);
    expect(adaptiveSchedule(20, 60_000)).toBe(15_000);
    expect(adaptiveSchedule(100, 3_600_000)).toBe(15_000);
  });

  test('a 5-minute attach costs < 40 polls and is noticed within 15 s', async () => {
    const r = await simulate(5 * 60_000);
    expect(r.outcome.status).toBe('Succeeded');
    expect(r.polls).toBeLessThan(40);
    expect(r.delay).toBeLessThanOrEqual(15_000);
  });

  test('a 2.5 s operation is noticed by 4 s', async () => {
    const r = await simulate(2500);
    expect(r.noticedAt).toBeLessThanOrEqual(4000);
  });

  // The figures quoted in adaptiveSchedule's comment.
  test.each([
    [30_000, 14, 7_256],
    [2 * 60_000, 21, 12_766],
    [5 * 60_000, 33, 12_766],
    [10 * 60_000, 53, 12_766],
  ])('operation of %i ms: %i polls, noticed %i ms late', async (doneAt, polls, delay) => {
    const r = await simulate(doneAt);
    expect({ polls: r.polls, delay: r.delay }).toEqual({ polls, delay });
  });

  test('a custom schedule is used when the service gives no Retry-After', async () => {
    const { times } = await run(
      started(201, { 'Azure-AsyncOperation': ASYNC }),
      [inProgress(), inProgress(), succeeded()],
      {
        schedule: (i) => 10_000 * (i + 1),
      },
    );
    expect(times).toEqual([10_000, 30_000, 60_000]);
  });
});

describe('pollLongRunningOperation: deadline, cancellation, refusal', () => {
  test('deadline → DeadlineError with the poll count, without sleeping past it', async () => {
    const clock = createVirtualClock(0);
    const { send, sends } = scripted(clock, [inProgress()]);
    const error = await pollLongRunningOperation(started(201, { 'Azure-AsyncOperation': ASYNC }), {
      send,
      deadline: 125_000,
      clock,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(error.message).toContain(`${sends.length} status polls`);
    expect(error.message).toContain('last status InProgress');
    expect(error.message).toContain(
      'PUT /subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/aks-prod',
    );
    expect(error.message).not.toContain('sig=');
    expect(clock.now()).toBeLessThanOrEqual(125_000);
    // The schedule's next poll (132.8 s) would be too late: one last look 2 s before the
    // deadline instead, and only one.
    expect(sends.slice(-2).map((s) => s.at)).toEqual([117_766, 123_000]);
  });

  test('an operation finishing just before the deadline is still seen', async () => {
    const clock = createVirtualClock(0);
    const send = async () => (clock.now() >= 117_000 ? succeeded() : inProgress());
    const outcome = await pollLongRunningOperation(started(201, { 'Azure-AsyncOperation': ASYNC }), {
      send,
      deadline: 120_000,
      clock,
    });
    expect(outcome.status).toBe('Succeeded');
  });

  test('Retry-After beyond the deadline → DeadlineError at once', async () => {
    const clock = createVirtualClock(0);
    const { send, sends } = scripted(clock, [succeeded()]);
    const start = started(201, { 'Azure-AsyncOperation': ASYNC, 'Retry-After': '600' });
    await expect(pollLongRunningOperation(start, { send, deadline: 60_000, clock })).rejects.toBeInstanceOf(
      DeadlineError,
    );
    expect(sends).toHaveLength(0);
    expect(clock.now()).toBe(0);
  });

  test('status requests failing until the deadline → DeadlineError naming the failure', async () => {
    const clock = createVirtualClock(0);
    const { send } = scripted(clock, [answer(503)]);
    const error = await pollLongRunningOperation(started(201, { 'Azure-AsyncOperation': ASYNC }), {
      send,
      deadline: 300_000,
      clock,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(error.message).toContain('HTTP 503');
    expect(clock.now()).toBeLessThanOrEqual(300_000);
  });

  test.each([
    ['while sleeping between polls', [inProgress({ 'Retry-After': '60' })] as Step[], 5_000],
    ['while a status request hangs', [inProgress(), 'hang'] as Step[], 2_500],
    ['while a deaf status request hangs', [inProgress(), 'deaf-hang'] as Step[], 2_500],
    ['while backing off after a failure', [answer(503, undefined, { 'Retry-After': '60' })] as Step[], 5_000],
  ])('abort %s → CancelledError at once', async (_name, steps, abortAt) => {
    const clock = createVirtualClock(0);
    const { send } = scripted(clock, steps);
    const controller = new AbortController();
    void clock.sleep(abortAt).then(() => controller.abort());
    const error = await pollLongRunningOperation(started(201, { 'Azure-AsyncOperation': ASYNC }), {
      send,
      deadline: HOUR,
      clock,
      signal: controller.signal,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(clock.now()).toBe(abortAt);
    expect(clock.pendingSleeps).toBe(0);
  });

  test('already aborted → CancelledError without a request', async () => {
    const clock = createVirtualClock(0);
    const { send, sends } = scripted(clock, [succeeded()]);
    const signal = AbortSignal.abort();
    await expect(
      pollLongRunningOperation(started(201, { 'Azure-AsyncOperation': ASYNC }), {
        send,
        deadline: HOUR,
        clock,
        signal,
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(sends).toHaveLength(0);
  });

  test.each([
    [404, { error: { code: 'ResourceNotFound', message: 'operation not found' } }, 'ResourceNotFound'],
    [403, { error: { code: 'AuthorizationFailed', message: 'no read access' } }, 'AuthorizationFailed'],
    [401, undefined, 'HttpStatus401'],
    [404, undefined, 'HttpStatus404'],
  ])('%i on the status URL → AzureError %s (no retry)', async (status, body, code) => {
    for (const start of [
      started(201, { 'Azure-AsyncOperation': ASYNC }),
      started(202, { Location: LOCATION }, 'DELETE'),
    ]) {
      const clock = createVirtualClock(0);
      const { send, sends } = scripted(clock, [answer(status, body)]);
      const error = await pollLongRunningOperation(start, { send, deadline: HOUR, clock }).catch((e) => e);
      expect(error).toBeInstanceOf(AzureError);
      expect(error).toMatchObject({ code, statusCode: status });
      expect(error.message).not.toContain('sig=');
      expect(sends).toHaveLength(1);
    }
  });

  test('a 400 on the Azure-AsyncOperation URL → AzureError', async () => {
    await expect(
      run(started(201, { 'Azure-AsyncOperation': ASYNC }), [
        answer(400, { error: { code: 'InvalidApiVersion', message: 'x' } }),
      ]),
    ).rejects.toMatchObject({
      code: 'InvalidApiVersion',
      statusCode: 400,
    });
  });
});

describe('redactUrl', () => {
  test.each([
    [
      ASYNC,
      'https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op1?api-version=2022-10-01',
    ],
    [
      'https://x.blob.core.windows.net/c/b?sv=1&sig=abc%2F&se=2030&skoid=1&sktid=2',
      'https://x.blob.core.windows.net/c/b',
    ],
    ['https://user:pw@host/path?a=1#frag', 'https://host/path'],
    ['/relative/path?sig=abc', '/relative/path'],
    ['https://host/p?sig=a&api-version=2024-01-01', 'https://host/p?api-version=2024-01-01'],
  ])('%s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe('real clock', () => {
  const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  test('no timer lingers once the outcome is known', async () => {
    const before = timeouts();
    const send = async () => succeeded();
    const outcome = await pollLongRunningOperation(started(201, { 'Azure-AsyncOperation': ASYNC }), {
      send,
      deadline: Date.now() + HOUR,
    });
    expect(outcome).toMatchObject({ status: 'Succeeded', polls: 1 });
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(990);
    expect(outcome.elapsedMs).toBeLessThan(3000);
    expect(timeouts()).toBe(before);
  });

  test('abort rejects within milliseconds and leaves no timer', async () => {
    const before = timeouts();
    const controller = new AbortController();
    const send = (_url: string, signal: AbortSignal) => hang(signal);
    const pending = pollLongRunningOperation(started(201, { 'Azure-AsyncOperation': ASYNC, 'Retry-After': '60' }), {
      send,
      deadline: Date.now() + HOUR,
      clock: systemClock,
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 20));
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - abortedAt).toBeLessThan(200); // generous for loaded CI machines; the wait was 60 s
    expect(timeouts()).toBe(before);
  });
});
