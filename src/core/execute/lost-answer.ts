/**
 * A write in place (the PUT of an update, the PATCH of the extension) whose answer was lost: the
 * connection dropped, the request timed out or Azure answered 5xx, so Azure may or may not have
 * acted on it. Instead of failing (or blindly resending into an operation that may be running),
 * the resource is read back: carrying the desired settings, the write is done; unchanged, it is
 * sent again within the retry budget; failed, that is the answer. Nothing is ever deleted.
 */
import { isTransientFailure } from '../azure/errors';
import type { LroStart } from '../azure/poller';
import type { ExecutionContext } from './context';
import { RetryBudget, describeFailure } from './retry-budget';

/** What the read-back found: Azure acted (the desired settings are there), it did not, or the resource failed. */
export type ReadBack = { kind: 'applied' } | { kind: 'unchanged' } | { kind: 'failed'; error: Error };

export interface WriteInPlace {
  /** For messages: "update of aks-prod". */
  readonly what: string;
  send(): Promise<LroStart>;
  /** Reads the resource back, waiting while it is busy, and judges it. */
  readBack(): Promise<ReadBack>;
}

/** The write's first answer, or 'applied' when a read-back after a lost answer found Azure had done it. */
export async function sendReadingBackLostAnswers(
  ctx: Pick<ExecutionContext, 'platform' | 'clock' | 'deadline' | 'signal'>,
  write: WriteInPlace,
): Promise<LroStart | 'applied'> {
  const budget = new RetryBudget(ctx);
  for (;;) {
    try {
      return await write.send();
    } catch (error) {
      // A refusal (4xx), the deadline and a cancellation are answers, not lost ones.
      if (!isTransientFailure(error)) throw error;
      ctx.platform.info(
        `The ${write.what} got no usable answer (${describeFailure(error)}); Azure may or may not have acted on it, so it is read back.`,
      );
      const found = await write.readBack();
      if (found.kind === 'applied') {
        ctx.platform.info(`Azure did act on the ${write.what}: the desired settings are in place.`);
        return 'applied';
      }
      if (found.kind === 'failed') throw found.error;
      const pause = budget.retryAfter(error);
      if (pause === undefined) throw error;
      ctx.platform.warning(
        `Azure did not act on the ${write.what}; sending it again (attempt ${budget.attempt} of ${budget.maxAttempts}).`,
      );
      await ctx.clock.sleep(pause, ctx.signal);
    }
  }
}
