/** Cancellation with a grace period, for writes already on the wire. */
import { CancelledError } from '../contract/errors';

/** A signal that aborts `graceMs` after `parent` does (never, without a parent). */
export function graceSignal(
  parent: AbortSignal | undefined,
  graceMs: number,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    timer = setTimeout(() => controller.abort(new CancelledError()), graceMs);
  };
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      parent?.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
    },
  };
}
