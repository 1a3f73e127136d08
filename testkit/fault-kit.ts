/**
 * Shared pieces of the fault e2e tests: a world with a given compute, the bundle run with a
 * per-request timeout, checks of the recorded traffic (Retry-After windows, mutating requests),
 * and the secret scan of every run.
 */
import type { ChildProcess } from 'node:child_process';
import { isMutating, type Emulator, type EmulatorSettings, type TrafficEntry } from '../emulator';
import { DEMO } from './demo-world';
import { runAction, type ActionRun } from './run-action';
import { SecretScanner, visibleOf } from './secret-scan';
import { githubInputs, startWorld } from './world';
import { seedAttachedCompute } from './demo-world';
import { LIFECYCLE_OPERATIONS, refereeEachTest } from './referee';

/** Per-request timeout the fault tests give the product (AKS_AML_REQUEST_TIMEOUT_MS). */
export const TEST_REQUEST_TIMEOUT_MS = 2_000;

export async function faultWorld(settings: Partial<EmulatorSettings> = {}): Promise<Emulator> {
  return startWorld({ settings });
}

export function computeOf(emulator: Emulator, name = 'aks-prod') {
  return emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, name);
}

/** Seeds compute `name` bound to `clusterId` in the given provisioning state (settings as an attach by this product would leave them). */
export function seedCompute(
  emulator: Emulator,
  state = 'Succeeded',
  name = 'aks-prod',
  clusterId: string = DEMO.clusters.prod,
): void {
  seedAttachedCompute(emulator, { name, clusterId, provisioningState: state });
}

export function setState(emulator: Emulator, state: string, name = 'aks-prod'): void {
  emulator.state.setComputeState(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, name, state);
}

export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
  /** Base URL the product uses for ARM and Entra (default: the emulator; e.g. a signing proxy). */
  endpoint?: string;
}

/** Every run made through run() since the last expectEveryRunClean(). */
const runsToScan: ActionRun[] = [];

/**
 * Scans every run made since the last call against every secret known now (demo secrets,
 * everything the emulator issued or was shown, plus `extra`), and expects zero findings.
 * Returns how many runs were scanned. Call in afterEach, before the emulator stops.
 */
export function expectEveryRunClean(emulator: Emulator, extra: (s: SecretScanner) => void = () => undefined): number {
  const runs = runsToScan.splice(0);
  const scanner = new SecretScanner().addDemoSecrets().addEmulator(emulator);
  extra(scanner);
  for (const r of runs) expect(scanner.scan(visibleOf(r))).toEqual([]);
  return runs.length;
}

/** Runs the committed GitHub bundle against the emulator with debug logging and the test request timeout; the run is scanned by expectEveryRunClean(). */
export async function run(emulator: Emulator, options: RunOptions = {}): Promise<ActionRun> {
  const r = await runBundle(emulator, options);
  runsToScan.push(r);
  return r;
}

function runBundle(emulator: Emulator, options: RunOptions): Promise<ActionRun> {
  const inputs = githubInputs(emulator, options.inputs ?? {});
  if (options.endpoint) {
    inputs['arm-endpoint'] = options.endpoint;
    inputs['authority-host'] = options.endpoint;
  }
  return runAction({
    inputs,
    caCertPath: emulator.caCertPath,
    env: { RUNNER_DEBUG: '1', AKS_AML_REQUEST_TIMEOUT_MS: String(TEST_REQUEST_TIMEOUT_MS), ...options.env },
    onSpawn: options.onSpawn,
    timeoutMs: options.timeoutMs ?? 300_000,
  });
}

/** The mutating requests among `entries` (the emulator's one definition: isMutating). */
export function mutating(entries: TrafficEntry[]): TrafficEntry[] {
  return entries.filter(isMutating);
}

const at = (e: TrafficEntry) => Date.parse(e.time);

/** Retry-After of an answer in ms (retry-after seconds or retry-after-ms), if any. */
function retryAfterMs(e: TrafficEntry): number | undefined {
  const h = e.responseHeaders;
  const ms = h['retry-after-ms'] ?? h['x-ms-retry-after-ms'];
  if (ms !== undefined) return Number(ms);
  return h['retry-after'] !== undefined ? Number(h['retry-after']) * 1000 : undefined;
}

export interface WindowViolation {
  throttled: string;
  windowMs: number;
  sent: string;
  afterMs: number;
}

/**
 * Requests sent inside the Retry-After window of a 429/503 answer. ARM throttles per principal,
 * so every later ARM request counts (status polls included), not only the retried one; token
 * endpoint throttling is checked against token requests. Requests that reached the emulator
 * within `inFlightMs` of the throttled one were on the wire before its answer and are excused.
 */
export function retryAfterViolations(entries: TrafficEntry[], inFlightMs = 100): WindowViolation[] {
  const violations: WindowViolation[] = [];
  const family = (e: TrafficEntry) => (e.kind === 'arm' || e.kind === 'lro' ? 'arm' : e.kind);
  for (const e of entries) {
    if (e.status !== 429 && e.status !== 503) continue;
    const window = retryAfterMs(e);
    if (!window) continue;
    for (const f of entries) {
      if (f.seq <= e.seq || family(f) !== family(e)) continue;
      const after = at(f) - at(e);
      if (after > inFlightMs && after < window)
        violations.push({
          throttled: `${e.method} ${e.path} ${e.status}`,
          windowMs: window,
          sent: `${f.method} ${f.path}`,
          afterMs: after,
        });
    }
  }
  return violations;
}

/** Resolves once the emulator has recorded an entry matching `predicate` (polls every 20 ms). */
export async function when(
  emulator: Emulator,
  predicate: (e: TrafficEntry) => boolean,
  timeoutMs = 60_000,
): Promise<TrafficEntry> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = emulator.traffic.all().find(predicate);
    if (hit) return hit;
    if (Date.now() > until) throw new Error('when(): the expected request never came');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ::error:: annotations of a GitHub run (URL-decoded as the runner shows them). */
export function errorsOf(r: ActionRun): string {
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => l.replace(/%0A/g, '\n').replace(/%25/g, '%').replace(/%0D/g, ''))
    .join('\n');
}

/** The hooks of a fault file: each test's runs scanned for secret bytes, its traffic refereed, its emulator stopped. */
export function scanAndRefereeEachTest(current: () => Emulator | undefined): void {
  refereeEachTest(current, {
    expectOperations: LIFECYCLE_OPERATIONS,
    beforeStop: (emulator) => void expectEveryRunClean(emulator),
  });
}
