/**
 * The few Kubernetes API calls the product makes: one Secret (`GET {server}/api/v1/namespaces/{ns}/secrets/{name}`),
 * whether an object exists (for the failure explanation), one object read as JSON (a namespace, the
 * azureml-fe deployment), and a JSON merge patch of one object (the coexistence annotation).
 *
 * Node's https module rather than @kubernetes/client-node: the product makes a handful of calls, and
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
  return withRetries(options, () =>
    getOnce(access, `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`, options),
  );
}

/** One object as JSON (`path` without a leading slash), or undefined when the API server answers 404. */
export async function readObject(
  access: KubeAccess,
  path: string,
  options: ReadSecretOptions = {},
): Promise<Record<string, unknown> | undefined> {
  try {
    return await withRetries(options, () => getOnce(access, `/${path}`, options, (body) => body));
  } catch (error) {
    if (error instanceof KubernetesApiError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * A JSON merge patch (RFC 7386) of one object; answers the object as patched. Sending the same
 * patch twice gives the same object, so it is retried like a read.
 */
export async function mergePatchObject(
  access: KubeAccess,
  path: string,
  patch: Record<string, unknown>,
  options: ReadSecretOptions = {},
): Promise<Record<string, unknown>> {
  return withRetries(options, () =>
    getOnce(access, `/${path}`, options, (body) => body, { method: 'PATCH', body: JSON.stringify(patch) }),
  );
}

async function withRetries<T>(options: ReadSecretOptions, once: () => Promise<T>): Promise<T> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
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
  write?: { readonly method: 'PATCH'; readonly body: string },
): Promise<T> {
  const url = new URL(access.server + path);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'aks-aml-attach/1' };
  if (access.token) headers.authorization = `Bearer ${access.token}`;
  if (write) headers['content-type'] = 'application/merge-patch+json';
  return new Promise((resolve, reject) => {
    const request = https.request(url, {
      method: write?.method ?? 'GET',
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
    request.end(write?.body);
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
