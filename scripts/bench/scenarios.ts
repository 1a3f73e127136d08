/**
 * Single runs with operations of known length: the product's built GitHub bundle and, at the same
 * time against its own emulator, the SDK baseline doing the same run. Each side's requests are
 * read off its emulator's traffic log.
 */
import type { TrafficEntry } from '../../emulator';
import { startEmulator, type Emulator, type EmulatorSettings } from '../../emulator';
import { DEMO, demoSeed } from '../../testkit/demo-world';
import { runBaseline, runGithubBundle, type BaselineConfig } from './proc';
import { githubInputs, seedAttachedCompute } from '../../testkit/demo-world';
import { analyse, excerpt, type RunMetrics } from './traffic';

export interface Scenario {
  id: string;
  title: string;
  settings: Pick<EmulatorSettings, 'attachMs' | 'createMs' | 'detachMs' | 'retryAfterSeconds'>;
  /** The compute exists, attached to the demo prod cluster, before the run. */
  attachedBefore: boolean;
  /** GitHub inputs on top of the demo ones. */
  inputs: Record<string, string>;
  baseline: Pick<BaselineConfig, 'operation' | 'clusterId' | 'location' | 'computeName'>;
  /** The operations Azure runs, back to back: their total is the emulated Azure time. */
  operations: ('attach' | 'create' | 'detach')[];
}

export interface SideResult {
  ok: boolean;
  result: string;
  error?: string;
  wallMs: number;
  emulatedMs: number;
  overheadMs: number;
  metrics: RunMetrics;
  /** From the arrival of the run's last ARM request (the one that carried the result) to the process's exit. */
  lingerMs?: number;
  excerpt: string[];
}

export interface ScenarioResult {
  scenario: Scenario;
  product: SideResult;
  sdk: SideResult;
}

export function scenarios(scale: number): Scenario[] {
  const s = (seconds: number) => Math.round(seconds * 1000 * scale);
  const ra = (seconds: number) => Math.max(1, Math.round(seconds * scale));
  const attach = { computeName: 'aks-prod', clusterId: DEMO.clusters.prod };
  return [
    {
      id: 'unchanged',
      title: 'ensure, unchanged',
      settings: { attachMs: s(30), createMs: s(60), detachMs: s(10), retryAfterSeconds: null },
      attachedBefore: true,
      inputs: {},
      baseline: { operation: 'ensure', ...attach },
      operations: [],
    },
    {
      id: 'attach',
      title: `ensure, fresh attach ${s(31) / 1000} s, no Retry-After`,
      settings: { attachMs: s(31), createMs: s(59), detachMs: s(9), retryAfterSeconds: null },
      attachedBefore: false,
      inputs: {},
      baseline: { operation: 'ensure', ...attach },
      operations: ['attach'],
    },
    {
      id: 'attach-ra',
      title: `ensure, fresh attach ${s(20) / 1000} s, Retry-After ${ra(15)} s`,
      settings: { attachMs: s(20), createMs: s(60), detachMs: s(10), retryAfterSeconds: ra(15) },
      attachedBefore: false,
      inputs: {},
      baseline: { operation: 'ensure', ...attach },
      operations: ['attach'],
    },
    {
      id: 'refresh',
      title: `refresh, detach ${s(9) / 1000} s + attach ${s(31) / 1000} s, no Retry-After`,
      settings: { attachMs: s(31), createMs: s(59), detachMs: s(9), retryAfterSeconds: null },
      attachedBefore: true,
      inputs: { operation: 'refresh' },
      baseline: { operation: 'refresh', ...attach },
      operations: ['detach', 'attach'],
    },
    {
      id: 'refresh-ra',
      title: `refresh, detach ${s(8) / 1000} s + attach ${s(25) / 1000} s, Retry-After ${ra(10)} s`,
      settings: { attachMs: s(25), createMs: s(60), detachMs: s(8), retryAfterSeconds: ra(10) },
      attachedBefore: true,
      inputs: { operation: 'refresh' },
      baseline: { operation: 'refresh', ...attach },
      operations: ['detach', 'attach'],
    },
    {
      id: 'create',
      title: `ensure, create ${s(59) / 1000} s (location given), no Retry-After`,
      settings: { attachMs: s(31), createMs: s(59), detachMs: s(9), retryAfterSeconds: null },
      attachedBefore: false,
      inputs: { 'compute-name': 'aks-new', 'aks-resource-id': '', location: DEMO.location },
      baseline: { operation: 'ensure', computeName: 'aks-new', location: DEMO.location },
      operations: ['create'],
    },
  ];
}

