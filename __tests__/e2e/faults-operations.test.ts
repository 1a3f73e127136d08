/**
 * Operations that end badly, half-finished refreshes, computes busy with another run, and two runs
 * on one compute: every run either converges or stops saying exactly where the compute is and
 * what a re-run does — and the re-run does it. The committed GitHub bundle against the emulator.
 */
import type { Emulator } from '../../emulator';
import {
  computeOf,
  errorsOf,
  faultWorld,
  mutating,
  run,
  seedCompute,
  setState,
  sleep,
  when,
  scanAndRefereeEachTest,
} from '../../testkit/fault-kit';
import { DEMO } from '../../testkit/demo-world';
import { runTask } from '../../testkit/run-task';
import { SecretScanner, visibleOf } from '../../testkit/secret-scan';

let emulator: Emulator;
beforeEach(async () => {
  emulator = await faultWorld();
});
scanAndRefereeEachTest(() => emulator);

const CLUSTER = DEMO.clusters.prod;

/** Arms a one-shot outcome for the operation that starts after the first DELETE was accepted (the attach of a refresh). */
async function afterDetachStarts(arm: () => void): Promise<void> {
  await when(emulator, (e) => e.kind === 'arm' && e.method === 'DELETE' && e.status === 202);
  arm();
}

describe('a long-running operation that ends Failed or Canceled', () => {
  test('attach ends Failed: Azure code and message, the Failed compute named, and a re-run repairs it', async () => {
    emulator.settings.failNextOperation = {
      code: 'BadArgument',
      message: 'The cluster cannot run the Azure ML components (simulated).',
    };
    const failed = await run(emulator);
    expect(failed.exitCode).toBe(1);
    const errors = errorsOf(failed);
    expect(errors).toContain('BadArgument: The cluster cannot run the Azure ML components (simulated).');
    expect(errors).toContain(
      `Compute 'aks-prod' was not attached. Re-running the same step tries again: the compute is left Failed, bound to the cluster ${CLUSTER}, which is untouched; the re-run detaches it and attaches it anew.`,
    );
    expect(computeOf(emulator)?.properties.provisioningState).toBe('Failed');
    // Not transient: not retried.
    expect(mutating(emulator.traffic.all()).map((e) => e.method)).toEqual(['PUT']);

    const rerun = await run(emulator);
    expect(rerun.exitCode).toBe(0);
    expect(rerun.outputs.result).toBe('reattached');
    expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
  });

  test('attach ends Canceled: reported with its code and message, and the way out', async () => {
    emulator.settings.cancelNextOperation = true;
    const canceled = await run(emulator);
    expect(canceled.exitCode).toBe(1);
    const errors = errorsOf(canceled);
    expect(errors).toContain('OperationCanceled: The operation was canceled.');
    expect(errors).toContain(
      `the compute is left Canceled, bound to the cluster ${CLUSTER}, which is untouched; re-run it with operation: refresh to detach it and attach it anew.`,
    );

    const refreshed = await run(emulator, { inputs: { operation: 'refresh' } });
    expect(refreshed.outputs.result).toBe('reattached');
    expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
  });

  test('the detach of a refresh ends Failed: nothing is attached over it; the statement says the detach did not complete', async () => {
    seedCompute(emulator);
    emulator.settings.failNextOperation = {
      code: 'DetachFailed',
      message: 'Could not remove the Azure ML components (simulated).',
    };
    const failed = await run(emulator, { inputs: { operation: 'refresh' } });
    expect(failed.exitCode).toBe(1);
    const errors = errorsOf(failed);
    expect(errors).toContain('DetachFailed: Could not remove the Azure ML components (simulated).');
    expect(errors).toContain(
      `The detach of compute 'aks-prod' did not complete: it is left Failed, still bound to the cluster ${CLUSTER}, which is untouched. Re-running the same step retries: the re-run detaches it and attaches it anew.`,
    );
    expect(mutating(emulator.traffic.all()).map((e) => e.method)).toEqual(['DELETE']);

    const rerun = await run(emulator);
    expect(rerun.outputs.result).toBe('reattached');
  });
});

