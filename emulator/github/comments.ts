/**
 * GitHub's REST endpoints for issue (pull-request) comments, as GitHub Enterprise Server serves
 * them under /api/v3: list with paging (per_page, page, a Link header with absolute URLs), create,
 * update. The token is checked (401 without or with another one); `permission: 'read'` answers
 * writes 403 as GitHub does for the read-only token of a pull request from a fork.
 */
import { header, json, matchPath, queryParam, type Handler, type Reply, type RequestContext } from '../server/http';

/** Path prefix of the API, as on GitHub Enterprise Server: GITHUB_API_URL = `${emulator.url}/api/v3`. */
export const GITHUB_API_PREFIX = '/api/v3';

export interface GithubComment {
  readonly id: number;
  readonly owner: string;
  readonly repo: string;
  readonly issue: number;
  body: string;
  readonly createdAt: string;
  updatedAt: string;
  /** How many times the body was replaced (PATCH). */
  edits: number;
}

const DOCS = 'https://docs.github.com/rest/issues/comments';
const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

function message(status: number, text: string, docs = DOCS): Reply {
  return json(status, { message: text, documentation_url: docs, status: String(status) });
}

export class GithubComments {
  /** The token the emulated repository accepts (the workflow's GITHUB_TOKEN). */
  token = 'ghs_EmulatorWorkflowToken0123456789abcdef';
  /** `read`: the token may read but not write (pull request from a fork, or no `pull-requests: write`). */
  permission: 'write' | 'read' = 'write';
  private readonly comments = new Map<number, GithubComment>();
  private nextId = 1_000_001;

  /** Every comment (copies), oldest first; of one pull request when given. */
  all(where?: { owner: string; repo: string; issue: number }): GithubComment[] {
    return [...this.comments.values()]
      .filter(
        (c) => !where || (sameName(c.owner, where.owner) && sameName(c.repo, where.repo) && c.issue === where.issue),
      )
      .map((c) => ({ ...c }));
  }

  /** A comment written by someone else (a reviewer, another bot), e.g. to fill pages before ours. */
  add(where: { owner: string; repo: string; issue: number }, body: string): GithubComment {
    const now = new Date().toISOString();
    const comment: GithubComment = { id: this.nextId++, ...where, body, createdAt: now, updatedAt: now, edits: 0 };
    this.comments.set(comment.id, comment);
    return { ...comment };
  }

  handler(): Handler {
    return (ctx) => {
      if (!ctx.path.startsWith(`${GITHUB_API_PREFIX}/`)) return undefined;
      const segments = ctx.segments.slice(2);
      const unauthorized = this.authenticate(ctx);
      if (unauthorized) return unauthorized;
      const list = matchPath(segments, 'repos/{owner}/{repo}/issues/{issue}/comments');
      if (list && /^\d+$/.test(list.issue)) {
        const where = { owner: list.owner, repo: list.repo, issue: Number(list.issue) };
        if (ctx.method === 'GET') return this.list(ctx, where);
        if (ctx.method === 'POST') return this.write(() => this.create(ctx, where));
      }
      const one = matchPath(segments, 'repos/{owner}/{repo}/issues/comments/{id}');
      if (one && ctx.method === 'PATCH') return this.write(() => this.update(ctx, one));
      return message(404, 'Not Found', 'https://docs.github.com/rest');
    };
  }

  private authenticate(ctx: RequestContext): Reply | undefined {
    const auth = header(ctx, 'authorization');
    if (!auth) return message(401, 'Requires authentication', 'https://docs.github.com/rest');
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1];
    return token === this.token ? undefined : message(401, 'Bad credentials', 'https://docs.github.com/rest');
  }

  private write(answer: () => Reply): Reply {
    return this.permission === 'read'
      ? message(403, 'Resource not accessible by integration', `${DOCS}#create-an-issue-comment`)
      : answer();
  }

  private list(ctx: RequestContext, where: { owner: string; repo: string; issue: number }): Reply {
    const perPage = Math.min(100, Math.max(1, Number(queryParam(ctx, 'per_page') ?? 30) || 30));
    const page = Math.max(1, Number(queryParam(ctx, 'page') ?? 1) || 1);
    const all = this.all(where);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number) => {
      const url = new URL(ctx.url.toString());
      url.searchParams.set('per_page', String(perPage));
      url.searchParams.set('page', String(p));
      return url.toString();
    };
    const links = [
      ...(page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : []),
      ...(page > 1 ? [`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`] : []),
    ];
    const items = all.slice((page - 1) * perPage, page * perPage).map((c) => this.view(ctx, c));
    return json(200, items, links.length ? { link: links.join(', ') } : {});
  }

  private create(ctx: RequestContext, where: { owner: string; repo: string; issue: number }): Reply {
    const body = bodyOf(ctx);
    if (body === undefined) return message(422, 'Invalid request: "body" is required.');
    const comment = this.add(where, body);
    return json(201, this.view(ctx, comment));
  }

  private update(ctx: RequestContext, at: Record<string, string>): Reply {
    const comment = this.comments.get(Number(at.id));
    if (!comment || !sameName(comment.owner, at.owner) || !sameName(comment.repo, at.repo))
      return message(404, 'Not Found');
    const body = bodyOf(ctx);
    if (body === undefined) return message(422, 'Invalid request: "body" is required.');
    comment.body = body;
    comment.updatedAt = new Date().toISOString();
    comment.edits++;
    return json(200, this.view(ctx, comment));
  }

  private view(ctx: RequestContext, c: GithubComment): Record<string, unknown> {
    const api = `${ctx.url.origin}${GITHUB_API_PREFIX}/repos/${c.owner}/${c.repo}`;
    return {
      id: c.id,
      node_id: `IC_${Buffer.from(String(c.id)).toString('base64')}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: `${ctx.url.origin}/${c.owner}/${c.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issue}`,
      body: c.body,
      user: BOT,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: 'NONE',
    };
  }
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function bodyOf(ctx: RequestContext): string | undefined {
  const body = (ctx.body as { body?: unknown } | undefined)?.body;
  return typeof body === 'string' ? body : undefined;
}