export function seedAttached(emulator: Emulator, name = 'aks-prod', clusterId: string = DEMO.clusters.prod): void {
  seedAttachedCompute(emulator, { name, clusterId });
}

function emulatedMs(scenario: Scenario): number {
  const { settings } = scenario;
  return scenario.operations.reduce(
    (t, op) => t + (op === 'attach' ? settings.attachMs : op === 'create' ? settings.createMs : settings.detachMs),
    0,
  );
}

function durations(scenario: Scenario) {
  return {
    PUT: scenario.operations.includes('create') ? scenario.settings.createMs : scenario.settings.attachMs,
    DELETE: scenario.settings.detachMs,
  };
}

async function withEmulator<T>(scenario: Scenario, fn: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ seed: demoSeed(), settings: { ...scenario.settings } });
  if (scenario.attachedBefore) seedAttached(emulator);
  try {
    return await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

function side(
  scenario: Scenario,
  entries: TrafficEntry[],
  run: { spawnedAt: number; exitedAt: number },
  ok: boolean,
  result: string,
  error?: string,
): SideResult {
  const metrics = analyse(entries, run, durations(scenario));
  const wallMs = run.exitedAt - run.spawnedAt;
  const emulated = emulatedMs(scenario);
  return {
    ok,
    result,
    error,
    wallMs,
    emulatedMs: emulated,
    overheadMs: wallMs - emulated,
    metrics,
    lingerMs: metrics.exitAfterLastRequestMs,
    excerpt: excerpt(entries, run.spawnedAt),
  };
}

export async function runProduct(scenario: Scenario): Promise<SideResult> {
  return withEmulator(scenario, async (emulator) => {
    const run = await runGithubBundle({
      inputs: githubInputs(emulator, scenario.inputs),
      caCertPath: emulator.caCertPath,
    });
    const result = run.outputs.result ?? 'failed';
    const error =
      run.exitCode === 0
        ? undefined
        : (run.stdout.split('\n').find((l) => l.startsWith('::error')) ?? run.stderr.slice(-300));
    return side(scenario, emulator.traffic.all(), run, run.exitCode === 0, result, error);
  });
}

/** The SDK baseline signed in as the demo principal against `emulator`, for the demo workspace. */
export function baselineConfig(
  emulator: Emulator,
  run: Pick<BaselineConfig, 'operation' | 'computeName'> & Partial<BaselineConfig>,
): BaselineConfig {
  return {
    armEndpoint: emulator.url,
    authorityHost: emulator.url,
    tenantId: DEMO.tenantId,
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    subscriptionId: DEMO.subscriptionId,
    resourceGroup: DEMO.resourceGroup,
    workspaceName: DEMO.workspaceName,
    ...run,
  };
}

export async function runSdk(scenario: Scenario): Promise<SideResult> {
  return withEmulator(scenario, async (emulator) => {
    const config = baselineConfig(emulator, scenario.baseline);
    const run = await runBaseline(config, emulator.caCertPath);
    const report = run.report;
    return side(
      scenario,
      emulator.traffic.all(),
      run,
      run.exitCode === 0 && report?.result !== 'failed',
      report?.result ?? 'failed',
      report?.error ?? (run.exitCode === 0 ? undefined : run.stderr.slice(-300)),
    );
  });
}

/** Both drivers at once, the SDK's started 1.5 s later so that the two start-ups do not compete for the CPU. */
export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const [product, sdk] = await Promise.all([
    runProduct(scenario),
    new Promise((r) => setTimeout(r, 1500)).then(() => runSdk(scenario)),
  ]);
  return { scenario, product, sdk };
}
