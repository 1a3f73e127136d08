import { systemClock } from '../../src/core/azure/clock';
import { createVirtualClock } from '../../testkit/virtual-clock';
import { type HttpExchange, parseRetryAfterMs } from '../../src/core/azure/http-exchange';
import { type RetryOptions, classifyAzureFailure, withRetries } from '../../src/core/azure/retry';
import { AzureError, CancelledError, DeadlineError } from '../../src/core/contract/errors';

const HOUR = 3_600_000;

/** Shaped like @azure/core-rest-pipeline's RestError. */
function restError(statusCode: number | undefined, headers: Record<string, string> = {}, code?: string): Error {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.assign(new Error(`status ${statusCode}`), {
    name: 'RestError',
    statusCode,
    code,
    response:
      statusCode === undefined
        ? undefined
        : { status: statusCode, headers: { get: (n: string) => lower.get(n.toLowerCase()) } },
  });
}

function exchange(status: number, headers: Record<string, string> = {}): HttpExchange {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, header: (n) => lower.get(n.toLowerCase()) };
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

function hang(signal: AbortSignal, deaf = false): Promise<never> {
  return new Promise((_, reject) => {
    if (!deaf)
      signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), {
        once: true,
      });
  });
}

/** fn failing with the given errors in turn, then returning 'ok'; records attempt times. */
/** A failure is an Error (thrown as is), 'hang' or 'deaf-hang'. */
function failing(clock: { now(): number }, failures: unknown[]) {
  const times: number[] = [];
  const signals: AbortSignal[] = [];
  const fn = async (signal: AbortSignal): Promise<string> => {
    times.push(clock.now());
    signals.push(signal);
    const failure = failures[times.length - 1];
    if (failure === undefined) return 'ok';
    if (failure === 'hang' || failure === 'deaf-hang') return hang(signal, failure === 'deaf-hang');
    throw failure as Error;
  };
  return { fn, times, signals };
}

function options(extra: Partial<RetryOptions> = {}): RetryOptions & { clock: ReturnType<typeof createVirtualClock> } {
  return {
    deadline: HOUR,
    describe: 'GET compute aks-prod',
    clock: createVirtualClock(0),
    ...extra,
  } as RetryOptions & {
    clock: ReturnType<typeof createVirtualClock>;
  };
}

afterEach(() => jest.restoreAllMocks());

describe('classifyAzureFailure', () => {
  test.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [412, false],
    [501, false],
  ])('HTTP %i → retry %s (RestError and HttpExchange alike)', (status, retry) => {
    expect(classifyAzureFailure(restError(status)).retry).toBe(retry);
    expect(classifyAzureFailure(exchange(status)).retry).toBe(retry);
  });

  test.each([
    ['ECONNRESET code', withCode('read ECONNRESET', 'ECONNRESET')],
    ['ECONNREFUSED code', withCode('connect ECONNREFUSED 1.2.3.4:443', 'ECONNREFUSED')],
    ['ETIMEDOUT code', withCode('connect ETIMEDOUT', 'ETIMEDOUT')],
    ['EPIPE code', withCode('write EPIPE', 'EPIPE')],
    ['socket hang up', new Error('socket hang up')],
    [
      'undici fetch failed with a cause',
      Object.assign(new TypeError('fetch failed'), { cause: withCode('other side closed', 'UND_ERR_SOCKET') }),
    ],
    ['other fetch failed', new TypeError('fetch failed')],
    [
      'RestError REQUEST_SEND_ERROR',
      Object.assign(restError(undefined, {}, 'REQUEST_SEND_ERROR'), { message: 'read ECONNRESET' }),
    ],
    [
      'AbortSignal.timeout()',
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
    ],
  ])('network failure: %s → retry', (_name, error) => {
    expect(classifyAzureFailure(error)).toMatchObject({ retry: true, reason: expect.any(String) });
  });

  test.each([
    ['a plain Error', new Error('boom')],
    ['a TypeError', new TypeError('x is not a function')],
    ['our own AzureError', new AzureError('Conflict', 'no', 503)],
    ['our own CancelledError', new CancelledError()],
    ['a string', 'weird'],
    ['undefined', undefined],
  ])('%s → no retry', (_name, error) => {
    expect(classifyAzureFailure(error).retry).toBe(false);
  });

  test.each([
    ['Retry-After seconds', { 'Retry-After': '20' }, 20_000],
    ['Retry-After 0', { 'Retry-After': '0' }, 0],
    ['retry-after-ms wins over Retry-After', { 'Retry-After': '20', 'retry-after-ms': '1500' }, 1500],
    ['x-ms-retry-after-ms', { 'x-ms-retry-after-ms': '2500' }, 2500],
    ['garbage', { 'Retry-After': 'soon' }, undefined],
    ['negative', { 'Retry-After': '-5' }, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(classifyAzureFailure(restError(429, headers)).retryAfterMs).toBe(expected);
    expect(classifyAzureFailure(exchange(503, headers)).retryAfterMs).toBe(expected);
  });

  test('Retry-After as an HTTP date', () => {
    const at = new Date(Date.now() + 10_000).toUTCString(); // second resolution: 9-10 s away
    const ms = classifyAzureFailure(restError(503, { 'Retry-After': at })).retryAfterMs;
    expect(ms).toBeGreaterThan(8_000);
    expect(ms).toBeLessThanOrEqual(10_000);
    expect(parseRetryAfterMs(() => 'Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:30 GMT'))).toBe(
      30_000,
    );
    expect(parseRetryAfterMs(() => 'Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT'))).toBe(
      0,
    );
  });
});

