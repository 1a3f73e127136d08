/**
 * One-shot (or n-shot) fault rules, consulted before normal handling. The first pending rule
 * that matches a request is consumed and decides what happens to it.
 */
import type { TrafficKind } from './traffic';

export type FaultAction =
  | { status: number; retryAfterSeconds?: number; body?: unknown }
  | { reset: true }
  /** The request is handled (Azure acts on it), then the connection is reset: its answer is lost. */
  | { resetAfterHandling: true }
  | { hang: true }
  | { delayMs: number };

export interface FaultRule {
  match: { method?: string; path?: RegExp | string; kind?: TrafficKind };
  /** How many requests this rule answers. Default 1. */
  times?: number;
  action: FaultAction;
}

interface PendingRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private rules: PendingRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules not yet used up, in the order they will be consulted. */
  pending(): FaultRule[] {
    return this.rules.map((r) => ({ ...r.rule, times: r.remaining }));
  }

  /** Consume and return the action for this request, if a rule matches. */
  take(method: string, path: string, kind: TrafficKind): FaultAction | undefined {
    const hit = this.rules.find((r) => matches(r.rule, method, path, kind));
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.rules.splice(this.rules.indexOf(hit), 1);
    return hit.rule.action;
  }
}

function matches(rule: FaultRule, method: string, path: string, kind: TrafficKind): boolean {
  const m = rule.match;
  if (m.method && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.kind && m.kind !== kind) return false;
  if (m.path !== undefined) {
    if (typeof m.path === 'string' ? !path.toLowerCase().includes(m.path.toLowerCase()) : !m.path.test(path))
      return false;
  }
  return true;
}
