/**
 * The executor against a scripted gateway on a virtual clock: what converges (transient failures
 * retried within the deadline, another run's operation waited out), and the exact statement every
 * other failure ends with.
 */
import type { ComputeResource } from '@azure/arm-machinelearning';
import { createVirtualClock, type VirtualClock } from '../../testkit/virtual-clock';
import type { ComputeGateway } from '../../src/core/azure/gateway';
import { OperationTracker } from '../../src/core/azure/operation-tracker';
import type { LroOutcome, LroStart } from '../../src/core/azure/poller';
import { AzureError, CancelledError, DeadlineError, StateError } from '../../src/core/contract/errors';
import { executePlan, type ExecutionContext } from '../../src/core/execute/execute';
import { matchesRequest } from '../../src/core/execute/judge';
import { MAX_ATTACH_ATTEMPTS } from '../../src/core/execute/retry-budget';
import { waitUntilSettled } from '../../src/core/execute/waiting';
import type { AttachRequest, Plan } from '../../src/core/plan/plan';
import { toComputeResource } from '../../src/core/execute/compute-body';
import { recordingPlatform, type RecordingPlatform } from '../../testkit/recording-platform';

const CLUSTER =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const OTHER_CLUSTER = CLUSTER.replace('aks-prod', 'aks-other');
const STATUS =
  'https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op1?api-version=2022-10-01';
const HOUR = 3_600_000;

const request = (extra: Partial<AttachRequest> = {}): AttachRequest => ({
  computeName: 'aks-prod',
  location: 'eastus',
  clusterId: CLUSTER,
  purpose: 'FastProd',
  loadBalancerType: 'PublicIp',
  tls: { status: 'Disabled' },
  tags: { 'managed-by': 'aks-aml-attach' },
  ...extra,
});

const plan = (action: Plan['action'], attach: AttachRequest | undefined = request()): Plan => ({
  action,
  attach: action === 'detach' ? undefined : attach,
  reasons: [],
  drift: [],
  consequences: [],
});

/** The compute as Azure would show it after attaching `req`. */
function attached(req: AttachRequest = request(), state = 'Succeeded'): ComputeResource {
  const body = toComputeResource(req);
  const props = body.properties as Record<string, any>;
  if (props.properties?.sslConfiguration) {
    delete props.properties.sslConfiguration.cert;
    delete props.properties.sslConfiguration.key;
  }
  return {
    ...body,
    id: '/subscriptions/s/.../computes/aks-prod',
    name: 'aks-prod',
    properties: { ...(body.properties as object), provisioningState: state } as ComputeResource['properties'],
  };
}

const started = (method: 'PUT' | 'DELETE'): LroStart => ({
  method,
  requestUrl: 'https://management.azure.com/x',
  status: method === 'PUT' ? 201 : 202,
  header: (n) => (n === 'azure-asyncoperation' ? STATUS : undefined),
});

type Step<T> = T | Error | ((fake: FakeGateway) => T | Promise<T>);

/**
 * A gateway whose answers are scripted per call; unscripted calls behave like a healthy Azure:
 * DELETE removes the compute, PUT attaches it as requested, operations succeed.
 */
class FakeGateway implements ComputeGateway {
  compute?: ComputeResource;
  readonly calls: string[] = [];
  readonly operations = new OperationTracker(
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/aks-prod',
  );
  detaches: Array<Step<LroStart>> = [];
  puts: Array<Step<LroStart>> = [];
  outcomes: Array<Step<LroOutcome>> = [];
  /** States the compute goes through on successive reads (then stays at the last). */
  reads: Array<Step<ComputeResource | undefined>> = [];
  private pending?: { method: 'PUT' | 'DELETE'; body?: ComputeResource; update?: boolean };
  /** Bodies of the updates in place, as sent. */
  readonly updates: Array<Record<string, unknown>> = [];

  constructor(readonly clock: VirtualClock) {}

