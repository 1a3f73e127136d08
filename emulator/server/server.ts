/**
 * The HTTPS front door: parses requests, applies fault rules, dispatches to the route modules,
 * records every exchange in the traffic log, and can tear down every socket (hung ones too)
 * on stop.
 */
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FaultInjector } from './faults';
import type { Handler, Reply, RequestContext } from './http';
import type { TrafficKind, TrafficLog } from './traffic';
import type { EmulatorSettings } from './types';

export interface ServerDeps {
  certPem: string;
  keyPem: string;
  handlers: Handler[];
  traffic: TrafficLog;
  faults: FaultInjector;
  settings: () => EmulatorSettings;
}

export function classify(path: string): TrafficKind {
  const p = path.toLowerCase();
  if (p.startsWith('/github-oidc') || p.startsWith('/ado-oidc')) return 'oidc';
  if (p.startsWith('/msi')) return 'msi';
  if (p.startsWith('/api/v3/')) return 'github';
  if (p.startsWith('/k8s/')) return 'k8s';
  if (p.startsWith('/secrets/')) return 'keyvault';
  if (/\/computeoperations(status|result)\//.test(p)) return 'lro';
  if (/\/providers\/microsoft\.kubernetesconfiguration\/extensions\/[^/]+\/operations\//.test(p)) return 'lro';
  if (p.startsWith('/subscriptions') || p.startsWith('/providers')) return 'arm';
  if (p.includes('/_apis/git/')) return 'devops';
  return 'token';
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function flatHeaders(h: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

export class EmulatorServer {
  private readonly server: https.Server;
  private readonly sockets = new Set<Socket>();
  private readonly stopping = new AbortController();
  url = '';

  constructor(private readonly deps: ServerDeps) {
    this.server = https.createServer({ cert: deps.certPem, key: deps.keyPem }, (req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'InternalServerError', message: `emulator bug: ${String(err)}` } }));
        }
      });
    });
    // Track raw TCP sockets so stop() can cut hung requests and idle keep-alive connections.
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('tlsClientError', () => undefined);
  }

  listen(port = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const addr = this.server.address();
        if (!addr || typeof addr === 'string') return reject(new Error('no address'));
        this.url = `https://127.0.0.1:${addr.port}`;
        resolve(this.url);
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    // Key Vault traffic arrives through the proxy for its own host: record the URL as the client addressed it.
    const origin =
      classify(req.url ?? '/') === 'keyvault' && req.headers.host ? `https://${req.headers.host}` : this.url;
    const url = new URL(req.url ?? '/', origin);
    let path = decodeURIComponent(url.pathname).replace(/\/+$/, '');
    if (path === '') path = '/';
    const ctx: RequestContext = {
      method: (req.method ?? 'GET').toUpperCase(),
      url,
      path,
      segments: path.split('/').filter(Boolean),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
      kind: classify(path),
    };
    const base = {
      time: new Date().toISOString(),
      method: ctx.method,
      url: url.toString(),
      path: ctx.path,
      query: ctx.query,
      requestHeaders: flatHeaders(req.headers),
      requestBody: ctx.body,
      kind: ctx.kind,
    };

    const fault = this.deps.faults.take(ctx.method, ctx.path, ctx.kind);
    if (fault && 'reset' in fault) {
      this.deps.traffic.record({ ...base, status: 0, responseHeaders: {}, responseBody: undefined, fault: 'reset' });
      req.socket.destroy();
      return;
    }
    if (fault && 'resetAfterHandling' in fault) {
      const handled = (await this.dispatch(ctx)) ?? notFound(ctx);
      this.deps.traffic.record({
        ...base,
        status: 0,
        responseHeaders: {},
        responseBody: handled.body,
        fault: 'answer-lost',
      });
      req.socket.destroy();
      return;
    }
    if (fault && 'hang' in fault) {
      // Never answer; stop() destroys the socket.
      this.deps.traffic.record({ ...base, status: 0, responseHeaders: {}, responseBody: undefined, fault: 'hang' });
      return;
    }
    let reply: Reply;
    let faultTag: 'status' | 'delay' | undefined;
    if (fault && 'status' in fault) {
      faultTag = 'status';
      reply = faultReply(ctx.kind, fault.status, fault.body, fault.retryAfterSeconds);
    } else {
      if (fault && 'delayMs' in fault) {
        faultTag = 'delay';
        await sleep(fault.delayMs, this.stopping.signal);
        if (this.stopping.signal.aborted) return;
      }
      reply = (await this.dispatch(ctx)) ?? notFound(ctx);
    }
    this.send(ctx, res, reply, base, faultTag);
  }

  private async dispatch(ctx: RequestContext): Promise<Reply | undefined> {
    for (const h of this.deps.handlers) {
      const r = await h(ctx);
      if (r) return r;
    }
    return undefined;
  }

  private send(
    ctx: RequestContext,
    res: ServerResponse,
    reply: Reply,
    base: Omit<Parameters<TrafficLog['record']>[0], 'status' | 'responseHeaders' | 'responseBody'>,
    fault: 'status' | 'delay' | undefined,
  ): void {
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let body = reply.body;
    if (this.deps.settings().echoRequestBodyInErrors && reply.status >= 400 && reply.status < 500) {
      body = echoBody(body, ctx.rawBody);
    }
    if (ctx.kind === 'arm' || ctx.kind === 'lro') {
      const requestId = crypto.randomUUID();
      headers['x-ms-request-id'] ??= requestId;
      headers['x-ms-correlation-request-id'] ??=
        (ctx.headers['x-ms-correlation-request-id'] as string) || crypto.randomUUID();
      const clientRequestId = ctx.headers['x-ms-client-request-id'];
      if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] ??= clientRequestId;
    }
    let payload: string | undefined;
    if (body !== undefined) {
      if (typeof body === 'string') {
        payload = body;
        headers['content-type'] ??= 'text/plain; charset=utf-8';
      } else {
        payload = JSON.stringify(body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
    }
    headers['content-length'] = String(payload ? Buffer.byteLength(payload) : 0);
    this.deps.traffic.record({
      ...base,
      status: reply.status,
      responseHeaders: headers,
      responseBody: body,
      operationId: ctx.operationId,
      ...(fault ? { fault } : {}),
    });
    res.writeHead(reply.status, headers);
    res.end(payload);
  }
}

