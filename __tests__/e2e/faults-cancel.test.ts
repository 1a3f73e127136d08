/**
 * Cancellation as the runners send it (SIGINT, then SIGTERM): the bundle stops within 5 s, prints
 * the compute id and the operation in progress (its status URL without the query string, whose
 * signature would grant access), never aborts a PUT/DELETE halfway, and a re-run picks up from
 * whatever state Azure reached. A signing proxy in front of the emulator gives the status URLs
 * SAS-style signatures, as Azure's may have.
 */
import type { ChildProcess } from 'node:child_process';
import type { Emulator } from '../../emulator';
import type { ActionRun } from '../../testkit/run-action';
import {
  computeOf,
  expectEveryRunClean,
  errorsOf,
  faultWorld,
  mutating,
  run,
  seedCompute,
  sleep,
  when,
  type RunOptions,
} from '../../testkit/fault-kit';
import { DEMO } from '../../testkit/demo-world';
import { LIFECYCLE_OPERATIONS, refereeEachTest } from '../../testkit/referee';
import { startSigningProxy, type SigningProxy } from '../../testkit/signing-proxy';

let emulator: Emulator;
let proxy: SigningProxy;
refereeEachTest(() => emulator, {
  expectOperations: LIFECYCLE_OPERATIONS,
  beforeStop: async () => {
    // Every run of the test, scanned for secret bytes: all the emulator issued, and the signatures of the status URLs.
    expectEveryRunClean(emulator, (scanner) =>
      proxy.signatures.forEach((sig) => scanner.add('status URL signature', sig)),
    );
    await proxy.stop();
  },
});

const COMPUTE_ID = `/subscriptions/${DEMO.subscriptionId}/resourceGroups/${DEMO.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${DEMO.workspaceName}/computes/aks-prod`;
/** A status URL as printed: path and api-version only. */
const STATUS_URL =
  /https:\/\/127\.0\.0\.1:\d+\/subscriptions\/[\w-]+\/providers\/Microsoft\.MachineLearningServices\/locations\/eastus\/computeOperationsStatus\/[\w-]+\?api-version=2022-10-01(?![&\w])/;

async function start(settings: Parameters<typeof faultWorld>[0]): Promise<void> {
  emulator = await faultWorld(settings);
  proxy = await startSigningProxy(emulator);
}

/** Starts a run, sends `signal` once `ready` resolves, and measures how long the process took to exit. */
async function cancelled(
  options: RunOptions,
  ready: () => Promise<unknown>,
  signal: NodeJS.Signals = 'SIGINT',
): Promise<{ r: ActionRun; exitMs: number }> {
  let child: ChildProcess | undefined;
  let closedAt = 0;
  const running = run(emulator, {
    endpoint: proxy.url,
    ...options,
    onSpawn: (c) => {
      child = c;
      c.on('close', () => (closedAt = Date.now()));
    },
  });
  await ready();
  const sentAt = Date.now();
  child!.kill(signal);
  const r = await running;
  return { r, exitMs: closedAt - sentAt };
}

/** The status URLs the run saw were signed, so there was a signature to leak. */
function expectSignedUrls(): void {
  expect(proxy.signatures.length).toBeGreaterThan(0);
}

test('SIGINT while an attach runs: stops within 5 s naming the compute and the operation; the re-run waits for it and finds it done', async () => {
  await start({ attachMs: 8_000 });
  const { r, exitMs } = await cancelled({}, () => when(emulator, (e) => e.kind === 'lro'));
  expect(exitMs).toBeLessThan(5_000);
  expect(r.exitCode).toBe(1);
  const errors = errorsOf(r);
  expect(errors).toContain(`Cancelled (SIGINT): compute ${COMPUTE_ID}.`);
  expect(errors).toMatch(
    new RegExp(
      `The attach of compute 'aks-prod' continues in Azure \\(operation ${STATUS_URL.source}\\); the cluster ${DEMO.clusters.prod} is untouched\\. Re-running the same step waits for it and reports the result\\.`,
    ),
  );
  expect(r.stdout).toMatch(
    /::warning title=Cancelled::Received SIGINT: stopping\. Compute \/subscriptions\/.*: attach \(PUT\) in progress, status https:\/\/127\.0\.0\.1:\d+\/.*computeOperationsStatus\/[\w-]+\?api-version=2022-10-01\./,
  );
  expect(r.stdout).not.toMatch(/sig=|skoid=|se=2099/);
  expectSignedUrls();

  emulator.traffic.clear();
  const rerun = await run(emulator, { endpoint: proxy.url });
  expect(rerun.outputs.result).toBe('unchanged');
  expect(rerun.stdout).toContain(
    'Compute aks-prod is Updating (another operation is in progress); waiting for it to finish first.',
  );
  expect(mutating(emulator.traffic.all())).toEqual([]);
  expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
}, 120_000);