  private async next<T>(queue: Array<Step<T>>, fallback: () => T): Promise<T> {
    const step = queue.length > 0 ? queue.shift()! : fallback;
    if (step instanceof Error) throw step;
    return typeof step === 'function' ? await (step as (f: FakeGateway) => T)(this) : step;
  }

  async beginDetach(): Promise<LroStart> {
    this.calls.push('DELETE');
    this.operations.sending('detach (DELETE)');
    const start = await this.next(this.detaches, () => started('DELETE')).finally(() => this.operations.answered());
    this.pending = { method: 'DELETE' };
    this.operations.operationStarted('detach (DELETE)', STATUS);
    return start;
  }

  async beginCreateOrUpdate(body: ComputeResource): Promise<LroStart> {
    this.calls.push('PUT');
    this.operations.sending('attach (PUT)');
    const start = await this.next(this.puts, () => started('PUT')).finally(() => this.operations.answered());
    this.pending = { method: 'PUT', body };
    this.operations.operationStarted('attach (PUT)', STATUS);
    return start;
  }

  async beginUpdateInPlace(body: Record<string, unknown>): Promise<LroStart> {
    this.calls.push('PUT');
    this.updates.push(body);
    this.operations.sending('update (PUT)');
    const start = await this.next(this.puts, () => started('PUT')).finally(() => this.operations.answered());
    this.pending = { method: 'PUT', body: body, update: true };
    this.operations.operationStarted('update (PUT)', STATUS);
    return start;
  }

  async waitFor(): Promise<LroOutcome> {
    this.calls.push('wait');
    const outcome = await this.next<LroOutcome>(this.outcomes, () => ({
      status: 'Succeeded',
      polls: 2,
      elapsedMs: 2_000,
    }));
    if (outcome.status === 'Succeeded' && this.pending?.method === 'DELETE') this.compute = undefined;
    if (outcome.status === 'Succeeded' && this.pending?.method === 'PUT')
      this.compute = {
        ...this.pending.body!,
        properties: {
          ...(this.pending.body!.properties as object),
          provisioningState: 'Succeeded',
        } as ComputeResource['properties'],
      };
    if (outcome.status !== 'Succeeded' && this.pending?.update && this.compute)
      this.compute = {
        ...this.compute,
        properties: { ...this.compute.properties!, provisioningState: outcome.status },
      };
    else if (outcome.status !== 'Succeeded' && this.pending?.method === 'PUT')
      this.compute = attached(request(), outcome.status);
    this.operations.operationFinished();
    return outcome;
  }

  async getCompute(): Promise<ComputeResource | undefined> {
    this.calls.push('GET');
    if (this.reads.length > 0) this.compute = await this.next(this.reads, () => this.compute);
    return this.compute;
  }

  async peekCompute(): Promise<{ compute?: ComputeResource }> {
    this.calls.push('peek');
    return { compute: this.compute };
  }

  async listComputes(): Promise<ComputeResource[]> {
    this.calls.push('LIST');
    return this.compute ? [this.compute] : [];
  }

  async getWorkspaceLocation(): Promise<string> {
    this.calls.push('GET workspace');
    return 'eastus';
  }
}

let clock: VirtualClock;
let gateway: FakeGateway;
let platform: RecordingPlatform;
let controller: AbortController;

beforeEach(() => {
  clock = createVirtualClock(0);
  gateway = new FakeGateway(clock);
  platform = recordingPlatform();
  controller = new AbortController();
});

const ctx = (deadline = HOUR): ExecutionContext => ({
  gateway,
  operations: gateway.operations,
  platform,
  clock,
  computeName: 'aks-prod',
  deadline,
  signal: controller.signal,
});
const writes = () => gateway.calls.filter((c) => c === 'PUT' || c === 'DELETE');

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

const FINGERPRINT = 'ab'.repeat(32);
/** TLS with a custom certificate whose fingerprint is FINGERPRINT. */
const withCertificate = (extra: Partial<AttachRequest> = {}) =>
  request({
    tls: {
      status: 'Enabled',
      certPem: 'CERT',
      keyPem: 'KEY',
      cname: 'scoring.contoso.com',
      fingerprintSha256: FINGERPRINT,
      expiresOn: new Date('2030-01-01T00:00:00Z'),
    },
    ...extra,
  });

