/**
 * Reads one Kubernetes Secret: `GET {server}/api/v1/namespaces/{ns}/secrets/{name}` (and, for the failure explanation, whether an object exists).
 *
 * Node's https module rather than @kubernetes/client-node: the product makes exactly one GET, and
 * the client library would add several megabytes (and its own kubeconfig loading, which may
 * write temp files or run exec plugins) to a bundle that must stay small and predictable.
 * The request trusts only the kubeconfig's CA (as kubectl does) and never follows redirects.
 */
import * as https from 'node:https';
import type { KubeAccess } from './kubeconfig';

export class KubernetesApiError extends Error {
  constructor(
    /** HTTP status; undefined when no answer came (connection, TLS or timeout). */
    readonly status: number | undefined,
    /** Kubernetes Status reason (NotFound, Forbidden …) or the network error code. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubernetesApiError';
  }
}

export interface ReadSecretOptions {
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly signal?: AbortSignal;
  /** For tests: pause between attempts. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A Secret is at most 1 MiB; anything larger is not a Secret. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Cancellation and certificate failures: a second try cannot succeed. */
const FINAL_NETWORK_REASON = /^(ABORTED|ETOOLARGE|ERR_TLS_.*|.*CERT.*|UNABLE_TO_.*|ENOTFOUND)$/;

/** The Secret's `data` (values still base64, as the API returns them). */
export async function readSecretData(
  access: KubeAccess,
  namespace: string,
  name: string,
  options: ReadSecretOptions = {},
): Promise<Record<string, string>> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await getOnce(
        access,
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
        options,
      );
    } catch (error) {
      const retryable =
        error instanceof KubernetesApiError &&
        (error.status === undefined ? !FINAL_NETWORK_REASON.test(error.reason) : RETRYABLE_STATUS.has(error.status));
      if (!retryable || attempt >= attempts) throw error;
      await sleep(1000 * attempt);
    }
  }
}

/**
 * Whether one object exists: `GET {server}/{path}` answered 200 (true) or 404 (false); anything
 * else is a KubernetesApiError. Read-only, one request, nothing of the object is kept.
 */
export async function objectExists(
  access: KubeAccess,
  path: string,
  options: ReadSecretOptions = {},
): Promise<boolean> {
  try {
    await getOnce(access, `/${path}`, options, () => true);
    return true;
  } catch (error) {
    if (error instanceof KubernetesApiError && error.status === 404) return false;
    throw error;
  }
}

function secretData(body: Record<string, unknown> | undefined): Record<string, string> | undefined {
  const data = body?.data;
  return body?.kind === 'Secret' && data && typeof data === 'object' ? (data as Record<string, string>) : undefined;
}

function getOnce<T = Record<string, string>>(
  access: KubeAccess,
  path: string,
  options: ReadSecretOptions,
  accept: (body: Record<string, unknown> | undefined) => T | undefined = secretData as never,
): Promise<T> {
  const url = new URL(access.server + path);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'aks-aml-attach/1' };
  if (access.token) headers.authorization = `Bearer ${access.token}`;
  return new Promise((resolve, reject) => {
    const request = https.request(url, {
      method: 'GET',
      headers,
      ca: access.caPem,
      cert: access.clientCertPem,
      key: access.clientKeyPem,
      timeout: options.timeoutMs ?? 30_000,
      signal: options.signal,
      // No connection reuse: one request, then the socket closes and the process can exit.
      agent: false,
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })));
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.name === 'AbortError' ? 'ABORTED' : (error.code ?? 'ECONNECTION');
      reject(
        new KubernetesApiError(undefined, reason, `no answer from the Kubernetes API server ${url.host} (${reason})`),
      );
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          request.destroy(Object.assign(new Error('answer too large'), { code: 'ETOOLARGE' }));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const body = parseJson(Buffer.concat(chunks).toString('utf8'));
        if (status === 200) {
          const accepted = accept(body);
          if (accepted === undefined) {
            reject(
              new KubernetesApiError(
                status,
                'InvalidResponse',
                `the Kubernetes API server ${url.host} did not answer with the expected object`,
              ),
            );
            return;
          }
          resolve(accepted);
          return;
        }
        // Only a Status object's reason is repeated: it never carries secret material.
        const reason = body?.kind === 'Status' && typeof body.reason === 'string' ? body.reason : `HttpStatus${status}`;
        reject(
          new KubernetesApiError(
            status,
            reason,
            `the Kubernetes API server ${url.host} answered ${status} (${reason})`,
          ),
        );
      });
    });
    request.end();
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
