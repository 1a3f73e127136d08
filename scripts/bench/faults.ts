/**
 * Faults cost no more than they must (issue 19), this tool beside the SDK's default behaviour
 * for the same faults, each against its own emulator:
 * - ten 5xx answers in a row to an attach's operation-status requests: how late the end of the
 *   operation is noticed (this tool), or what the SDK does (its default retry policy gives up
 *   after 3 retries, failing the wait while the operation goes on);
 * - a certificate rotation in place whose first PUT is dropped, before or after Azure acted on
 *   it: wall time and result (this tool reads the compute back; the SDK resends blindly).
 */
import type { Emulator, FaultAction, TrafficEntry } from '../../emulator';
import { startEmulator } from '../../emulator';
import { DEMO, demoSeed, githubInputs } from '../../testkit/demo-world';
import { rotationInputs, seedWithCertificate } from './rotation';
import { runBaseline, runGithubBundle } from './proc';
import { baselineConfig } from './scenarios';

/** The operation of the poll case: short, so that the lag is nearly all of what the run adds. */
const POLL_CASE_ATTACH_MS = 1_500;
const STREAK = [500, 503, 502, 504, 500, 503, 500, 502, 503, 500];
/** "Well under a minute": the bench fails above this lag (the old backoff: 91–117 s). */
export const MAX_STREAK_LAG_MS = 30_000;
const ROTATION_MS = 20_000;

export interface FaultSide {
  readonly who: 'this tool' | 'SDK default';
  readonly result: string;
  readonly wallMs: number;
  /** Poll case: from the operation's end to the status answer that reported it (this tool only). */
  readonly lagMs?: number;
  readonly statusRequests: number;
  readonly writes: string;
  readonly error?: string;
}

export interface FaultCase {
  readonly title: string;
  readonly sides: FaultSide[];
}

const at = (e: TrafficEntry) => Date.parse(e.time);

