/**
 * Proxy support for tests: the CONNECT proxy is the emulator's own module (credentials and
 * recorded tunnels included), re-exported here; and trust of the emulator's CA inside tunnels.
 */
export { startConnectProxy, type ConnectProxy } from '../emulator/server/connect-proxy';
import * as tls from 'node:tls';

/** The module object itself (an `import *` is a copy with getters, which cannot be patched). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- patched below, on purpose
const tlsModule = require('node:tls') as { connect: typeof tls.connect };

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
