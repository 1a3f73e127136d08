/**
 * Azure DevOps pull-request threads (Git REST API 7.x) under any collection path on the emulator's
 * host: `{collection}/{project}/_apis/git/repositories/{repo}/pullRequests/{id}/threads[/{thread}/comments/{comment}]`.
 * List (paged with the x-ms-continuationtoken header), create a thread, edit a comment; 401
 * without a bearer token, and a mode in which writes answer 403 as for a build service without
 * "Contribute to pull requests". Every comment body sent is kept, for the secret scanner.
 */
import type { Handler, Reply, RequestContext } from '../server/http';
import { header, queryParam } from '../server/http';

export interface DevOpsComment {
  id: number;
  parentCommentId: number;
  content: string;
  commentType: 'text' | 'system';
  author: { displayName: string; uniqueName: string };
  publishedDate: string;
  lastUpdatedDate: string;
  isDeleted: boolean;
}

export interface DevOpsThread {
  id: number;
  status: string;
  comments: DevOpsComment[];
  isDeleted: boolean;
  publishedDate: string;
  lastUpdatedDate: string;
}

/** Thread status names of the REST API, by the number a client may send instead. */
const THREAD_STATUS = ['unknown', 'active', 'fixed', 'wontFix', 'closed', 'byDesign', 'pending'];
const BUILD_SERVICE = { displayName: 'emulator-project Build Service (emulator-org)', uniqueName: 'build-service' };

/** The Azure DevOps side of the emulator: threads by pull request, modes, what was posted. */
export class DevOpsEmulator {
  /** Threads per list page; more remain → an x-ms-continuationtoken header. */
  pageSize = 100;
  /** 403 with TF401027 on every write (reads still work), as for a token without "Contribute to pull requests". */
  denyWrites = false;
  /** Every comment content created or edited, in order (secret scanning reads these). */
  readonly bodies: string[] = [];
  private readonly threadsByPr = new Map<string, DevOpsThread[]>();
  private nextThreadId = 1;

  /** The threads of a pull request (any repository when only the id is given). */
  threads(pullRequestId: number, repositoryId?: string): DevOpsThread[] {
    const out: DevOpsThread[] = [];
    for (const [key, threads] of this.threadsByPr) {
      const [repo, pr] = key.split('|');
      if (Number(pr) === pullRequestId && (repositoryId === undefined || repo === repositoryId.toLowerCase()))
        out.push(...threads);
    }
    return out;
  }

  /** A thread someone else wrote (a reviewer, another bot), to fill pages before ours. */
  addThread(repositoryId: string, pullRequestId: number, content: string, author = 'Reviewer'): DevOpsThread {
    return this.create(repositoryId, pullRequestId, content, 'active', {
      displayName: author,
      uniqueName: author.toLowerCase(),
    });
  }

  create(
    repositoryId: string,
    pullRequestId: number,
    content: string,
    status: string,
    author = BUILD_SERVICE,
  ): DevOpsThread {
    const now = new Date().toISOString();
    const thread: DevOpsThread = {
      id: this.nextThreadId++,
      status,
      isDeleted: false,
      publishedDate: now,
      lastUpdatedDate: now,
      comments: [
        {
          id: 1,
          parentCommentId: 0,
          content,
          commentType: 'text',
          author,
          publishedDate: now,
          lastUpdatedDate: now,
          isDeleted: false,
        },
      ],
    };
    const key = prKey(repositoryId, pullRequestId);
    this.threadsByPr.set(key, [...(this.threadsByPr.get(key) ?? []), thread]);
    return thread;
  }

  handler(): Handler {
    return (ctx) => this.route(ctx);
  }

