/**
 * Request counts for operations too long to run in a benchmark (5 and 10 minutes), from the
 * product's own poller (src/core/azure/poller.ts) on a virtual clock, against a status endpoint
 * that answers instantly; and, beside it, the other waiting strategies the issue names, from
 * their documented rules:
 *   - core-lro 2.x as driven by beginXxxAndWait with default options: the begin call polls once
 *     right after the initial request, pollUntilDone polls again at once, then every Retry-After
 *     when one was given, else every 2 s; after the final answer a pending 2 s / Retry-After timer
 *     keeps Node alive one more interval (validated against the measured runs);
 *   - Azure CLI: every Retry-After, else 30 s; Terraform azurerm: every Retry-After, else 10 s.
 * A real run adds the network time of each request, so its figures are a few ms later.
 */
import { createVirtualClock } from '../../testkit/virtual-clock';
import type { HttpExchange } from '../../src/core/azure/http-exchange';
import { pollLongRunningOperation } from '../../src/core/azure/poller';
import { EXPECTED_DURATION_MS, adaptiveSchedule } from '../../src/core/azure/poll-schedule';

export interface Waiting {
  polls: number;
  /** From the start of the operation to the answer that reports it done. */
  noticedAtMs: number;
  /** noticedAt − operation length. */
  delayMs: number;
  /** When the process could exit (core-lro: one more interval). */
  exitAtMs: number;
}

const STATUS =
  'https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op?api-version=2022-10-01';

/**
 * The product's poller, for an operation of durationMs, with or without a Retry-After on every
 * answer; expectedDurationMs is what the product expects of that kind of operation (attach 5 min).
 */
export async function productWaiting(
  durationMs: number,
  retryAfterSeconds: number | null,
  expectedDurationMs: number = EXPECTED_DURATION_MS.attach,
): Promise<Waiting> {
  const clock = createVirtualClock(0);
  const headers = (done: boolean) => (name: string) =>
    name.toLowerCase() === 'retry-after' && retryAfterSeconds !== null && !done ? String(retryAfterSeconds) : undefined;
  let polls = 0;
  const send = (): Promise<HttpExchange> => {
    polls++;
    const done = clock.now() >= durationMs;
    return Promise.resolve({
      status: 200,
      header: headers(done),
      bodyText: JSON.stringify({ status: done ? 'Succeeded' : 'InProgress' }),
    });
  };
  const start = {
    method: 'PUT' as const,
    requestUrl:
      'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/c?api-version=2022-10-01',
    status: 201,
    header: (name: string) => (name.toLowerCase() === 'azure-asyncoperation' ? STATUS : headers(false)(name)),
    expectedDurationMs,
  };
  await pollLongRunningOperation(start, { send, deadline: 4 * 3_600_000, clock });
  const noticedAtMs = clock.now();
  return { polls, noticedAtMs, delayMs: noticedAtMs - durationMs, exitAtMs: noticedAtMs };
}

/** Fixed-interval polling: `immediate` polls at t=0, then one every interval until done. */
function fixed(durationMs: number, intervalMs: number, immediate: number, lingerMs: number): Waiting {
  const later = Math.ceil(durationMs / intervalMs);
  const noticedAtMs = later * intervalMs;
  return { polls: immediate + later, noticedAtMs, delayMs: noticedAtMs - durationMs, exitAtMs: noticedAtMs + lingerMs };
}

/** core-lro 2.x via beginXxxAndWait, default options. */
export function sdkDefaultWaiting(durationMs: number, retryAfterSeconds: number | null): Waiting {
  const interval = retryAfterSeconds !== null ? retryAfterSeconds * 1000 : 2000;
  return fixed(durationMs, interval, 2, interval);
}

export function cliWaiting(durationMs: number, retryAfterSeconds: number | null): Waiting {
  return fixed(durationMs, retryAfterSeconds !== null ? retryAfterSeconds * 1000 : 30_000, 0, 0);
}

export function terraformWaiting(durationMs: number, retryAfterSeconds: number | null): Waiting {
  return fixed(durationMs, retryAfterSeconds !== null ? retryAfterSeconds * 1000 : 10_000, 0, 0);
}

/** When the product's polls land for an operation that never ends (the schedule itself). */
export function scheduleTimes(untilMs: number): number[] {
  const times: number[] = [];
  let t = 0;
  for (let i = 0; t < untilMs; i++) {
    t += Math.max(1000, adaptiveSchedule(i, t));
    times.push(t);
  }
  return times;
}

