/**
 * An HTTP CONNECT proxy as corporate networks run them: plain HTTP, HTTPS only through tunnels
 * (TLS stays end to end, so the proxy sees hosts, never paths or tokens). It records each tunnel
 * and can demand Basic proxy credentials, as an agent's `config --proxyurl --proxyusername` sets up.
 * The emulator runs one whose tunnels all end at itself, whatever host was asked for: that is how
 * the product reaches names that are not 127.0.0.1 (Key Vault's `<vault>.vault.azure.net`,
 * `*.emulator.test`), as it would through HTTPS_PROXY; tests start others that tunnel to the host asked for.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface ConnectProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY. */
  readonly url: string;
  /** The `host:port` of every tunnel opened, in order. */
  readonly tunnels: string[];
  /** Tunnels refused for missing or wrong credentials. */
  readonly refused: number;
  stop(): Promise<void>;
}

export interface ConnectProxyOptions {
  /** Where every tunnel ends (the emulator's port on 127.0.0.1); default: the host and port asked for. */
  targetPort?: () => number;
  username?: string;
  password?: string;
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const tunnels: string[] = [];
  let refused = 0;
  const expected =
    options.username !== undefined
      ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`
      : undefined;
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('only CONNECT tunnels are served');
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    if (expected && req.headers['proxy-authorization'] !== expected) {
      refused++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = options.targetPort
      ? net.connect(options.targetPort(), '127.0.0.1')
      : net.connect(Number(port), host);
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    const close = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', close);
    client.on('error', close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    tunnels,
    get refused() {
      return refused;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closed;
    },
  };
}
