/**
 * Make this process trust the emulator's CA for every https.Agent, without NODE_EXTRA_CA_CERTS
 * (which Node reads only at start-up). @azure/core-rest-pipeline creates its own https.Agent
 * per TLS setting, so patching https.globalAgent.options.ca is NOT enough; instead the CA is
 * added to the options every https.Agent passes to tls.connect when the caller gave no `ca`.
 * Returns a function that undoes the patch.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';

type CreateConnection = (this: https.Agent, options: tls.ConnectionOptions, cb?: unknown) => unknown;

const extraCas: string[] = [];
let original: CreateConnection | undefined;

export function trustCaInProcess(caPem: string): () => void {
  extraCas.push(caPem);
  if (!original) {
    const proto = https.Agent.prototype as unknown as { createConnection: CreateConnection };
    original = proto.createConnection;
    const orig = original;
    proto.createConnection = function (this: https.Agent, options: tls.ConnectionOptions, cb?: unknown) {
      const opts = options.ca ? options : { ...options, ca: [...tls.rootCertificates, ...extraCas] };
      return orig.call(this, opts, cb);
    };
  }
  return () => {
    const i = extraCas.indexOf(caPem);
    if (i >= 0) extraCas.splice(i, 1);
    if (extraCas.length === 0 && original) {
      (https.Agent.prototype as unknown as { createConnection: CreateConnection }).createConnection = original;
      original = undefined;
    }
  };
}
