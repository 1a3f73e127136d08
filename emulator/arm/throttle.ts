/**
 * ARM-style throttling: one token bucket per principal for reads and one for writes.
 * Off unless settings.throttle is set. Also feeds the x-ms-ratelimit-remaining-* headers.
 */
import type { ThrottleSettings } from '../server/types';

interface Bucket {
  tokens: number;
  updated: number;
}

export interface ThrottleDecision {
  allowed: boolean;
  /** Whole tokens left after this request (for x-ms-ratelimit-remaining-subscription-*). */
  remaining: number;
  /** When refused: seconds until one token is back. */
  retryAfterSeconds: number;
}

const UNTHROTTLED_REMAINING = { read: 11999, write: 1199 };

export class Throttle {
  private buckets = new Map<string, Bucket>();
  /** 429 answers sent because of throttling. */
  throttled = 0;

  take(
    settings: ThrottleSettings | null,
    principal: string,
    kind: 'read' | 'write',
    now = Date.now(),
  ): ThrottleDecision {
    if (!settings) return { allowed: true, remaining: UNTHROTTLED_REMAINING[kind], retryAfterSeconds: 0 };
    const rate = kind === 'read' ? settings.readsPerSecond : settings.writesPerSecond;
    const burst = Math.max(1, settings.burst);
    const k = `${principal}|${kind}`;
    const b = this.buckets.get(k) ?? { tokens: burst, updated: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.updated) / 1000) * rate);
    b.updated = now;
    this.buckets.set(k, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
    }
    this.throttled += 1;
    const wait = rate > 0 ? (1 - b.tokens) / rate : 60;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
