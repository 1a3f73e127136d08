/**
 * A forward proxy as corporate networks run them: HTTP CONNECT tunnels, every one of which ends at
 * the emulator whatever host was asked for, so a client that honours HTTPS_PROXY reaches
 * `https://<name>.emulator.test:<emulator port>` (the emulator's certificate covers *.emulator.test)
 * and one that ignores it fails to resolve the name. `connects` lists the `host:port` of each tunnel.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { Emulator } from '../emulator';

export interface TunnelProxy {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY. */
  url: string;
  readonly connects: string[];
  /** The emulator under a name that is not loopback (HTTP clients bypass proxies for loopback names). */
  hostUrl(name: string): string;
  stop(): Promise<void>;
}

export async function startTunnelProxy(emulator: Emulator): Promise<TunnelProxy> {
  const target = new URL(emulator.url);
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_, res) => {
    res.writeHead(405).end('only CONNECT');
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    sockets.add(client);
    const upstream = net.connect(Number(target.port), target.hostname, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', close);
    client.on('error', close);
    upstream.on('close', () => sockets.delete(upstream));
    client.on('close', () => sockets.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    hostUrl: (name) => `https://${name}.emulator.test:${target.port}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