async function withEmulator<T>(attachMs: number, fn: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ seed: demoSeed(), settings: { attachMs, retryAfterSeconds: null } });
  try {
    return await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

function trafficFigures(emulator: Emulator) {
  const all = emulator.traffic.all();
  return {
    statusRequests: all.filter((e) => e.kind === 'lro').length,
    writes: all
      .filter((e) => e.kind === 'arm' && ['PUT', 'PATCH', 'DELETE'].includes(e.method))
      .map((e) => `${e.method} ${e.fault ?? e.status}`)
      .join(', '),
  };
}

/** From the end of the operation the PUT started to the first status answer saying Succeeded. */
function lagOf(emulator: Emulator): number | undefined {
  const all = emulator.traffic.all();
  const put = all.find((e) => e.kind === 'arm' && e.method === 'PUT' && e.status === 201);
  const seen = all
    .filter((e) => e.kind === 'lro' && (e.responseBody as { status?: string } | undefined)?.status === 'Succeeded')
    .sort((a, b) => at(a) - at(b))[0];
  return put && seen ? at(seen) - (at(put) + POLL_CASE_ATTACH_MS) : undefined;
}

const errorLine = (stdout: string) =>
  stdout
    .split('\n')
    .find((l) => l.startsWith('::error'))
    ?.replace(/%0A.*/, '')
    .slice(0, 160);

async function pollStreakProduct(): Promise<FaultSide> {
  return withEmulator(POLL_CASE_ATTACH_MS, async (emulator) => {
    for (const status of STREAK) emulator.faults.add({ match: { kind: 'lro' }, action: { status } });
    const run = await runGithubBundle({ inputs: githubInputs(emulator, {}), caCertPath: emulator.caCertPath });
    return {
      who: 'this tool',
      result: run.outputs.result ?? 'failed',
      wallMs: run.exitedAt - run.spawnedAt,
      lagMs: lagOf(emulator),
      ...trafficFigures(emulator),
      error: run.exitCode === 0 ? undefined : errorLine(run.stdout),
    };
  });
}

async function pollStreakSdk(): Promise<FaultSide> {
  return withEmulator(POLL_CASE_ATTACH_MS, async (emulator) => {
    for (const status of STREAK) emulator.faults.add({ match: { kind: 'lro' }, action: { status } });
    const config = baselineConfig(emulator, {
      operation: 'ensure',
      computeName: 'aks-prod',
      clusterId: DEMO.clusters.prod,
    });
    const run = await runBaseline(config, emulator.caCertPath);
    return {
      who: 'SDK default',
      result: run.report?.result ?? 'failed',
      wallMs: run.exitedAt - run.spawnedAt,
      lagMs: run.report?.result === 'attached' ? lagOf(emulator) : undefined,
      ...trafficFigures(emulator),
      error: run.report?.error?.slice(0, 160),
    };
  });
}

const dropPut = (emulator: Emulator, action: FaultAction) =>
  emulator.faults.add({ match: { method: 'PUT', kind: 'arm', path: /\/computes\/aks-prod$/ }, action });

async function rotationProduct(action: FaultAction): Promise<FaultSide> {
  return withEmulator(ROTATION_MS, async (emulator) => {
    const next = seedWithCertificate(emulator);
    dropPut(emulator, action);
    const run = await runGithubBundle({
      inputs: rotationInputs(emulator, next, 'ensure'),
      caCertPath: emulator.caCertPath,
    });
    return {
      who: 'this tool',
      result: run.outputs.result ?? 'failed',
      wallMs: run.exitedAt - run.spawnedAt,
      ...trafficFigures(emulator),
      error: run.exitCode === 0 ? undefined : errorLine(run.stdout),
    };
  });
}

async function rotationSdk(action: FaultAction): Promise<FaultSide> {
  return withEmulator(ROTATION_MS, async (emulator) => {
    const next = seedWithCertificate(emulator);
    dropPut(emulator, action);
    const config = baselineConfig(emulator, {
      operation: 'rotate',
      computeName: 'aks-prod',
      tls: { cert: next.chainPem, key: next.keyPem, cname: 'scoring.contoso.com' },
    });
    const run = await runBaseline(config, emulator.caCertPath);
    return {
      who: 'SDK default',
      result: run.report?.result ?? 'failed',
      wallMs: run.exitedAt - run.spawnedAt,
      ...trafficFigures(emulator),
      error: run.report?.error?.slice(0, 160),
    };
  });
}

/** Runs every case; throws when this tool notices the end of an operation after a 5xx streak too late. */
export async function measureFaults(log: (line: string) => void): Promise<FaultCase[]> {
  const cases: FaultCase[] = [];
  log(`faults: ten 5xx on the status requests of a ${POLL_CASE_ATTACH_MS / 1000} s attach`);
  cases.push({
    title: `ten 5xx in a row on the status requests of a ${POLL_CASE_ATTACH_MS / 1000} s attach`,
    sides: await Promise.all([pollStreakProduct(), pollStreakSdk()]),
  });
  const lag = cases[0].sides[0].lagMs;
  if (cases[0].sides[0].result !== 'attached' || lag === undefined || lag > MAX_STREAK_LAG_MS)
    throw new Error(
      `bench: after ten 5xx on status polls this tool noticed the end ${lag ?? '?'} ms late (result ${cases[0].sides[0].result}); the bound is ${MAX_STREAK_LAG_MS} ms`,
    );
  for (const [when, action] of [
    ['before Azure acted', { reset: true }],
    ['after Azure acted (answer lost)', { resetAfterHandling: true }],
  ] as const) {
    log(`faults: a ${ROTATION_MS / 1000} s rotation in place whose first PUT is reset ${when}`);
    cases.push({
      title: `rotation in place (${ROTATION_MS / 1000} s update), first PUT reset ${when}`,
      sides: await Promise.all([rotationProduct(action), rotationSdk(action)]),
    });
  }
  return cases;
}

export function faultLines(cases: readonly FaultCase[]): string[] {
  const s = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
  return [
    '| Fault | Who | Result | Wall time | Noticed late by | Status requests | Writes |',
    '|---|---|---|---|---|---|---|',
    ...cases.flatMap((c) =>
      c.sides.map(
        (r) =>
          `| ${c.title} | ${r.who} | ${r.result}${r.error ? ` (${r.error.replace(/\|/g, '/')})` : ''} | ${s(r.wallMs)} | ${s(r.lagMs)} | ${r.statusRequests} | ${r.writes} |`,
      ),
    ),
  ];
}
