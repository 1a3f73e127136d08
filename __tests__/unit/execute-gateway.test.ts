/**
 * The gateway under the executor: per-request timeout from the environment, a Retry-After that
 * holds back every request of the run (not only the retried one), transient token endpoint
 * failures retried, permanent ones not, a PUT on the wire allowed to finish after a cancellation
 * (nothing half-sent) but nothing new sent, and status URLs kept without their signatures.
 */
import { createVirtualClock, type VirtualClock } from '../../testkit/virtual-clock';
import type { AzureClients } from '../../src/core/azure/clients';
import { MUTATION_GRACE_MS } from '../../src/core/azure/arm-requests';
import { REQUEST_TIMEOUT_ENV, requestTimeoutFromEnv } from '../../src/core/azure/request-timeout';
import { computeResourceId } from '../../src/core/azure/arm-id';
import { ArmGateway } from '../../src/core/azure/gateway';
import { OperationTracker } from '../../src/core/azure/operation-tracker';
import type { HttpExchange } from '../../src/core/azure/http-exchange';
import { AzureError, CancelledError } from '../../src/core/contract/errors';
import { SecretRedactor } from '../../src/core/contract/secrets';

const TARGET = { subscriptionId: 's', resourceGroup: 'rg', workspaceName: 'ws', computeName: 'aks-prod' };
const SIGNED =
  'https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op1?api-version=2022-10-01&sig=SECRETSIG&se=2099&skoid=abc';

function throttled(seconds: number): Error {
  return Object.assign(new Error('Too many requests'), {
    statusCode: 429,
    response: { headers: { get: (n: string) => (n === 'retry-after' ? String(seconds) : undefined) } },
  });
}

function authFailure(message: string): Error {
  return Object.assign(new Error(message), { name: 'AuthenticationRequiredError' });
}

interface Harness {
  gateway: ArmGateway;
  operations: OperationTracker;
  clock: VirtualClock;
  calls: Array<{ what: string; at: number }>;
  controller: AbortController;
  debug: string[];
}

/** A gateway over scripted SDK clients: each method answers from its queue (errors are thrown), then succeeds. */
function harness(
  script: Partial<Record<'getCompute' | 'getWorkspace' | 'put' | 'sendGet', Array<unknown>>> = {},
  options: { requestTimeoutMs?: number; real?: boolean } = {},
): Harness {
  const clock = createVirtualClock(0);
  const calls: Harness['calls'] = [];
  const controller = new AbortController();
  const debug: string[] = [];
  const answer = async (what: keyof typeof script, fallback: unknown) => {
    calls.push({ what, at: clock.now() });
    const step = script[what]?.length ? script[what].shift() : fallback;
    if (step instanceof Error) throw step;
    return typeof step === 'function' ? (step as () => unknown)() : step;
  };
  const clients = {
    ml: {
      computeOperations: {
        get: () => answer('getCompute', { name: 'aks-prod' }),
        beginCreateOrUpdate: async (
          _rg: string,
          _ws: string,
          _n: string,
          _body: unknown,
          o: { abortSignal: AbortSignal; onResponse: (raw: unknown) => void },
        ) => {
          const r = (await answer('put', { status: 201 })) as { status: number; delayMs?: number };
          // A slow answer, cut short by an abort as a real request is (no timer outlives the test).
          if (r.delayMs)
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, r.delayMs);
              o.abortSignal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
            });
          if (o.abortSignal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
          o.onResponse({
            status: r.status,
            headers: { get: (n: string) => (n === 'azure-asyncoperation' ? SIGNED : undefined) },
            request: { url: 'https://management.azure.com/x' },
          });
          return {};
        },
        beginDelete: async () => ({}),
        list: () => ({ [Symbol.asyncIterator]: async function* () {} }),
      },
      workspaces: { get: () => answer('getWorkspace', { location: 'eastus' }) },
    },
    containerService: () => ({}),
    sendGet: (url: string) =>
      answer('sendGet', {
        status: 200,
        header: () => undefined,
        bodyText: '{"status":"Succeeded"}',
      } satisfies HttpExchange).then((x) => ((calls[calls.length - 1].what = `sendGet ${url}`), x)),
  } as unknown as AzureClients;
  const operations = new OperationTracker(
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/aks-prod',
  );
  const gateway = new ArmGateway(clients, TARGET, {
    operations,
    deadline: (options.real ? Date.now() : 0) + 3_600_000,
    signal: controller.signal,
    clock: options.real
      ? {
          now: () => Date.now(),
          sleep: (ms, s) =>
            new Promise((r, j) => {
              const t = setTimeout(r, ms);
              s?.addEventListener('abort', () => (clearTimeout(t), j(new CancelledError())));
            }),
        }
      : clock,
    redactor: new SecretRedactor(),
    debug: (m) => debug.push(m),
    requestTimeoutMs: options.requestTimeoutMs,
  });
  return { gateway, operations, clock, calls, controller, debug };
}

describe(`${REQUEST_TIMEOUT_ENV}`, () => {
  test.each([
    ['1500', 1500],
    [' 30000 ', 30000],
    ['100', 100],
    ['600000', 600000],
    ['99', undefined],
    ['600001', undefined],
    ['1.5', undefined],
    ['abc', undefined],
    ['', undefined],
  ])('%j → %p', (value, expected) => {
    expect(requestTimeoutFromEnv({ [REQUEST_TIMEOUT_ENV]: value })).toBe(expected);
  });

  test('unset → undefined (the 30 s default applies)', () => {
    expect(requestTimeoutFromEnv({})).toBeUndefined();
  });
});