function notFound(ctx: RequestContext): Reply {
  if (ctx.kind === 'token') {
    return {
      status: 404,
      body: { error: 'not_found', error_description: `emulator: no Entra route for ${ctx.method} ${ctx.path}` },
    };
  }
  return {
    status: 404,
    body: { error: { code: 'NotFound', message: `emulator: no route for ${ctx.method} ${ctx.path}` } },
  };
}

const FAULT_CODES: Record<number, string> = {
  408: 'RequestTimeout',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function faultReply(kind: TrafficKind, status: number, body: unknown, retryAfter: number | undefined): Reply {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (body !== undefined) return { status, headers, body };
  if (kind === 'token' || kind === 'msi') {
    return {
      status,
      headers,
      body: { error: 'temporarily_unavailable', error_description: `Injected fault: HTTP ${status}.` },
    };
  }
  const code = FAULT_CODES[status] ?? `Http${status}`;
  return { status, headers, body: { error: { code, message: `Injected fault: HTTP ${status}.` } } };
}

/** Some services quote the request in 4xx messages; security tests turn this on. */
function echoBody(body: unknown, rawBody: string): unknown {
  if (!rawBody || !body || typeof body !== 'object') return body;
  const b = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const err = b.error;
  if (err && typeof err === 'object' && typeof (err as Record<string, unknown>).message === 'string') {
    const record = err as { message: string };
    record.message += ` Request body: ${rawBody}`;
  } else if (typeof b.error_description === 'string') {
    b.error_description += ` Request body: ${rawBody}`;
  }
  return b;
}
