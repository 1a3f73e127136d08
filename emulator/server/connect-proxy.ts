/**
 * An HTTP CONNECT proxy in front of the emulator, for hosts that are not 127.0.0.1 (Key Vault's
 * `<vault>.vault.azure.net`): the product reaches them as it would through a corporate proxy
 * (HTTPS_PROXY), and every tunnel ends at the emulator, whose certificate covers those names.
 */
import * as http from 'node:http';
import * as net from 'node:net';

export interface ConnectProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY. */
  readonly url: string;
  /** The `host:port` of every tunnel asked for, in order. */
  readonly tunnels: string[];
  stop(): Promise<void>;
}

export async function startConnectProxy(targetPort: () => number): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const tunnels: string[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' });
    res.end('only CONNECT tunnels are served');
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const upstream = net.connect(targetPort(), '127.0.0.1', () => {
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
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closed;
    },
  };
}
