/**
 * The seam for pull-request comments. The core renders one body per compute and decides whether
 * to post; each adapter only finds the pull request from its CI system's variables and posts
 * through its API. Nothing here makes a request: an adapter's `pullRequest()` reads variables only,
 * and its commenter loads its client (Octokit, the Azure DevOps calls) when first used.
 */

/** Where this run's comment goes, as the CI system says without asking any API. */
export type PullRequestTarget =
  /** A run for a pull request that can be commented on. */
  | { readonly kind: 'pull-request'; readonly open: () => Promise<PullRequestCommenter> }
  /** Not a pull-request run (push, schedule, individual CI build, release): no request at all. */
  | { readonly kind: 'none' }
  /** A pull-request run this product cannot comment on (e.g. a GitHub repository built in Azure Pipelines). */
  | { readonly kind: 'unsupported'; readonly reason: string };

export interface PullRequestCommenter {
  /** For messages, e.g. "pull request #12 of octo/models". */
  readonly description: string;
  /** The longest comment body the service accepts (GitHub 65,536 characters, Azure DevOps 150,000). */
  readonly maxBodyLength: number;
  /** This run's page, linked from the comment (GitHub: the workflow run; Azure Pipelines: the build results). */
  readonly runUrl?: string;
  /** Edits the comment (thread) whose body contains `marker`, or creates it. */
  upsert(marker: string, body: string): Promise<'created' | 'updated'>;
}

/**
 * Posting failed (no permission, rate limit, API error). Never fails the step: the core turns it
 * into one notice. `message` already says what to grant, in the CI system's words.
 */
export class PullRequestCommentError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PullRequestCommentError';
  }
}
