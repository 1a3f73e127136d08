/** Test-only time: kept out of the bundles. */
import type { Clock } from '../src/core/azure/clock';
import { CancelledError } from '../src/core/contract/errors';

export interface VirtualClock extends Clock {
  /** Sleeps not yet over. */
  readonly pendingSleeps: number;
}

/**
 * A clock for tests and simulations: time stands still while code runs and jumps to the next
 * wake-up as soon as the process has nothing else to do (checked with setImmediate, i.e. after
 * all pending promise continuations). Hours of polling run in milliseconds, with exact times.
 */
export function createVirtualClock(startMs = 0): VirtualClock {
  interface Sleeper {
    at: number;
    seq: number;
    wake: () => void;
  }
  let now = startMs;
  let seq = 0;
  let scheduled = false;
  const sleepers: Sleeper[] = [];

  const advanceWhenIdle = (): void => {
    if (scheduled || sleepers.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      // Earliest first; equal times in the order the sleeps began.
      sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = sleepers.shift();
      if (next) {
        now = Math.max(now, next.at);
        next.wake();
      }
      advanceWhenIdle();
    });
  };

  return {
    now: () => now,
    get pendingSleeps() {
      return sleepers.length;
    },
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new CancelledError());
        const onAbort = (): void => {
          const i = sleepers.indexOf(sleeper);
          if (i >= 0) sleepers.splice(i, 1);
          reject(new CancelledError());
        };
        const sleeper: Sleeper = {
          at: now + Math.max(0, ms),
          seq: seq++,
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', onAbort, { once: true });
        advanceWhenIdle();
      }),
  };
}
