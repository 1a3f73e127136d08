/**
 * task-lib's getters echo every value they return as a `##vso[task.debug]` line (getInput,
 * getEndpointAuthorizationParameter, ...). On a real agent the service connection's secrets are
 * pre-registered with the log masker, but a TLS key passed as an input, or the job access token,
 * would land in the log before we could mask it. Secret reads therefore run with task-lib's
 * output stream pointed at a sink; the value is masked right after.
 */
import { Writable } from 'node:stream';
import * as tl from 'azure-pipelines-task-lib/task';

const sink = new Writable({
  write(_chunk, _encoding, done) {
    done();
  },
});

export function quietly<T>(read: () => T): T {
  tl.setStdStream(sink);
  try {
    return read();
  } finally {
    tl.setStdStream(process.stdout);
  }
}