describe('Retry-After holds back every request of the run', () => {
  test('a 429 with Retry-After: 5 on one read: the retry and the next, unrelated request both wait 5 s', async () => {
    const h = harness({ getCompute: [throttled(5)] });
    await h.gateway.getCompute();
    await h.gateway.getWorkspaceLocation();
    expect(h.calls.map((c) => [c.what, c.at])).toEqual([
      ['getCompute', 0],
      ['getCompute', 5_000],
      ['getWorkspace', 5_000],
    ]);
  });

  test('a concurrent request is not sent while the window is open', async () => {
    const h = harness({ getCompute: [throttled(3)] });
    const first = h.gateway.getCompute();
    await new Promise((r) => setImmediate(r));
    const second = h.gateway.getWorkspaceLocation();
    await Promise.all([first, second]);
    expect(h.calls.filter((c) => c.what === 'getWorkspace').every((c) => c.at === 0 || c.at >= 3_000)).toBe(true);
  });

  test('a status poll inside the window is not sent either', async () => {
    const h = harness({
      getCompute: [throttled(4)],
      sendGet: [{ status: 200, header: () => undefined, bodyText: '{"status":"InProgress"}' }],
    });
    await h.gateway.getCompute();
    const outcome = await h.gateway.waitFor(
      {
        method: 'PUT',
        requestUrl: 'https://management.azure.com/x',
        status: 201,
        header: (n) => (n === 'azure-asyncoperation' ? SIGNED : undefined),
      },
      () => undefined,
    );
    expect(outcome.status).toBe('Succeeded');
    expect(h.calls.filter((c) => c.what.startsWith('sendGet')).every((c) => c.at >= 4_000)).toBe(true);
  });
});

describe('token endpoint failures', () => {
  test('transient (temporarily_unavailable, 503, throttled): retried', async () => {
    const h = harness({
      getCompute: [
        authFailure('temporarily_unavailable: Error(s): Not Available - Description: HTTP 503.'),
        authFailure(': Injected fault: HTTP 429.'),
      ],
    });
    await expect(h.gateway.getCompute()).resolves.toEqual({ name: 'aks-prod' });
    expect(h.calls).toHaveLength(3);
    expect(h.debug.join('\n')).toMatch(/the token endpoint failed/);
  });

  test('permanent (AADSTS7000215 invalid secret): not retried, reported as AuthenticationFailed', async () => {
    const h = harness({
      getCompute: [authFailure('invalid_client: AADSTS7000215: Invalid client secret provided. Trace ID: x')],
    });
    const error = await h.gateway.getCompute().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AzureError);
    expect((error as AzureError).code).toBe('AuthenticationFailed');
    expect(h.calls).toHaveLength(1);
  });

  test('a status poll whose token cannot be had for now is retried, not failed', async () => {
    const h = harness({ sendGet: [authFailure('temporarily_unavailable: HTTP 503')] });
    const outcome = await h.gateway.waitFor(
      {
        method: 'PUT',
        requestUrl: 'https://management.azure.com/x',
        status: 201,
        header: (n) => (n === 'azure-asyncoperation' ? SIGNED : undefined),
      },
      () => undefined,
    );
    expect(outcome.status).toBe('Succeeded');
    expect(outcome.polls).toBe(2);
  });
});

describe('cancellation and mutations', () => {
  test(`a PUT on the wire when the run is cancelled is allowed to finish (within ${MUTATION_GRACE_MS} ms); its operation is kept, its URL without signatures`, async () => {
    const h = harness({ put: [{ status: 201, delayMs: 200 }] }, { real: true });
    const putting = h.gateway.beginCreateOrUpdate({});
    await new Promise((r) => setTimeout(r, 50));
    expect(h.operations.requestInFlight).toBe('attach (PUT)');
    h.controller.abort();
    const start = await putting;
    expect(start.status).toBe(201);
    expect(h.operations.requestInFlight).toBeUndefined();
    expect(h.operations.operationInProgress).toEqual({ what: 'attach (PUT)', url: SIGNED.split('&')[0] });
    expect(h.operations.statusUrl).not.toMatch(/sig=|SECRETSIG/);
    // Nothing new goes out once cancelled.
    await expect(h.gateway.beginCreateOrUpdate({})).rejects.toBeInstanceOf(CancelledError);
    await expect(h.gateway.waitFor(start, () => undefined)).rejects.toBeInstanceOf(CancelledError);
    expect(h.calls.filter((c) => c.what === 'put')).toHaveLength(1);
    expect(await h.gateway.peekCompute()).toBeUndefined();
  });

  test(`a PUT that outlives the grace is cut ${MUTATION_GRACE_MS} ms after the cancellation`, async () => {
    const h = harness({ put: [{ status: 201, delayMs: MUTATION_GRACE_MS + 2_000 }] }, { real: true });
    const putting = h.gateway.beginCreateOrUpdate({}).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    const cancelledAt = Date.now();
    h.controller.abort();
    expect(await putting).toBeInstanceOf(CancelledError);
    expect(Date.now() - cancelledAt).toBeGreaterThanOrEqual(MUTATION_GRACE_MS - 50);
    expect(Date.now() - cancelledAt).toBeLessThan(MUTATION_GRACE_MS + 1_000);
  }, 10_000);

  test('the compute id is known from the start (before any request)', () => {
    expect(
      computeResourceId(TARGET.subscriptionId, TARGET.resourceGroup, TARGET.workspaceName, TARGET.computeName),
    ).toBe(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/aks-prod',
    );
  });
});
