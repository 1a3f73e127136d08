/** Time, injectable so that waits of minutes can be tested in milliseconds. */
import { CancelledError } from '../contract/errors';

export interface Clock {
  now(): number;
  /**
   * Resolves after ms; rejects with CancelledError as soon as signal aborts. The timer is NOT
   * unref'd: a pending wait must keep the process alive. Callers instead make sure every wait is
   * either over or aborted when they settle, so nothing lingers.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout's largest delay; longer values would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new CancelledError());
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.min(Math.max(0, ms), MAX_TIMER_MS),
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
