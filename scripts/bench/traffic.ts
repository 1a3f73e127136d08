/**
 * What one run did, read off the emulator's traffic log: ARM requests by kind, token requests,
 * when the first request arrived after spawn, and for each long-running operation when Azure
 * finished it, when the run noticed, and how it polled.
 */
import type { TrafficEntry } from '../../emulator';

export interface OperationTiming {
  method: 'PUT' | 'DELETE';
  /** Arrival of the PUT/DELETE (epoch ms); the emulator starts the operation there. */
  startedAt: number;
  /** When the emulated operation ended (its status body's endTime, else start + duration). */
  doneAt: number;
  /** Arrival of the first status request answered with a final state. */
  noticedAt?: number;
  polls: number;
  /** Status polls that arrived within 1 s of the previous request of the same operation (PUT/DELETE included). */
  pollsWithin1s: number;
  /** Status polls sent before the Retry-After of the previous answer had passed (50 ms tolerance). */
  pollsBeforeRetryAfter: number;
}

export interface RunMetrics {
  /** ARM requests: resource requests and operation-status requests. */
  arm: number;
  statusPolls: number;
  /** Token endpoint POSTs and managed-identity calls. */
  tokenRequests: number;
  /** Entra metadata reads (openid-configuration, instance discovery). */
  entraMetadata: number;
  /** Requests by label, e.g. {'GET compute': 2, 'PUT compute': 1, 'status': 14}. */
  byLabel: Record<string, number>;
  firstRequestMs?: number;
  firstArmMs?: number;
  /** Process exit minus arrival of its last ARM request. */
  exitAfterLastRequestMs?: number;
  operations: OperationTiming[];
  throttled: number;
}

/** A short name for a request, stable across runs. */
export function label(e: TrafficEntry): string {
  if (e.kind === 'token') return e.method === 'POST' ? 'token' : 'entra metadata';
  if (e.kind === 'msi') return 'token';
  if (e.kind === 'lro') return 'status';
  if (e.kind !== 'arm') return e.kind;
  const p = e.path.toLowerCase();
  const what = /\/computes\/[^/]+$/.test(p)
    ? 'compute'
    : /\/computes$/.test(p)
      ? 'computes'
      : /\/workspaces\/[^/]+$/.test(p)
        ? 'workspace'
        : /\/managedclusters\/[^/]+$/.test(p)
          ? 'cluster'
          : /\/kubernetesversions$/.test(p)
            ? 'kubernetes versions'
            : /\/listclusterusercredential$/.test(p)
              ? 'cluster user credential'
              : (p.split('/').pop() ?? p);
  const verb = e.method === 'GET' && (what === 'computes' || what === 'kubernetes versions') ? 'LIST' : e.method;
  return `${verb} ${what}`;
}

export const isArm = (e: TrafficEntry): boolean => e.kind === 'arm' || e.kind === 'lro';

export function analyse(
  entries: TrafficEntry[],
  run: { spawnedAt: number; exitedAt: number },
  durations: { PUT: number; DELETE: number },
): RunMetrics {
  const at = (e: TrafficEntry) => Date.parse(e.time);
  const arm = entries.filter(isArm);
  const byLabel: Record<string, number> = {};
  for (const e of entries) byLabel[label(e)] = (byLabel[label(e)] ?? 0) + 1;
  const firstArm = arm[0];
  const lastArm = arm[arm.length - 1];

  // Operations: each 201/202 answer to a PUT/DELETE names the status URL(s) its polls go to.
  const operations: OperationTiming[] = [];
  const opOfPath = new Map<string, { op: OperationTiming; lastAt: number; retryAfterMs?: number }>();
  for (const e of entries) {
    if (e.kind === 'arm' && (e.method === 'PUT' || e.method === 'DELETE') && (e.status === 201 || e.status === 202)) {
      const op: OperationTiming = {
        method: e.method,
        startedAt: at(e),
        doneAt: at(e) + durations[e.method],
        polls: 0,
        pollsWithin1s: 0,
        pollsBeforeRetryAfter: 0,
      };
      operations.push(op);
      const state = { op, lastAt: at(e), retryAfterMs: retryAfterMs(e) };
      for (const h of ['azure-asyncoperation', 'location']) {
        const url = e.responseHeaders[h];
        if (url) opOfPath.set(new URL(url).pathname.toLowerCase(), state);
      }
    } else if (e.kind === 'lro') {
      const state = opOfPath.get(e.path.toLowerCase());
      if (!state) continue;
      const { op } = state;
      op.polls++;
      if (at(e) - state.lastAt < 1000) op.pollsWithin1s++;
      if (state.retryAfterMs !== undefined && at(e) - state.lastAt < state.retryAfterMs - 50)
        op.pollsBeforeRetryAfter++;
      state.lastAt = at(e);
      state.retryAfterMs = retryAfterMs(e);
      // A throttled or failed status request says nothing about the operation.
      if (e.status === 429 || e.status >= 500 || e.status === 0) continue;
      const body = e.responseBody as { status?: string; endTime?: string } | undefined;
      const final = body?.status
        ? !/^(inprogress|running|accepted|creating|updating|deleting)$/i.test(body.status)
        : e.status !== 202;
      if (final && op.noticedAt === undefined) {
        op.noticedAt = at(e);
        if (body?.endTime) op.doneAt = Date.parse(body.endTime);
      }
    }
  }

  return {
    arm: arm.length,
    statusPolls: entries.filter((e) => e.kind === 'lro').length,
    tokenRequests: entries.filter((e) => (e.kind === 'token' && e.method === 'POST') || e.kind === 'msi').length,
    entraMetadata: entries.filter((e) => e.kind === 'token' && e.method === 'GET').length,
    byLabel,
    firstRequestMs: entries[0] ? at(entries[0]) - run.spawnedAt : undefined,
    firstArmMs: firstArm ? at(firstArm) - run.spawnedAt : undefined,
    exitAfterLastRequestMs: lastArm ? run.exitedAt - at(lastArm) : undefined,
    operations,
    throttled: arm.filter((e) => e.status === 429).length,
  };
}

function retryAfterMs(e: TrafficEntry): number | undefined {
  const value = e.responseHeaders['retry-after'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) * 1000 : undefined;
}

/** One line per request, relative to spawn, for excerpts in reports. */
export function excerpt(entries: TrafficEntry[], spawnedAt: number): string[] {
  return entries.map((e) => {
    const t = ((Date.parse(e.time) - spawnedAt) / 1000).toFixed(3).padStart(8);
    const body = e.responseBody as { status?: string } | undefined;
    const status = e.kind === 'lro' && body?.status ? ` ${body.status}` : '';
    const ra = e.responseHeaders['retry-after'] ? ` retry-after=${e.responseHeaders['retry-after']}` : '';
    return `${t}s  ${e.method.padEnd(6)} ${String(e.status).padEnd(3)} ${label(e).padEnd(24)} ${shortPath(e.path)}${status}${ra}`;
  });
}

function shortPath(path: string): string {
  const m = /providers\/(.*)$/i.exec(path);
  const p = m ? m[1] : path;
  return p.replace(/([0-9a-f]{8})-[0-9a-f-]{27}/gi, '$1…');
}