describe('detach succeeded, reattach failed', () => {
  test('Azure refuses every attach (503): the step says DETACHED, cluster untouched, re-run reattaches — and the re-run does', async () => {
    seedCompute(emulator);
    emulator.faults.add({
      match: { method: 'PUT', kind: 'arm', path: '/computes/aks-prod' },
      times: 3,
      action: {
        status: 503,
        body: { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable (simulated).' } },
      },
    });
    const failed = await run(emulator, { inputs: { operation: 'refresh' } });
    expect(failed.exitCode).toBe(1);
    const errors = errorsOf(failed);
    expect(errors).toContain('ServiceUnavailable: The service is temporarily unavailable (simulated).');
    expect(errors).toContain(
      `Compute 'aks-prod' is DETACHED: the cluster ${CLUSTER} is untouched, but the workspace has no compute named 'aks-prod'. Re-running the same step reattaches it.`,
    );
    // Retried within the deadline: three attempts, with pauses, after one detach.
    const writes = mutating(emulator.traffic.all());
    expect(writes.map((e) => `${e.method} ${e.status}`)).toEqual(['DELETE 202', 'PUT 503', 'PUT 503', 'PUT 503']);
    expect(failed.stdout).toMatch(/trying again \(attempt 2 of 3\)[\s\S]*trying again \(attempt 3 of 3\)/);
    expect(computeOf(emulator)).toBeUndefined();
    expect(emulator.state.getManagedCluster(CLUSTER)).toBeDefined();

    emulator.traffic.clear();
    const rerun = await run(emulator, { inputs: { operation: 'refresh' } });
    expect(rerun.exitCode).toBe(0);
    expect(rerun.outputs.result).toBe('attached');
    expect(mutating(emulator.traffic.all()).map((e) => e.method)).toEqual(['PUT']);
    expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
  });

  test('the same through the Azure DevOps task: the task fails with the DETACHED statement; the re-run attaches', async () => {
    seedCompute(emulator);
    emulator.faults.add({
      match: { method: 'PUT', kind: 'arm', path: '/computes/aks-prod' },
      times: 3,
      action: { status: 503 },
    });
    const inputs = {
      resourceGroup: DEMO.resourceGroup,
      workspaceName: DEMO.workspaceName,
      computeName: 'aks-prod',
      aksResourceId: CLUSTER,
      operation: 'refresh',
    };
    const env = { SYSTEM_DEBUG: 'true', AKS_AML_REQUEST_TIMEOUT_MS: '2000' };
    const failed = await runTask(emulator, inputs, { env });
    expect(failed.completed).toBe('Failed');
    expect(failed.errors.join('\n')).toContain(
      `Compute 'aks-prod' is DETACHED: the cluster ${CLUSTER} is untouched, but the workspace has no compute named 'aks-prod'. Re-running the same step reattaches it.`,
    );
    // A failed step reports only where the compute is (for failure handlers), never a result.
    expect(failed.outputs).toEqual({ computeId: expect.stringMatching(/\/computes\/aks-prod$/) });
    const rerun = await runTask(emulator, inputs, { env });
    expect(rerun.completed).toBeUndefined();
    expect(rerun.outputs.result).toBe('attached');
    const scanner = new SecretScanner().addDemoSecrets().addEmulator(emulator);
    for (const r of [failed, rerun]) expect(scanner.scan(visibleOf(r))).toEqual([]);
  });

  test('the reattach operation fails transiently once: the Failed leftover is detached and the attach retried; the run converges', async () => {
    seedCompute(emulator);
    const running = run(emulator, { inputs: { operation: 'refresh' } });
    await afterDetachStarts(
      () =>
        (emulator.settings.failNextOperation = {
          code: 'InternalServerError',
          message: 'Transient failure (simulated).',
        }),
    );
    const r = await running;
    expect(r.exitCode).toBe(0);
    expect(r.outputs.result).toBe('reattached');
    expect(r.stdout).toContain(
      'The attach of aks-prod failed (InternalServerError: Transient failure (simulated).); trying again (attempt 2 of 3).',
    );
    expect(mutating(emulator.traffic.all()).map((e) => `${e.method} ${e.status}`)).toEqual([
      'DELETE 202',
      'PUT 201',
      'DELETE 202',
      'PUT 201',
    ]);
    expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
  });

  test('the reattach PUT times out (no answer): abandoned after the request timeout and sent again; the run converges', async () => {
    seedCompute(emulator);
    emulator.faults.add({ match: { method: 'PUT', kind: 'arm' }, action: { hang: true } });
    const r = await run(emulator, { inputs: { operation: 'refresh' } });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.result).toBe('reattached');
    const puts = emulator.traffic.filter({ method: 'PUT', kind: 'arm' });
    expect(puts.map((e) => e.fault ?? e.status)).toEqual(['hang', 201]);
    expect(Date.parse(puts[1].time) - Date.parse(puts[0].time)).toBeGreaterThanOrEqual(2_000);
  });
});