describe('withRetries', () => {
  test('success at once: one call, no retry', async () => {
    const o = options({ onRetry: jest.fn() });
    const { fn, times } = failing(o.clock, []);
    await expect(withRetries(fn, o)).resolves.toBe('ok');
    expect(times).toEqual([0]);
    expect(o.onRetry).not.toHaveBeenCalled();
  });

  test.each([
    ['≥ 10 consecutive 5xx', [500, 502, 503, 504, 500, 502, 503, 504, 500, 503, 503].map((s) => restError(s))],
    [
      'connection resets',
      [withCode('read ECONNRESET', 'ECONNRESET'), new Error('socket hang up'), withCode('x', 'ECONNRESET')],
    ],
    ['429 without Retry-After', [restError(429), restError(429)]],
    ['408 and 504', [restError(408), restError(504)]],
    ['failed HttpExchanges thrown as is', [exchange(503), exchange(429)]],
  ])('%s, then success', async (_name, failures) => {
    const retries: { attempt: number; delayMs: number; reason: string }[] = [];
    const o = options({ onRetry: (i) => retries.push(i) });
    const { fn, times } = failing(o.clock, failures);
    await expect(withRetries(fn, o)).resolves.toBe('ok');
    expect(times).toHaveLength(failures.length + 1);
    expect(retries.map((r) => r.attempt)).toEqual(failures.map((_, i) => i + 1));
    retries.forEach((r, i) => {
      expect(r.reason).toEqual(expect.any(String));
      // Full jitter under min(30 s, 1 s · 2^(attempt-1)) — over a 1 s floor after 429/503 — and slept exactly that.
      const throttled = /HTTP (429|503)/.test(r.reason);
      expect(r.delayMs).toBeLessThanOrEqual(Math.min(30_000, 1000 * 2 ** i) + (throttled ? 1000 : 0));
      if (throttled) expect(r.delayMs).toBeGreaterThanOrEqual(1000);
      expect(times[i + 1] - times[i]).toBe(r.delayMs);
    });
  });

  test('backoff ceiling doubles from 1 s and is capped at 30 s', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const delays: number[] = [];
    const o = options({ onRetry: (i) => delays.push(i.delayMs) });
    const { fn } = failing(
      o.clock,
      Array.from({ length: 8 }, () => restError(500)),
    );
    await withRetries(fn, o);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  test.each([
    ['429', (i: number) => (i % 2 ? restError(429) : exchange(429))],
    ['503', (i: number) => (i % 2 ? restError(503) : exchange(503))],
  ])(
    '%s without Retry-After: never a try within 1 s of it, jittered exponential above that floor',
    async (_s, make) => {
      const draws = [0, 1, 0.5, 0, 0.999, 0.25];
      let n = 0;
      jest.spyOn(Math, 'random').mockImplementation(() => draws[n++ % draws.length]);
      const delays: number[] = [];
      const o = options({ onRetry: (i) => delays.push(i.delayMs) });
      const { fn, times } = failing(
        o.clock,
        draws.map((_, i) => make(i)),
      );
      await withRetries(fn, o);
      times.slice(1).forEach((t, i) => expect(t - times[i]).toBeGreaterThanOrEqual(1000));
      expect(delays).toEqual([1000, 1000 + 2000, 1000 + 2000, 1000, 1000 + 15_984, 1000 + 7500]);
    },
  );

  test('429 with Retry-After: the Retry-After alone is the floor (no extra second on top)', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const o = options();
    const { fn, times } = failing(o.clock, [restError(429, { 'Retry-After': '2' })]);
    await withRetries(fn, o);
    expect(times).toEqual([0, 2000]);
  });

  test('429 with Retry-After: never sooner than it says, even with a large jitter draw', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const o = options();
    const { fn, times } = failing(o.clock, [
      restError(429, { 'Retry-After': '7' }),
      restError(503, { 'retry-after-ms': '250' }),
    ]);
    await withRetries(fn, o);
    expect(times).toEqual([0, 7000, 7250]);
  });

  test('Retry-After as HTTP date is honoured', async () => {
    const o = options();
    const at = new Date(Date.now() + 20_000).toUTCString();
    const { fn, times } = failing(o.clock, [restError(503, { 'Retry-After': at })]);
    await withRetries(fn, o);
    expect(times[1]).toBeGreaterThan(18_000);
  });

  test('non-retryable 400 is thrown at once, as is', async () => {
    const o = options({ onRetry: jest.fn() });
    const bad = restError(400);
    const { fn, times } = failing(o.clock, [bad]);
    await expect(withRetries(fn, o)).rejects.toBe(bad);
    expect(times).toEqual([0]);
    expect(o.onRetry).not.toHaveBeenCalled();
  });

  test('a custom classifier decides', async () => {
    const o = options({ classify: () => ({ retry: true, retryAfterMs: 5000, reason: 'custom' }) });
    const { fn, times } = failing(o.clock, [new Error('anything')]);
    await withRetries(fn, o);
    expect(times).toEqual([0, 5000]);
  });

  test.each(['hang', 'deaf-hang'] as const)(
    'a %s attempt times out (attemptTimeoutMs), its signal aborts, and it is retried',
    async (kind) => {
      const reasons: string[] = [];
      const o = options({ attemptTimeoutMs: 4000, onRetry: (i) => reasons.push(i.reason) });
      const { fn, times, signals } = failing(o.clock, [kind]);
      await expect(withRetries(fn, o)).resolves.toBe('ok');
      expect(times[1]).toBeGreaterThanOrEqual(4000);
      expect(signals[0].aborted).toBe(true);
      expect(signals[1].aborted).toBe(false);
      expect(reasons[0]).toMatch(/4000 ms/);
    },
  );

  test('deadline: never sleeps past it; DeadlineError names the request and the last failure', async () => {
    const o = options({ deadline: 60_000 });
    const { fn, times } = failing(
      o.clock,
      Array.from({ length: 1000 }, () => restError(503)),
    );
    const error = await withRetries(fn, o).catch((e) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(error.message).toContain('GET compute aks-prod');
    expect(error.message).toContain('HTTP 503');
    expect(error.message).toContain(`${times.length} attempts`);
    expect(o.clock.now()).toBeLessThan(60_000);
    expect(o.clock.pendingSleeps).toBe(0);
  });

  test('a Retry-After beyond the deadline gives up at once instead of sleeping', async () => {
    const o = options({ deadline: 10_000 });
    const { fn, times } = failing(o.clock, [restError(429, { 'Retry-After': '30' })]);
    await expect(withRetries(fn, o)).rejects.toBeInstanceOf(DeadlineError);
    expect(times).toEqual([0]);
    expect(o.clock.now()).toBe(0);
  });

  test('an attempt never runs past the deadline', async () => {
    const o = options({ deadline: 10_000, attemptTimeoutMs: 30_000 });
    const { fn } = failing(o.clock, ['hang']);
    await expect(withRetries(fn, o)).rejects.toBeInstanceOf(DeadlineError);
    expect(o.clock.now()).toBe(10_000);
  });

  test('deadline already passed: DeadlineError without calling fn', async () => {
    const o = options({ deadline: -1 });
    const fn = jest.fn();
    await expect(withRetries(fn, o)).rejects.toBeInstanceOf(DeadlineError);
    expect(fn).not.toHaveBeenCalled();
  });

  test.each([
    ['while backing off', [restError(503, { 'Retry-After': '60' })], 3000],
    ['during a hung attempt', ['hang'], 3000],
    ['during a deaf hung attempt', ['deaf-hang'], 3000],
  ])('abort %s → CancelledError at once', async (_name, failures, abortAt) => {
    const controller = new AbortController();
    const o = options({ signal: controller.signal });
    void o.clock.sleep(abortAt).then(() => controller.abort());
    const { fn } = failing(o.clock, failures);
    await expect(withRetries(fn, o)).rejects.toBeInstanceOf(CancelledError);
    expect(o.clock.now()).toBe(abortAt);
    expect(o.clock.pendingSleeps).toBe(0);
  });

  test('already aborted: CancelledError without calling fn', async () => {
    const fn = jest.fn();
    await expect(withRetries(fn, options({ signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(CancelledError);
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('real clock', () => {
  const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  test('the 30 s attempt timer does not outlive a quick success or failure', async () => {
    const before = timeouts();
    await expect(
      withRetries(async () => 'ok', { deadline: Date.now() + HOUR, describe: 'x', clock: systemClock }),
    ).resolves.toBe('ok');
    await expect(
      withRetries(async () => Promise.reject(restError(400)), { deadline: Date.now() + HOUR, describe: 'x' }),
    ).rejects.toMatchObject({ statusCode: 400 });
    expect(timeouts()).toBe(before);
  });

  test('abort during a hung attempt rejects within milliseconds and leaves no timer', async () => {
    const before = timeouts();
    const controller = new AbortController();
    const pending = withRetries((signal) => hang(signal), {
      deadline: Date.now() + HOUR,
      describe: 'x',
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 20));
    const abortedAt = Date.now();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - abortedAt).toBeLessThan(200); // generous for loaded CI machines; the attempt would hang 30 s
    expect(timeouts()).toBe(before);
  });
});