describe('update in place', () => {
  const cert = withCertificate();
  const updatePlan = (current: ComputeResource, desired = cert): Plan => ({
    ...plan('update', desired),
    update: { current, replaceTls: true, replaceLoadBalancer: false, renew: false },
  });

  test('one PUT of the compute as read, with only the TLS settings replaced; no DELETE', async () => {
    const current = attached();
    gateway.compute = current;
    const records = await executePlan(updatePlan(current), ctx());
    expect(writes()).toEqual(['PUT']);
    expect(records.map((r) => r.step)).toEqual(['update']);
    const body = gateway.updates[0] as Record<string, any>;
    expect(body.properties.resourceId).toBe(CLUSTER);
    expect(body.properties.properties.sslConfiguration).toEqual({
      status: 'Enabled',
      cert: 'CERT',
      key: 'KEY',
      cname: 'scoring.contoso.com',
    });
    // readOnly in the spec: never sent back
    expect(body.id).toBeUndefined();
    expect(body.properties.provisioningState).toBeUndefined();
    expect(platform.lines).toContain('Updated aks-prod in place; it stayed attached.');
  });

  test('Azure refuses the update (400): the compute is still attached as it was; refresh reattaches instead', async () => {
    const current = attached();
    gateway.compute = current;
    gateway.puts = [new AzureError('BadRequest', 'invalid', 400)];
    const error = (await failure(executePlan(updatePlan(current), ctx()))) as AzureError;
    expect(error.code).toBe('BadRequest');
    expect(writes()).toEqual(['PUT']);
    expect(error.recovery).toBe(
      `Azure refused the update: compute 'aks-prod' is still attached as it was (Succeeded, bound to the cluster ${CLUSTER}); its web services stay attached. Re-running the same step tries the update again. To replace the settings by a detach and a reattach instead, run it with operation: refresh (its web services are unreachable meanwhile).`,
    );
  });

  test('the update operation ends Failed: still attached, nothing detached; the re-run reattaches the Failed compute', async () => {
    const current = attached();
    gateway.compute = current;
    gateway.outcomes = [{ status: 'Failed', polls: 3, elapsedMs: 9_000, error: { code: 'BadRequest', message: 'no' } }];
    const error = (await failure(executePlan(updatePlan(current), ctx()))) as AzureError;
    expect(writes()).toEqual(['PUT']);
    expect(error.recovery).toMatch(
      /^The update in place did not complete: compute 'aks-prod' is still attached \(Failed/,
    );
    expect(error.recovery).toMatch(/re-running the same step detaches and reattaches it/);
  });
});

describe('update in place whose answer was lost: read back, then done, sent again, or failed; never a DELETE', () => {
  const cert = withCertificate({ tags: { 'managed-by': 'aks-aml-attach', 'tls-certificate-sha256': FINGERPRINT } });
  const updatePlan = (current: ComputeResource, renew = false): Plan => ({
    ...plan('update', cert),
    update: { current, replaceTls: !renew, replaceLoadBalancer: false, renew },
  });
  const reset = () => new AzureError('ConnectionFailed', 'the connection to Azure failed (socket hang up)', undefined);
  /** The compute once Azure applied the update: the new certificate's fingerprint in its tag. */
  const applied = (state = 'Succeeded') => attached(cert, state);

  test('dropped, and Azure did not act: the same PUT goes again and the compute is updated', async () => {
    const current = attached();
    gateway.compute = current;
    gateway.puts = [reset()];
    const records = await executePlan(updatePlan(current), ctx());
    expect(records.map((r) => r.step)).toEqual(['update']);
    expect(gateway.calls).toEqual(['PUT', 'GET', 'PUT', 'wait']);
    expect(gateway.updates[1]).toEqual(gateway.updates[0]);
    expect(platform.lines).toContain(
      'warning: Azure did not act on the update of aks-prod; sending it again (attempt 2 of 3).',
    );
    expect(platform.lines).toContain('Updated aks-prod in place; it stayed attached.');
  });

  test('dropped, but Azure acted: the compute is waited for while Updating, and not sent again', async () => {
    const current = attached();
    gateway.compute = current;
    gateway.puts = [new AzureError('InternalServerError', 'boom', 500)];
    gateway.reads = [applied('Updating'), applied('Updating'), applied()];
    const records = await executePlan(updatePlan(current), ctx());
    expect(records.map((r) => r.step)).toEqual(['update']);
    expect(writes()).toEqual(['PUT']);
    expect(gateway.calls).toEqual(['PUT', 'GET', 'GET', 'GET']);
    expect(platform.lines).toContain('Azure did act on the update of aks-prod: the desired settings are in place.');
  });

  test('dropped, and the update Azure received failed: said so, still attached, nothing detached', async () => {
    const current = attached();
    gateway.compute = current;
    gateway.puts = [reset()];
    gateway.reads = [attached(request(), 'Updating'), attached(request(), 'Failed')];
    const error = (await failure(executePlan(updatePlan(current), ctx()))) as AzureError;
    expect(writes()).toEqual(['PUT']);
    expect(error.recovery).toMatch(
      /^The update in place did not complete: compute 'aks-prod' is still attached \(Failed/,
    );
    expect(error.recovery).toMatch(/re-running the same step detaches and reattaches it/);
  });

  test('a renewal (no setting changes): resent when the compute never went Updating, done when it did', async () => {
    const current = attached();
    gateway.compute = current;
    gateway.puts = [reset()];
    await executePlan(updatePlan(current, true), ctx());
    expect(gateway.calls).toEqual(['PUT', 'GET', 'PUT', 'wait']);

    gateway.calls.length = 0;
    gateway.compute = current;
    gateway.puts = [reset()];
    gateway.reads = [attached(request(), 'Updating'), current];
    await executePlan(updatePlan(current, true), ctx());
    expect(gateway.calls).toEqual(['PUT', 'GET', 'GET']);
  });

  test('another run changed the compute meanwhile: not sent again over it', async () => {
    const current = attached();
    gateway.compute = current;
    gateway.puts = [reset()];
    gateway.reads = [attached(request({ loadBalancerType: 'InternalLoadBalancer' }))];
    const error = await failure(executePlan(updatePlan(current), ctx()));
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toMatch(/another operation changed compute 'aks-prod' while this step was updating it/);
    expect(writes()).toEqual(['PUT']);
  });

  test('dropped every time: three PUTs (the retry budget), then the failure with what a re-run does', async () => {
    const current = attached();
    gateway.compute = current;
    gateway.puts = [reset(), reset(), reset()];
    const error = (await failure(executePlan(updatePlan(current), ctx()))) as AzureError;
    expect(error.code).toBe('ConnectionFailed');
    expect(writes()).toEqual(['PUT', 'PUT', 'PUT']);
    expect(gateway.calls.filter((c) => c === 'DELETE')).toEqual([]);
    expect(error.recovery).toMatch(/still attached as it was \(Succeeded/);
  });
});

describe('detach, then reattach', () => {
  test('healthy: DELETE, wait, PUT, wait', async () => {
    gateway.compute = attached();
    const records = await executePlan(plan('reattach'), ctx());
    expect(writes()).toEqual(['DELETE', 'PUT']);
    expect(records.map((r) => r.step)).toEqual(['detach', 'attach']);
    expect(gateway.compute?.properties?.provisioningState).toBe('Succeeded');
  });

  test(`the attach refused every time (503): ${MAX_ATTACH_ATTEMPTS} attempts with growing pauses, then DETACHED, cluster untouched, re-run reattaches`, async () => {
    gateway.compute = attached();
    const refused = () => new AzureError('ServiceUnavailable', 'try later', 503);
    gateway.puts = [refused(), refused(), refused()];
    const putTimes: number[] = [];
    const original = gateway.beginCreateOrUpdate.bind(gateway);
    gateway.beginCreateOrUpdate = (body) => (putTimes.push(clock.now()), original(body));
    const error = (await failure(executePlan(plan('reattach'), ctx()))) as AzureError;
    expect(error).toBeInstanceOf(AzureError);
    expect(error.code).toBe('ServiceUnavailable');
    expect(error.recovery).toBe(
      `Compute 'aks-prod' is DETACHED: the cluster ${CLUSTER} is untouched, but the workspace has no compute named 'aks-prod'. Re-running the same step reattaches it.`,
    );
    expect(writes()).toEqual(['DELETE', 'PUT', 'PUT', 'PUT']);
    expect(putTimes[1] - putTimes[0]).toBeGreaterThanOrEqual(2_000);
    expect(putTimes[2] - putTimes[1]).toBeGreaterThanOrEqual(4_000);
    expect(
      platform.lines.filter((l) =>
        l.startsWith('warning: The attach of aks-prod failed (ServiceUnavailable: try later); trying again'),
      ),
    ).toHaveLength(2);
  });

  test('a refusal that is not transient (400) is not retried', async () => {
    gateway.compute = attached();
    gateway.puts = [new AzureError('BadRequest', 'invalid', 400)];
    const error = (await failure(executePlan(plan('reattach'), ctx()))) as AzureError;
    expect(error.code).toBe('BadRequest');
    expect(writes()).toEqual(['DELETE', 'PUT']);
    expect(error.recovery).toMatch(/is DETACHED/);
  });

  test('no retry when the deadline leaves no room for another attempt', async () => {
    gateway.compute = attached();
    gateway.puts = [new AzureError('ServiceUnavailable', 'try later', 503)];
    const error = (await failure(executePlan(plan('reattach'), ctx(10_000)))) as AzureError;
    expect(writes()).toEqual(['DELETE', 'PUT']);
    expect(error.recovery).toMatch(/is DETACHED/);
  });

  test('the attach operation ends Failed with a transient code: the Failed leftover is detached, the attach retried', async () => {
    gateway.compute = attached();
    gateway.outcomes = [
      { status: 'Succeeded', polls: 1, elapsedMs: 1_000 },
      { status: 'Failed', error: { code: 'InternalServerError', message: 'oops' }, polls: 1, elapsedMs: 1_000 },
    ];
    const records = await executePlan(plan('reattach'), ctx());
    expect(writes()).toEqual(['DELETE', 'PUT', 'DELETE', 'PUT']);
    expect(records.map((r) => r.step)).toEqual(['detach', 'detach', 'attach']);
    expect(gateway.compute?.properties?.provisioningState).toBe('Succeeded');
  });

  test('a create whose operation fails (even transiently) is not retried: a second create would orphan the cluster Azure ML made', async () => {
    const create = request({ clusterId: undefined, create: { agentCount: 3, vmSize: 'Standard_D3_v2' } });
    gateway.outcomes = [
      { status: 'Failed', error: { code: 'InternalServerError', message: 'oops' }, polls: 1, elapsedMs: 1 },
    ];
    const error = (await failure(executePlan(plan('create', create), ctx()))) as AzureError;
    expect(error.code).toBe('InternalServerError');
    expect(writes()).toEqual(['PUT']);
    expect(error.recovery).toBe(
      `Compute 'aks-prod' was not created. Re-running the same step tries again: the compute is left Failed, bound to the cluster ${CLUSTER}, which is untouched; the re-run detaches it and attaches the cluster Azure ML created for it.`,
    );
  });

  test('a create refused before Azure accepted it (503) is retried', async () => {
    const create = request({ clusterId: undefined, create: { agentCount: 3, vmSize: 'Standard_D3_v2' } });
    gateway.puts = [new AzureError('ServiceUnavailable', 'try later', 503)];
    await executePlan(plan('create', create), ctx());
    expect(writes()).toEqual(['PUT', 'PUT']);
  });

  test('a leftover bound to another cluster (another run) is never detached: StateError', async () => {
    gateway.compute = attached();
    gateway.outcomes = [
      { status: 'Succeeded', polls: 1, elapsedMs: 1 },
      { status: 'Failed', error: { code: 'InternalServerError', message: 'oops' }, polls: 1, elapsedMs: 1 },
    ];
    // Reads: the leftover after the failed attach (the detach itself is not read back).
    gateway.reads = [attached(request({ clusterId: OTHER_CLUSTER }), 'Failed')];
    const error = await failure(executePlan(plan('reattach'), ctx()));
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toMatch(
      /another operation changed compute 'aks-prod' while this step was retrying: it is now Failed, bound to .*aks-other/,
    );
    expect(writes()).toEqual(['DELETE', 'PUT']);
  });

  test('the detach operation ends Failed (not transient): the statement says the detach did not complete; nothing attached', async () => {
    gateway.compute = attached();
    gateway.outcomes = [{ status: 'Failed', error: { code: 'DetachFailed', message: 'nope' }, polls: 1, elapsedMs: 1 }];
    gateway.reads = [];
    const original = gateway.waitFor.bind(gateway);
    gateway.waitFor = async () => {
      const o = await original();
      gateway.compute = attached(request(), 'Failed');
      return o;
    };
    const error = (await failure(executePlan(plan('reattach'), ctx()))) as AzureError;
    expect(error.code).toBe('DetachFailed');
    expect(error.recovery).toBe(
      `The detach of compute 'aks-prod' did not complete: it is left Failed, still bound to the cluster ${CLUSTER}, which is untouched. Re-running the same step retries: the re-run detaches it and attaches it anew.`,
    );
    expect(writes()).toEqual(['DELETE']);
  });
});

describe('answers lost and operations of other runs', () => {
  test('the PUT answer is lost (connection reset) but Azure took it: waited for, no second PUT', async () => {
    gateway.puts = [
      (fake) => {
        fake.compute = attached(request(), 'Updating');
        fake.reads = [attached(request(), 'Updating'), attached(request(), 'Succeeded')];
        throw new AzureError('ConnectionFailed', 'the connection to Azure failed (ECONNRESET)');
      },
    ];
    const records = await executePlan(plan('attach'), ctx());
    expect(writes()).toEqual(['PUT']);
    expect(records.map((r) => r.step)).toEqual(['attach']);
    expect(platform.lines).toContain(
      'The attach of aks-prod was accepted by Azure although its answer was lost; waiting for it.',
    );
  });

  test('PUT answered 409 while another run attaches: waited out; the same settings count as done, nothing more sent', async () => {
    gateway.puts = [
      (fake) => {
        fake.reads = [
          attached(request(), 'Updating'),
          attached(request(), 'Updating'),
          attached(request(), 'Succeeded'),
        ];
        throw new AzureError('Conflict', 'operation in progress', 409);
      },
    ];
    const records = await executePlan(plan('attach'), ctx());
    expect(writes()).toEqual(['PUT']);
    expect(records.map((r) => r.step)).toEqual(['wait', 'attach']);
    expect(platform.lines.some((l) => l.startsWith('Azure answered 409 Conflict to the attach of aks-prod'))).toBe(
      true,
    );
  });

  test('PUT answered 409 and the other run attached other settings: StateError, nothing detached', async () => {
    gateway.puts = [
      (fake) => {
        fake.reads = [attached(request({ purpose: 'DevTest' }), 'Succeeded')];
        throw new AzureError('Conflict', 'exists', 409);
      },
    ];
    const error = await failure(executePlan(plan('attach'), ctx()));
    expect(error).toBeInstanceOf(StateError);
    expect(error.message).toMatch(
      /another operation changed compute 'aks-prod' while this step was about to attach it/,
    );
    expect(error.message).toMatch(/concurrency:/);
    expect(writes()).toEqual(['PUT']);
  });

  test('DELETE answered 409, and the other run leaves the compute as desired: left alone, no attach', async () => {
    gateway.compute = attached(request({ purpose: 'DevTest' }));
    gateway.detaches = [
      (fake) => {
        fake.reads = [
          attached(request(), 'Deleting'),
          attached(request(), 'Updating'),
          attached(request(), 'Succeeded'),
        ];
        throw new AzureError('Conflict', 'operation in progress', 409);
      },
    ];
    const records = await executePlan(plan('reattach'), ctx());
    expect(writes()).toEqual(['DELETE']);
    expect(records.map((r) => r.step)).toEqual(['wait']);
  });

  test('DELETE answered 409, the other run detaches and starts attaching: no DetachIncomplete; the PUT meets 409 and finds it done', async () => {
    gateway.compute = attached(request({ purpose: 'DevTest' }));
    gateway.detaches = [
      (fake) => {
        fake.reads = [attached(request(), 'Deleting'), undefined, attached(request(), 'Updating')];
        throw new AzureError('Conflict', 'operation in progress', 409);
      },
    ];
    gateway.puts = [
      (fake) => {
        fake.reads = [attached(request(), 'Updating'), attached(request(), 'Succeeded')];
        throw new AzureError('Conflict', 'operation in progress', 409);
      },
    ];
    const records = await executePlan(plan('reattach'), ctx());
    expect(writes()).toEqual(['DELETE', 'PUT']);
    expect(records.map((r) => r.step)).toEqual(['wait', 'detach', 'wait', 'attach']);
    expect(platform.lines).toContain(
      'Compute aks-prod was removed by the other operation; there is nothing left to detach.',
    );
  });

  test('DELETE answered 409, and the other run removes the compute: the attach follows', async () => {
    gateway.compute = attached(request({ purpose: 'DevTest' }));
    gateway.detaches = [
      (fake) => {
        fake.reads = [attached(request(), 'Deleting'), undefined];
        throw new AzureError('Conflict', 'operation in progress', 409);
      },
    ];
    await executePlan(plan('reattach'), ctx());
    expect(writes()).toEqual(['DELETE', 'PUT']);
    expect(gateway.compute?.properties?.provisioningState).toBe('Succeeded');
  });
});

describe('cancellation and deadlines: the statement comes from what the run knows, without another request', () => {
  test('cancelled while the attach operation runs', async () => {
    gateway.outcomes = [
      () => {
        controller.abort();
        throw new CancelledError();
      },
    ];
    const error = (await failure(executePlan(plan('attach'), ctx()))) as CancelledError;
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.recovery).toBe(
      `The attach of compute 'aks-prod' continues in Azure (operation ${STATUS}); the cluster ${CLUSTER} is untouched. Re-running the same step waits for it and reports the result.`,
    );
    expect(gateway.calls).not.toContain('peek');
  });

  test('timed out while the detach of a reattach runs', async () => {
    gateway.compute = attached();
    gateway.outcomes = [new DeadlineError('DELETE /x to finish')];
    const error = (await failure(executePlan(plan('reattach'), ctx()))) as DeadlineError;
    expect(error.recovery).toBe(
      `The detach of compute 'aks-prod' continues in Azure (operation ${STATUS}); the cluster ${CLUSTER} is untouched. Re-running the same step waits for it and then reattaches the compute.`,
    );
  });

  test('cancelled between the detach and the attach', async () => {
    gateway.compute = attached();
    gateway.puts = [new CancelledError()];
    const error = (await failure(executePlan(plan('reattach'), ctx()))) as CancelledError;
    expect(error.recovery).toBe(
      `Compute 'aks-prod' is DETACHED: the cluster ${CLUSTER} is untouched, but the workspace has no compute named 'aks-prod'. Re-running the same step reattaches it.`,
    );
  });

  test('an Azure error before anything changed keeps its own advice (e.g. bad credentials)', async () => {
    gateway.compute = attached();
    gateway.detaches = [
      new AzureError(
        'AuthenticationFailed',
        'AADSTS7000215: Invalid client secret provided.',
        401,
        'Check the credentials. Nothing was changed.',
      ),
    ];
    const error = (await failure(executePlan(plan('reattach'), ctx()))) as AzureError;
    expect(error.recovery).toBe('Check the credentials. Nothing was changed.');
  });

  test('the same error after the detach gets the exact state instead', async () => {
    gateway.compute = attached();
    gateway.puts = [
      new AzureError(
        'AuthenticationFailed',
        'AADSTS700024: Client assertion is not within its valid time range.',
        400,
        'Check the credentials. Nothing was changed.',
      ),
    ];
    const error = (await failure(executePlan(plan('reattach'), ctx()))) as AzureError;
    expect(error.recovery).toMatch(/^Compute 'aks-prod' is DETACHED/);
  });
});

describe('waitUntilSettled', () => {
  test('reads until the compute leaves Creating/Updating/Deleting, on the adaptive schedule', async () => {
    gateway.reads = [
      attached(request(), 'Updating'),
      attached(request(), 'Updating'),
      attached(request(), 'Succeeded'),
    ];
    const settled = await waitUntilSettled(ctx(), 'test');
    expect(settled?.properties?.provisioningState).toBe('Succeeded');
    expect(clock.now()).toBe(2_000);
  });

  test('looks one last time shortly before the deadline, then says another operation is still running', async () => {
    gateway.compute = attached(request(), 'Updating');
    const times: number[] = [];
    gateway.reads = Array.from({ length: 100 }, () => (f: FakeGateway) => (times.push(clock.now()), f.compute));
    const error = (await failure(waitUntilSettled(ctx(20_000), 'Updating'))) as DeadlineError;
    expect(error).toBeInstanceOf(DeadlineError);
    // The schedule's next read would fall past the deadline: the last one is within 2.5 s before it.
    expect(times[times.length - 1]).toBeGreaterThanOrEqual(17_500);
    expect(times[times.length - 1]).toBeLessThan(20_000);
    expect(clock.now()).toBeLessThan(20_000);
    expect(error.recovery).toMatch(
      /^Another operation on compute 'aks-prod' is still running \(state Updating\); this step changed nothing\. Re-run the step once it has finished\./,
    );
  });
});

describe("matchesRequest: another run's attach counts as ours only with every setting", () => {
  const enabled = request({
    tls: {
      status: 'Enabled',
      certPem: 'c',
      keyPem: 'k',
      cname: 'ml.contoso.com',
      fingerprintSha256: 'ab'.repeat(32),
      expiresOn: new Date(0),
    },
    tags: { 'tls-certificate-sha256': 'ab'.repeat(32) },
  });
  test.each<[string, ComputeResource, AttachRequest, boolean]>([
    ['same settings', attached(), request(), true],
    ['still Updating', attached(request(), 'Updating'), request(), false],
    ['other cluster', attached(request({ clusterId: OTHER_CLUSTER })), request(), false],
    ['other purpose', attached(request({ purpose: 'DevTest' })), request(), false],
    ['other load balancer', attached(request({ loadBalancerType: 'InternalLoadBalancer' })), request(), false],
    ['TLS with the same certificate', attached(enabled), enabled, true],
    [
      'TLS with another certificate',
      attached({ ...enabled, tags: { 'tls-certificate-sha256': 'cd'.repeat(32) } }),
      enabled,
      false,
    ],
    [
      'auto TLS, same label',
      attached(request({ tls: { status: 'Auto', leafDomainLabel: 'contoso', overwriteExistingDomain: false } })),
      request({ tls: { status: 'Auto', leafDomainLabel: 'contoso', overwriteExistingDomain: false } }),
      true,
    ],
    [
      'auto TLS, other label',
      attached(request({ tls: { status: 'Auto', leafDomainLabel: 'other', overwriteExistingDomain: false } })),
      request({ tls: { status: 'Auto', leafDomainLabel: 'contoso', overwriteExistingDomain: false } }),
      false,
    ],
  ])('%s', (_name, compute, req, expected) => {
    expect(matchesRequest(compute, req)).toBe(expected);
  });
});