describe('a compute busy with another run', () => {
  test('Updating: waited for, then found as desired (unchanged, nothing sent)', async () => {
    seedCompute(emulator, 'Updating');
    setTimeout(() => setState(emulator, 'Succeeded'), 3_000);
    const flippedAt = Date.now() + 3_000;
    const r = await run(emulator);
    expect(r.exitCode).toBe(0);
    expect(r.outputs.result).toBe('unchanged');
    expect(r.stdout).toContain(
      'Compute aks-prod is Updating (another operation is in progress); waiting for it to finish first.',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(flippedAt);
    expect(mutating(emulator.traffic.all())).toEqual([]);
  });

  test('Deleting: waited for until it is gone, then attached', async () => {
    seedCompute(emulator, 'Deleting');
    let goneAt = 0;
    setTimeout(() => {
      emulator.state.deleteCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod');
      goneAt = Date.now();
    }, 3_000);
    const r = await run(emulator);
    expect(r.outputs.result).toBe('attached');
    const writes = mutating(emulator.traffic.all());
    expect(writes.map((e) => e.method)).toEqual(['PUT']);
    expect(Date.parse(writes[0].time)).toBeGreaterThanOrEqual(goneAt);
  });

  test('Creating that ends Failed: waited for, then repaired (detach, attach) — no write while it was Creating', async () => {
    seedCompute(emulator, 'Creating');
    let failedAt = 0;
    setTimeout(() => {
      emulator.state.setComputeState(
        DEMO.subscriptionId,
        DEMO.resourceGroup,
        DEMO.workspaceName,
        'aks-prod',
        'Failed',
        { code: 'ClusterCreationFailed', message: 'simulated' },
      );
      failedAt = Date.now();
    }, 3_000);
    const r = await run(emulator);
    expect(r.outputs.result).toBe('reattached');
    expect(r.stdout).toMatch(/provisioning state is Failed \(ClusterCreationFailed: simulated\)/);
    const writes = mutating(emulator.traffic.all());
    expect(writes.map((e) => e.method)).toEqual(['DELETE', 'PUT']);
    expect(Date.parse(writes[0].time)).toBeGreaterThanOrEqual(failedAt);
  });
});

describe('two runs on the same compute at once', () => {
  test('the second run starts while the first attaches: it waits, finds the result as desired, and sends no write', async () => {
    emulator.settings.attachMs = 4_000;
    const first = run(emulator);
    const firstPut = await when(emulator, (e) => e.kind === 'arm' && e.method === 'PUT' && e.status === 201);
    const second = await run(emulator);
    const one = await first;
    expect(one.outputs.result).toBe('attached');
    expect(second.exitCode).toBe(0);
    expect(second.outputs.result).toBe('unchanged');
    expect(second.stdout).toContain(
      'Compute aks-prod is Updating (another operation is in progress); waiting for it to finish first.',
    );
    // The only write is the first run's PUT: the second detached nothing and attached nothing.
    expect(mutating(emulator.traffic.all()).map((e) => e.seq)).toEqual([firstPut.seq]);
    expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
  });

  test('a refresh and an ensure started together: one detach, the compute attached once, nobody undoes the other', async () => {
    seedCompute(emulator);
    emulator.settings.detachMs = 1_500;
    emulator.settings.attachMs = 2_000;
    const [a, b] = await Promise.all([
      run(emulator, { inputs: { operation: 'refresh' } }),
      sleep(150).then(() => run(emulator)),
    ]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(a.outputs.result).toBe('reattached');
    expect(['unchanged', 'attached', 'reattached']).toContain(b.outputs.result);
    const writes = mutating(emulator.traffic.all());
    // One detach was accepted; every PUT beyond the first that was accepted was answered 409 and waited out.
    expect(writes.filter((e) => e.method === 'DELETE' && e.status === 202)).toHaveLength(1);
    expect(writes.filter((e) => e.method === 'PUT' && e.status === 201)).toHaveLength(1);
    expect(writes.filter((e) => e.status !== 201 && e.status !== 202).every((e) => e.status === 409)).toBe(true);
    expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
    expect(String(computeOf(emulator)?.properties.resourceId).toLowerCase()).toBe(CLUSTER.toLowerCase());
    console.log(
      `concurrent refresh + ensure: ${writes.map((e) => `${e.method} ${e.status}`).join(', ')}; results ${a.outputs.result} / ${b.outputs.result}`,
    );
  });

  test('two ensures that both plan a reattach: the later detach is answered 409 and waited out, and the later attach finds the first one done', async () => {
    seedCompute(emulator);
    emulator.settings.detachMs = 1_500;
    emulator.settings.attachMs = 2_000;
    // The first DELETE to arrive is held back 1.5 s, so the other run's DELETE (sent after it read the
    // compute as Succeeded, too) is processed first and this one finds the compute Deleting: 409.
    emulator.faults.add({ match: { method: 'DELETE', kind: 'arm' }, action: { delayMs: 1_500 } });
    // A purpose change (TLS and load-balancer changes are updated in place, without a detach).
    const inputs = { 'cluster-purpose': 'dev-test' };
    const [a, b] = await Promise.all([run(emulator, { inputs }), run(emulator, { inputs })]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const writes = mutating(emulator.traffic.all());
    expect(
      writes
        .filter((e) => e.method === 'DELETE')
        .map((e) => e.status)
        .sort(),
    ).toEqual([202, 409]);
    expect(writes.filter((e) => e.method === 'PUT' && e.status === 201)).toHaveLength(1);
    expect(writes.filter((e) => e.status !== 201 && e.status !== 202).every((e) => e.status === 409)).toBe(true);
    const compute = computeOf(emulator);
    expect(compute?.properties.provisioningState).toBe('Succeeded');
    expect((compute?.properties.properties as Record<string, any>).clusterPurpose).toBe('DevTest');
    const loser = [a, b].find((r) => r.stdout.includes('Azure answered 409 Conflict to the detach of aks-prod'));
    expect(loser?.stdout).toMatch(
      /another operation is working on this compute\. Waiting for it to finish, then deciding again\./,
    );
    expect(loser?.stdout).toMatch(/The other operation is over: aks-prod (does not exist|is Succeeded)\./);
    console.log(
      `two ensures: ${writes.map((e) => `${e.method} ${e.status}`).join(', ')}; results ${a.outputs.result} / ${b.outputs.result}`,
    );
  });
});
