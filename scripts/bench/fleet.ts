/**
 * A fleet: N computes refreshed at once from N processes (one principal, as a matrix job would
 * run them) against one emulator that throttles like ARM: a token bucket per principal for reads
 * and one for writes, 429 with Retry-After when empty. Run for the product's bundle and for the
 * SDK baseline, each against a fresh emulator.
 */
import {
  managedClusterId,
  startEmulator,
  type EmulatorSeed,
  type EmulatorSettings,
  type ThrottleSettings,
} from '../../emulator';
import { DEMO, demoSeed } from '../../testkit/demo-world';
import { runBaseline, runGithubBundle } from './proc';
import { baselineConfig, seedAttached } from './scenarios';
import { githubInputs } from '../../testkit/demo-world';
import { analyse, isArm, label } from './traffic';

export interface FleetOptions {
  size: number;
  throttle: ThrottleSettings;
  settings: Pick<EmulatorSettings, 'attachMs' | 'detachMs' | 'retryAfterSeconds'>;
}

export interface FleetResult {
  driver: 'product' | 'sdk';
  size: number;
  succeeded: number;
  failures: string[];
  /** First spawn → last exit. */
  wallMs: number;
  /** Slowest single run, spawn → exit. */
  slowestMs: number;
  throttled: number;
  arm: number;
  statusPolls: number;
  tokenRequests: number;
  /** PUT and DELETE requests that reached the emulator (a duplicate means a mutation was re-sent). */
  puts: number;
  deletes: number;
  /** 429s by request label. */
  throttledBy: Record<string, number>;
  /** Reads that were answered (not 429): what the read bucket had to pay for. */
  answeredReads: number;
  /** (answered reads − burst) ÷ refill rate: the least time the read bucket allows for them. */
  readBudgetMs: number;
  /** Per operation, from its end in Azure to the answer that reported it. */
  noticedMeanMs: number;
  noticedMaxMs: number;
}

const name = (i: number) => `fleet-${String(i + 1).padStart(2, '0')}`;

function fleetSeed(size: number): EmulatorSeed {
  const seed = demoSeed();
  for (let i = 0; i < size; i++) {
    seed.managedClusters!.push({
      subscriptionId: DEMO.subscriptionId,
      resourceGroup: DEMO.resourceGroup,
      name: name(i),
      location: DEMO.location,
      kubernetesVersion: '1.30.6',
      agentPools: [{ name: 'nodepool1', count: 3, vmSize: 'Standard_D3_v2', mode: 'System', osType: 'Linux' }],
      loadBalancerSku: 'standard',
    });
  }
  return seed;
}

export async function runFleet(driver: 'product' | 'sdk', options: FleetOptions): Promise<FleetResult> {
  const emulator = await startEmulator({
    seed: fleetSeed(options.size),
    settings: { ...options.settings, throttle: options.throttle },
  });
  const clusterOf = (i: number) => managedClusterId(DEMO.subscriptionId, DEMO.resourceGroup, name(i));
  for (let i = 0; i < options.size; i++) seedAttached(emulator, name(i), clusterOf(i));
  try {
    const runs = await Promise.all(
      Array.from({ length: options.size }, async (_, i) => {
        if (driver === 'product') {
          const run = await runGithubBundle({
            inputs: githubInputs(emulator, {
              'compute-name': name(i),
              'aks-resource-id': clusterOf(i),
              operation: 'refresh',
            }),
            caCertPath: emulator.caCertPath,
          });
          const ok = run.exitCode === 0 && run.outputs.result === 'reattached';
          const error = ok
            ? undefined
            : (run.stdout.split('\n').find((l) => l.startsWith('::error')) ?? `exit ${String(run.exitCode)}`);
          return { ...run, ok, error };
        }
        const run = await runBaseline(
          baselineConfig(emulator, {
            computeName: name(i),
            clusterId: clusterOf(i),
            operation: 'refresh',
          }),
          emulator.caCertPath,
        );
        const ok = run.exitCode === 0 && run.report?.result === 'reattached';
        return { ...run, ok, error: ok ? undefined : (run.report?.error ?? `exit ${String(run.exitCode)}`) };
      }),
    );
    const entries = emulator.traffic.all();
    const answeredReads = entries.filter((e) => isArm(e) && e.method === 'GET' && e.status !== 429).length;
    const ops = analyse(
      entries,
      { spawnedAt: 0, exitedAt: 0 },
      { PUT: options.settings.attachMs, DELETE: options.settings.detachMs },
    ).operations.filter((o) => o.noticedAt !== undefined);
    const delays = ops.map((o) => (o.noticedAt as number) - o.doneAt);
    const throttledBy: Record<string, number> = {};
    for (const e of entries) if (isArm(e) && e.status === 429) throttledBy[label(e)] = (throttledBy[label(e)] ?? 0) + 1;
    return {
      driver,
      size: options.size,
      succeeded: runs.filter((r) => r.ok).length,
      failures: runs.filter((r) => !r.ok).map((r) => (r.error ?? '').slice(0, 240)),
      wallMs: Math.max(...runs.map((r) => r.exitedAt)) - Math.min(...runs.map((r) => r.spawnedAt)),
      slowestMs: Math.max(...runs.map((r) => r.exitedAt - r.spawnedAt)),
      throttled: emulator.throttledCount(),
      arm: entries.filter(isArm).length,
      statusPolls: entries.filter((e) => e.kind === 'lro').length,
      tokenRequests: emulator.tokenRequests(),
      puts: entries.filter((e) => e.kind === 'arm' && e.method === 'PUT').length,
      deletes: entries.filter((e) => e.kind === 'arm' && e.method === 'DELETE').length,
      throttledBy,
      answeredReads,
      readBudgetMs: (Math.max(0, answeredReads - options.throttle.burst) / options.throttle.readsPerSecond) * 1000,
      noticedMeanMs: delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : NaN,
      noticedMaxMs: delays.length ? Math.max(...delays) : NaN,
    };
  } finally {
    await emulator.stop();
  }
}
