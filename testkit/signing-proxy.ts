/**
 * Azure's operation-status URLs may carry SAS-style signatures (sig=, se=, skoid=…) that grant
 * access on their own. The emulator's status URLs carry only api-version, so this HTTPS proxy sits
 * in front of it, transparently (its own URL and the emulator's are swapped in both directions in
 * bodies and headers), and appends a fresh signature to every Azure-AsyncOperation and Location
 * header. Point authority-host and arm-endpoint at `url`; the signatures handed out are in
 * `signatures` (and in the emulator's traffic, as query parameters) for the secret scan.
 */
import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Emulator } from '../emulator';

export interface SigningProxy {
  url: string;
  /** Every sig= value handed out so far. */
  readonly signatures: string[];
  stop(): Promise<void>;
}

const SIGNED_HEADERS = ['azure-asyncoperation', 'location'];

export async function startSigningProxy(emulator: Emulator): Promise<SigningProxy> {
  const cert = emulator.ca.issue({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const signatures: string[] = [];
  const sockets = new Set<Socket>();
  let url = '';
  const target = new URL(emulator.url);
  // Both directions, plain and URL-encoded (form bodies carry scope=<arm endpoint>/.default).
  const swap = (text: string, from: string, to: string) =>
    text.split(from).join(to).split(encodeURIComponent(from)).join(encodeURIComponent(to));

  const server = https.createServer({ cert: cert.chainPem, key: cert.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = swap(Buffer.concat(chunks).toString('utf8'), url, emulator.url);
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined && k !== 'host' && k !== 'content-length')
          headers[k] = typeof v === 'string' ? swap(v, url, emulator.url) : v;
      headers['content-length'] = String(Buffer.byteLength(body));
      const upstream = https.request(
        {
          host: target.hostname,
          port: target.port,
          path: swap(req.url ?? '/', url, emulator.url),
          method: req.method,
          headers,
          ca: emulator.caCertPem,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const text = swap(Buffer.concat(parts).toString('utf8'), emulator.url, url);
            const out: Record<string, string | string[]> = {};
            for (const [k, v] of Object.entries(answer.headers)) {
              if (
                v === undefined ||
                k === 'content-length' ||
                k === 'transfer-encoding' ||
                k === 'connection' ||
                k === 'keep-alive'
              )
                continue;
              out[k] = typeof v === 'string' ? swap(v, emulator.url, url) : v;
              if (SIGNED_HEADERS.includes(k) && typeof out[k] === 'string') out[k] = sign(out[k], signatures);
            }
            out['content-length'] = String(Buffer.byteLength(text));
            res.writeHead(answer.statusCode ?? 502, out);
            res.end(text);
          });
        },
      );
      upstream.on('error', () => res.destroy()); // a reset or hang fault upstream: the client sees the same
      upstream.end(body);
      res.on('close', () => upstream.destroy());
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('signing proxy: no address');
  url = `https://127.0.0.1:${address.port}`;
  return {
    url,
    signatures,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** Appends SAS-style parameters, as Azure's signed status URLs have them. */
function sign(location: string, signatures: string[]): string {
  const sig = crypto.randomBytes(32).toString('base64url');
  signatures.push(sig);
  const u = new URL(location);
  u.searchParams.set('se', '2099-01-01T00:00:00Z');
  u.searchParams.set('skoid', crypto.randomUUID());
  u.searchParams.set('sig', sig);
  return u.href;
}