test('SIGTERM while the PUT is on the wire: its answer is awaited (nothing half-sent), then the run stops within 5 s naming the attach in progress', async () => {
  await start({ attachMs: 6_000 });
  emulator.faults.add({ match: { method: 'PUT', kind: 'arm' }, action: { delayMs: 1_500 } });
  // The signal arrives while the emulator holds the PUT.
  const { r, exitMs } = await cancelled(
    {},
    () => when(emulator, (e) => e.kind === 'arm' && e.path.endsWith('/kubernetesVersions')).then(() => sleep(400)),
    'SIGTERM',
  );
  expect(exitMs).toBeLessThan(5_000);
  expect(r.stdout).toMatch(
    /Received SIGTERM: stopping\. Compute .*: the attach \(PUT\) request is on the wire; waiting up to 2\.5 s for Azure's answer so that nothing is left half-sent\./,
  );
  // The PUT was answered (201), not cut: Azure's side is known.
  const puts = emulator.traffic.filter({ method: 'PUT', kind: 'arm' });
  expect(puts.map((e) => e.status)).toEqual([201]);
  expect(errorsOf(r)).toMatch(
    new RegExp(`The attach of compute 'aks-prod' continues in Azure \\(operation ${STATUS_URL.source}\\)`),
  );
  // And nothing was sent after the signal but that answer.
  expect(emulator.traffic.all().filter((e) => Date.parse(e.time) > Date.parse(puts[0].time))).toEqual([]);
  expectSignedUrls();
}, 120_000);

test('SIGTERM during the detach of a refresh: the statement says the detach continues; the re-run waits for it and reattaches', async () => {
  await start({ detachMs: 6_000 });
  seedCompute(emulator);
  const { r, exitMs } = await cancelled(
    { inputs: { operation: 'refresh' } },
    () => when(emulator, (e) => e.kind === 'lro'),
    'SIGTERM',
  );
  expect(exitMs).toBeLessThan(5_000);
  expect(errorsOf(r)).toMatch(
    new RegExp(
      `The detach of compute 'aks-prod' continues in Azure \\(operation ${STATUS_URL.source}\\); the cluster ${DEMO.clusters.prod} is untouched\\. Re-running the same step waits for it and then reattaches the compute\\.`,
    ),
  );
  expect(mutating(emulator.traffic.all()).map((e) => e.method)).toEqual(['DELETE']);
  expectSignedUrls();

  const rerun = await run(emulator, { endpoint: proxy.url, inputs: { operation: 'refresh' } });
  expect(rerun.outputs.result).toBe('attached');
  expect(computeOf(emulator)?.properties.provisioningState).toBe('Succeeded');
}, 120_000);

test('SIGINT while throttled before any write: stops at once and says nothing was changed', async () => {
  await start({});
  emulator.faults.add({
    match: { method: 'GET', kind: 'arm', path: /\/computes\/aks-prod$/ },
    times: 20,
    action: { status: 429, retryAfterSeconds: 30 },
  });
  const { r, exitMs } = await cancelled({}, () => when(emulator, (e) => e.status === 429));
  expect(exitMs).toBeLessThan(2_000);
  expect(errorsOf(r)).toContain(
    `Cancelled (SIGINT): compute ${COMPUTE_ID}.\nNothing was changed: no write request was sent to Azure. Re-running the same step starts over.`,
  );
  expect(mutating(emulator.traffic.all())).toEqual([]);
}, 60_000);