  private route(ctx: RequestContext): Reply | undefined {
    const at = ctx.segments.findIndex((s, i) => s === '_apis' && ctx.segments[i + 1]?.toLowerCase() === 'git');
    if (at < 2) return undefined; // {collection…}/{project}/_apis/git/…
    const rest = ctx.segments.slice(at + 2);
    if (rest.length < 5 || rest[0].toLowerCase() !== 'repositories' || rest[2].toLowerCase() !== 'pullrequests')
      return undefined;
    if (rest[4].toLowerCase() !== 'threads') return undefined;
    const [repositoryId, pr] = [rest[1], Number(rest[3])];
    const threadPath = rest.slice(5);

    const version = queryParam(ctx, 'api-version');
    if (!version || !/^7\.\d/.test(version)) {
      return devopsError(
        400,
        'VssVersionOutOfRangeException',
        `The requested REST API version of ${version ?? '(none)'} is out of range for this server.`,
      );
    }
    if (!/^Bearer\s+\S+/i.test(header(ctx, 'authorization') ?? '')) {
      return {
        status: 401,
        headers: { 'www-authenticate': 'Bearer authorization_uri=https://login.microsoftonline.com/common' },
        body: 'Access Denied: the request carries no credentials.',
      };
    }
    if (!Number.isInteger(pr) || pr <= 0)
      return devopsError(404, 'GitPullRequestNotFoundException', 'TF401180: The requested pull request was not found.');
    const threads = this.threadsByPr.get(prKey(repositoryId, pr)) ?? [];

    if (threadPath.length === 0 && ctx.method === 'GET') {
      ctx.operationId = 'Pull Request Threads_List';
      return this.page(ctx, threads);
    }
    if (threadPath.length === 0 && ctx.method === 'POST') {
      ctx.operationId = 'Pull Request Threads_Create';
      if (this.denyWrites) return denied();
      const body = ctx.body as { comments?: Array<{ content?: unknown }>; status?: unknown } | undefined;
      const content = body?.comments?.[0]?.content;
      if (typeof content !== 'string' || content.length === 0)
        return devopsError(400, 'InvalidArgumentValueException', 'A thread needs a first comment with content.');
      const tooLong = this.checkLength(content);
      if (tooLong) return tooLong;
      const status =
        typeof body?.status === 'number'
          ? THREAD_STATUS[body.status]
          : typeof body?.status === 'string'
            ? body.status
            : 'active';
      this.bodies.push(content);
      return { status: 200, body: this.create(repositoryId, pr, content, status ?? 'active') };
    }
    if (threadPath.length === 3 && threadPath[1].toLowerCase() === 'comments' && ctx.method === 'PATCH') {
      ctx.operationId = 'Pull Request Thread Comments_Update';
      if (this.denyWrites) return denied();
      const thread = threads.find((t) => t.id === Number(threadPath[0]));
      const comment = thread?.comments.find((c) => c.id === Number(threadPath[2]));
      if (!thread || !comment) return devopsError(404, 'CommentNotFoundException', 'The comment was not found.');
      const content = (ctx.body as { content?: unknown } | undefined)?.content;
      if (typeof content !== 'string')
        return devopsError(400, 'InvalidArgumentValueException', 'The comment needs content.');
      const tooLong = this.checkLength(content);
      if (tooLong) return tooLong;
      this.bodies.push(content);
      comment.content = content;
      comment.lastUpdatedDate = thread.lastUpdatedDate = new Date().toISOString();
      return { status: 200, body: comment };
    }
    return devopsError(405, 'MethodNotAllowed', `emulator: ${ctx.method} is not served for ${ctx.path}`);
  }

  /** One page of threads from the continuation token on (the token is the next thread's index). */
  private page(ctx: RequestContext, threads: DevOpsThread[]): Reply {
    const from = Number(queryParam(ctx, 'continuationToken') ?? '0') || 0;
    const value = threads.slice(from, from + this.pageSize);
    const headers: Record<string, string> = {};
    if (from + this.pageSize < threads.length) headers['x-ms-continuationtoken'] = String(from + this.pageSize);
    return { status: 200, headers, body: { value, count: value.length } };
  }

  private checkLength(content: string): Reply | undefined {
    return content.length > MAX_CONTENT
      ? devopsError(400, 'InvalidArgumentValueException', `The comment content exceeds ${MAX_CONTENT} characters.`)
      : undefined;
  }
}

/** What Azure DevOps accepts as one comment's content. */
const MAX_CONTENT = 150_000;

function prKey(repositoryId: string, pullRequestId: number): string {
  return `${repositoryId.toLowerCase()}|${pullRequestId}`;
}

/** Azure DevOps error body (a serialized VssServiceException). */
function devopsError(status: number, typeKey: string, message: string): Reply {
  return { status, body: { $id: '1', innerException: null, message, typeKey, errorCode: 0, eventId: 3000 } };
}

function denied(): Reply {
  return devopsError(
    403,
    'GitNeedsPermissionException',
    "TF401027: You need the Git 'PullRequestContribute' permission to perform this action. Details: identity 'Build\\emulator-project Build Service (emulator-org)', scope 'repository'.",
  );
}
