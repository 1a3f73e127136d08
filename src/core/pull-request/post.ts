/**
 * Whether and where this run comments: only runs for a pull request, only with `pr-comment: auto`,
 * and never at the cost of the step. Whatever goes wrong (no permission, rate limit, an API error,
 * an unreadable event) becomes one notice; the result and the outputs stand as they are.
 */
import type { InputReader } from '../contract/inputs';
import { inputDefinition } from '../contract/inputs';
import type { Platform } from '../contract/platform';
import { PullRequestCommentError, type PullRequestCommenter } from '../contract/pull-request';
import type { SecretRedactor } from '../contract/secrets';
import { commentMarker, type CommentOptions } from './comment';

const TITLE = 'Pull-request comment';

export interface PendingComment {
  readonly computeId: string;
  /** Renders the body for this commenter's limit and run link (redaction included). */
  readonly render: (options: CommentOptions) => string;
}

/** `pr-comment` as validated by readDesiredState (the catalogue's default when empty). */
export function commentsWanted(readInput: InputReader): boolean {
  return (readInput('pr-comment') ?? inputDefinition('pr-comment').default) !== 'off';
}

export async function commentOnPullRequest(
  platform: Platform,
  comment: PendingComment,
  redactor: SecretRedactor,
): Promise<void> {
  let commenter: PullRequestCommenter | undefined;
  try {
    const target = platform.pullRequest();
    if (target.kind === 'none') return;
    if (target.kind === 'unsupported') {
      platform.notice(redactor.redact(`No pull-request comment: ${target.reason}`), { title: TITLE });
      return;
    }
    commenter = await target.open();
    const body = comment.render({
      maxBodyLength: commenter.maxBodyLength,
      runUrl: commenter.runUrl,
      redact: (text) => redactor.redact(text),
    });
    const done = await commenter.upsert(commentMarker(comment.computeId), body);
    platform.info(`Pull-request comment ${done} on ${commenter.description}.`);
  } catch (error) {
    const on = commenter ? ` on ${commenter.description}` : '';
    const why =
      error instanceof PullRequestCommentError
        ? error.message
        : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    platform.notice(redactor.redact(`Could not comment${on}: ${why} The step's result is not affected.`), {
      title: TITLE,
    });
  }
}
