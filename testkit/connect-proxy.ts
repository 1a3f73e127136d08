/**
 * A corporate-style forward proxy for tests: plain HTTP, HTTPS only through CONNECT tunnels
 * (TLS stays end to end, so the proxy sees hosts, never paths or tokens). It records each tunnel
 * and can demand Basic proxy credentials, as the agent's `config --proxyurl --proxyusername` sets up.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';

/** The module object itself (an `import *` is a copy with getters, which cannot be patched). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- patched below, on purpose
const tlsModule = require('node:tls') as { connect: typeof tls.connect };

export interface ConnectProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** host:port of every tunnel opened, in order. */
  tunnels: string[];
  /** Tunnels refused for missing or wrong credentials. */
  refused: number;
  stop(): Promise<void>;
}

export async function startConnectProxy(options: { username?: string; password?: string } = {}): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const expected =
    options.username !== undefined
      ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`
      : undefined;
  const proxy: ConnectProxy = { url: '', tunnels: [], refused: 0, stop: async () => undefined };
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end('this proxy only tunnels (CONNECT)');
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (expected && req.headers['proxy-authorization'] !== expected) {
      proxy.refused++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    proxy.tunnels.push(req.url ?? '');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  proxy.url = `http://127.0.0.1:${address.port}`;
  proxy.stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return proxy;
}

/**
 * Trusts `caPem` for TLS opened inside proxy tunnels: https-proxy-agent calls tls.connect itself,
 * past the https.Agent that trustCaInProcess covers. Child processes use NODE_EXTRA_CA_CERTS
 * instead. Returns the undo.
 */
export function trustCaInTunnels(caPem: string): () => void {
  const original = tlsModule.connect;
  const patched = ((...args: Parameters<typeof tls.connect>) => {
    const [first] = args;
    if (first && typeof first === 'object' && !(first as tls.ConnectionOptions).ca) {
      args[0] = { ...(first as tls.ConnectionOptions), ca: [...tls.rootCertificates, caPem] } as never;
    }
    return (original as (...a: unknown[]) => tls.TLSSocket)(...args);
  }) as typeof tls.connect;
  tlsModule.connect = patched;
  return () => {
    tlsModule.connect = original;
  };
}
