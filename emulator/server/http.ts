/** Request context and reply helpers shared by every route module. */
import type { IncomingHttpHeaders } from 'node:http';
import type { TrafficKind } from './traffic';

export interface RequestContext {
  method: string;
  /** Full URL as the client addressed it. */
  url: URL;
  /** Decoded path without trailing slash (except "/"). */
  path: string;
  /** Path segments, decoded. */
  segments: string[];
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON, parsed form (object) or the raw text; undefined when empty. */
  body: unknown;
  kind: TrafficKind;
  /** Set by the handler that recognised the operation (e.g. Compute_Get). */
  operationId?: string;
  /** The principal (oid) that made an authenticated ARM call, for throttling and counters. */
  principal?: string;
  /** The app (client) id of that principal. */
  principalAppId?: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as given (set content-type in headers). */
  body?: unknown;
}

export type Handler = (ctx: RequestContext) => Promise<Reply | undefined> | Reply | undefined;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body, headers };
}

/** ARM error shape (common-types ErrorResponse). */
export function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  return { status, body: { error: { code, message } }, headers };
}

/** Case-insensitive query parameter lookup (ARM treats query names case-insensitively). */
export function queryParam(ctx: RequestContext, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of Object.entries(ctx.query)) if (k.toLowerCase() === n) return v;
  return undefined;
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Match path segments against a pattern like
 * `subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.X/things/{name}`.
 * Literal segments compare case-insensitively (as ARM does); `{x}` captures.
 */
export function matchPath(segments: string[], pattern: string): Record<string, string> | undefined {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const out: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.startsWith('{') && p.endsWith('}')) {
      if (!segments[i]) return undefined;
      out[p.slice(1, -1)] = segments[i];
    } else if (p.toLowerCase() !== segments[i].toLowerCase()) {
      return undefined;
    }
  }
  return out;
}