/**
 * Polls for an operation of exactly durationMs, and the delay before its end is noticed, on average
 * and at worst, over operations ending anywhere in [durationMs, durationMs + 30 s) (250 ms steps):
 * with a fixed interval, a duration that happens to be a multiple of it would look free.
 */
export interface Strategy {
  polls: number;
  meanDelayMs: number;
  maxDelayMs: number;
  /** After the end is noticed, how long the process stays (core-lro's pending timer). */
  lingerMs: number;
}

async function strategy(
  wait: (durationMs: number) => Waiting | Promise<Waiting>,
  durationMs: number,
): Promise<Strategy> {
  const exact = await wait(durationMs);
  const delays: number[] = [];
  for (let d = durationMs; d < durationMs + 30_000; d += 250) delays.push((await wait(d)).delayMs);
  return {
    polls: exact.polls,
    meanDelayMs: delays.reduce((a, b) => a + b, 0) / delays.length,
    maxDelayMs: Math.max(...delays),
    lingerMs: exact.exitAtMs - exact.noticedAtMs,
  };
}

export interface ExtrapolationRow {
  durationMs: number;
  retryAfterSeconds: number | null;
  /** Waiting as for an attach (expected about 5 minutes). */
  product: Strategy;
  /** Waiting as for a create (expected about 10 minutes). */
  productCreate: Strategy;
  sdk: Strategy;
  cli: Strategy;
  terraform: Strategy;
}

export async function extrapolate(durationsMs: number[], retryAfters: (number | null)[]): Promise<ExtrapolationRow[]> {
  const rows: ExtrapolationRow[] = [];
  for (const retryAfterSeconds of retryAfters) {
    for (const durationMs of durationsMs) {
      rows.push({
        durationMs,
        retryAfterSeconds,
        product: await strategy((d) => productWaiting(d, retryAfterSeconds), durationMs),
        productCreate: await strategy(
          (d) => productWaiting(d, retryAfterSeconds, EXPECTED_DURATION_MS.create),
          durationMs,
        ),
        sdk: await strategy((d) => sdkDefaultWaiting(d, retryAfterSeconds), durationMs),
        cli: await strategy((d) => cliWaiting(d, retryAfterSeconds), durationMs),
        terraform: await strategy((d) => terraformWaiting(d, retryAfterSeconds), durationMs),
      });
    }
  }
  return rows;
}

/** Polls the same rule would spend with another cap (instant answers): to show why 15 s. */
export function pollsWithCap(durationMs: number, capMs: number): { polls: number; worstDelayMs: number } {
  let t = 0;
  let polls = 0;
  while (t < durationMs) {
    t += Math.min(capMs, Math.max(1000, Math.round(t / 4)));
    polls++;
  }
  return { polls, worstDelayMs: durationMs >= 4 * capMs ? capMs : t - durationMs };
}

/** The durations the issue compares schedules on (attach ~5 min and create ~10 min, and around them). */
export const COMPARED_DURATIONS_MS = [20_000, 60_000, 180_000, 300_000, 480_000, 600_000, 900_000];

/** Polls against lag without Retry-After (the case Azure's compute operations are in), as a text table. */
export function pollsAgainstLagTable(rows: ExtrapolationRow[]): string {
  const lag = (x: Strategy) =>
    `${x.polls} polls, +${(x.meanDelayMs / 1000).toFixed(1)} / ${(x.maxDelayMs / 1000).toFixed(1)} s`;
  const cells = (r: ExtrapolationRow) => [
    r.durationMs >= 60_000 ? `${r.durationMs / 60_000} min` : `${r.durationMs / 1000} s`,
    lag(r.product),
    lag(r.productCreate),
    lag(r.sdk),
    lag(r.terraform),
    lag(r.cli),
  ];
  const head = [
    'operation',
    'this tool (attach)',
    'this tool (create)',
    'SDK default (2 s)',
    'Terraform (10 s)',
    'Azure CLI (30 s)',
  ];
  const table = [head, ...rows.map(cells)];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return table.map((r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ')).join('\n');
}

// `npm run build:tools && node build/scripts/bench/schedule.js`: just this table, in a second.
if (require.main === module) {
  void extrapolate(COMPARED_DURATIONS_MS, [null]).then((rows) => {
    process.stdout.write(
      'No Retry-After; polls for exactly that length, lag (mean / worst) over ends in the next 30 s:\n' +
        `${pollsAgainstLagTable(rows)}\n`,
    );
  });
}
