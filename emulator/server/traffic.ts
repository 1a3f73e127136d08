/**
 * Every request the emulator answered (faulted ones too), in order. Secrets are kept as sent:
 * tests scan the product's output, not this log, and some tests want to see what was sent.
 */

/** github: GitHub's REST API; devops: the Azure DevOps REST API (pull-request comments and threads); keyvault: Key Vault's data plane. */
export type TrafficKind = 'token' | 'oidc' | 'arm' | 'lro' | 'k8s' | 'msi' | 'github' | 'devops' | 'keyvault';

export interface TrafficEntry {
  seq: number;
  time: string;
  method: string;
  /** Full URL with query, as the client addressed it. */
  url: string;
  path: string;
  query: Record<string, string>;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
  /** 0 when the socket was reset or the request hung until stop. */
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: unknown;
  kind: TrafficKind;
  /** The swagger operationId served (e.g. Compute_CreateOrUpdate), when there is one. */
  operationId?: string;
  /** Set when a fault rule answered instead of the normal handler. */
  fault?: 'status' | 'reset' | 'hang' | 'delay' | 'answer-lost';
}

export interface TrafficFilter {
  method?: string;
  kind?: TrafficKind;
  /** RegExp, or a substring of the path. */
  path?: RegExp | string;
  status?: number;
  operationId?: string;
}

const READ_POSTS =
  /\/(listkeys|listclusterusercredential|listclusteradmincredential|listclustermonitoringusercredential)$/i;

export function matchesFilter(e: TrafficEntry, f: TrafficFilter): boolean {
  if (f.method && e.method.toUpperCase() !== f.method.toUpperCase()) return false;
  if (f.kind && e.kind !== f.kind) return false;
  if (f.status !== undefined && e.status !== f.status) return false;
  if (f.operationId && e.operationId !== f.operationId) return false;
  if (f.path !== undefined) {
    if (typeof f.path === 'string' ? !e.path.includes(f.path) : !f.path.test(e.path)) return false;
  }
  return true;
}

export class TrafficLog {
  private entries: TrafficEntry[] = [];
  /** Everything ever recorded: clear() starts a new view for a test step, the referee still sees all. */
  private archive: TrafficEntry[] = [];
  private seq = 0;

  /** Called by the server once a response is complete (or the request died). */
  record(entry: Omit<TrafficEntry, 'seq'>): TrafficEntry {
    const full = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    this.archive.push(full);
    return full;
  }

  all(): TrafficEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }

  /** Every exchange since the emulator started, clear() or not. */
  history(): TrafficEntry[] {
    return [...this.archive];
  }

  filter(f: TrafficFilter = {}): TrafficEntry[] {
    return this.entries.filter((e) => matchesFilter(e, f));
  }

  count(f: TrafficFilter = {}): number {
    return this.filter(f).length;
  }

  /** The requests that change something in Azure (see isMutating). */
  mutating(): TrafficEntry[] {
    return this.entries.filter(isMutating);
  }
}

/**
 * The one meaning of "mutating" in this project: an ARM PUT/POST/PATCH/DELETE, except the POSTs
 * that only read keys or credentials (listKeys, listClusterUser/AdminCredential …).
 */
export function isMutating(e: TrafficEntry): boolean {
  return (
    e.kind === 'arm' &&
    ['PUT', 'POST', 'PATCH', 'DELETE'].includes(e.method) &&
    !(e.method === 'POST' && READ_POSTS.test(e.path))
  );
}
