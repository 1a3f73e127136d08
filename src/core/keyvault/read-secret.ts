/**
 * Reads a Key Vault certificate's secret with the run's own credential. The client is
 * @azure/keyvault-secrets 4.11.2 (4.12 requires Node 22; the task's handler is Node 20): its
 * challenge-based authentication takes the scope from Key Vault's 401 and checks that the
 * challenge's resource matches the vault's host (left on). It is loaded on first use
 * (vendor-loader.ts), so runs without Key Vault never load it, and it honours HTTPS_PROXY as the
 * ARM clients do.
 */
import type { TokenCredential } from '@azure/core-auth';
import { USER_AGENT } from '../azure/clients';
import { classifyAzureFailure, withRetries } from '../azure/retry';
import { ProductError } from '../contract/errors';
import type { Clock } from '../azure/clock';
import { certificateName, KeyVaultError } from './errors';
import type { KeyVaultCertificateId } from './identifier';
import { loadVendor } from './vendor-loader';

export interface CertificateSecret {
  readonly value: string;
  readonly contentType?: string;
  readonly version: string;
  /** The certificate's key id: Key Vault sets it (and `managed`) only on a certificate's secret. */
  readonly keyId?: string;
  readonly managed: boolean;
  readonly expiresOn?: Date;
  readonly notBefore?: Date;
}

export interface ReadSecretOptions {
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  readonly requestTimeoutMs?: number;
  /** Called with the secret value as soon as it arrives, before anything else sees it. */
  readonly protect: (value: string) => void;
  readonly debug?: (message: string) => void;
}

export async function readCertificateSecret(
  id: KeyVaultCertificateId,
  credential: TokenCredential,
  options: ReadSecretOptions,
): Promise<CertificateSecret> {
  const { SecretClient } = loadVendor();
  const client = new SecretClient(id.vaultUrl, credential, {
    // One GET, retried by the project's deadline-aware mechanism (retry.ts), as every ARM request is.
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: USER_AGENT },
  });
  const describe = `GET ${certificateName(id)} from Key Vault ${id.vaultName}`;
  let secret;
  try {
    secret = await withRetries(
      (attemptSignal) => client.getSecret(id.name, { version: id.version, abortSignal: attemptSignal }),
      {
        deadline: options.deadline,
        signal: options.signal,
        clock: options.clock,
        attemptTimeoutMs: options.requestTimeoutMs,
        describe,
        // Key Vault's host names exist only for existing vaults: an unknown name will not start resolving.
        classify: (error) =>
          UNKNOWN_HOST.test(error instanceof Error ? error.message : '')
            ? { retry: false, reason: 'unknown host' }
            : classifyAzureFailure(error),
        onRetry: ({ attempt, delayMs, reason }) =>
          options.debug?.(`${describe}: attempt ${attempt} failed (${reason}); retrying in ${Math.round(delayMs)} ms`),
      },
    );
  } catch (error) {
    throw keyVaultFailure(id, error);
  }
  const value = secret.value ?? '';
  options.protect(value);
  const p = secret.properties;
  return {
    value,
    contentType: p.contentType,
    version: p.version ?? id.version ?? '',
    keyId: p.certificateKeyId,
    managed: p.managed === true,
    expiresOn: p.expiresOn,
    notBefore: p.notBefore,
  };
}

const UNKNOWN_HOST = /\bENOTFOUND\b/;

interface ServiceError {
  statusCode?: number;
  code?: string;
  details?: {
    error?: { code?: string; message?: string; innererror?: { code?: string }; innerError?: { code?: string } };
  };
}

/** Key Vault's answer in words that say what to do; the service's own message is not echoed (it can be long and repeats ids). */
export function keyVaultFailure(id: KeyVaultCertificateId, error: unknown): Error {
  if (error instanceof Error && UNKNOWN_HOST.test(error.message))
    return new KeyVaultError(
      'unreachable',
      id.vaultName,
      `the host of vault '${id.vaultName}' does not resolve: no such vault in this cloud; check the vault name in tls-certificate-id`,
    );
  // Deadline and cancellation are the run's own verdicts.
  if (error instanceof ProductError || !(error instanceof Error)) return error as Error;
  if (/does not match the requested domain/.test(error.message))
    return new KeyVaultError(
      'forbidden',
      id.vaultName,
      `the host answered with a challenge for another resource, so no token was sent; '${new URL(id.vaultUrl).host}' is not serving as a Key Vault`,
    );
  if (error.name !== 'RestError')
    return new KeyVaultError(
      'unreadable',
      id.vaultName,
      `reading ${certificateName(id)} failed: ${error.message.split('\n')[0]}`,
    );
  const e = error as Error & ServiceError;
  const inner = e.details?.error?.innererror?.code ?? e.details?.error?.innerError?.code;
  const code = e.details?.error?.code ?? e.code;
  const what = certificateName(id);
  if (e.statusCode === 403 && inner === 'SecretDisabled')
    return new KeyVaultError(
      'disabled',
      id.vaultName,
      `${what} is disabled (Key Vault refuses to read a disabled version${id.version ? '' : '; a disabled current version is not skipped'}); enable it, or give the version to use in tls-certificate-id`,
    );
  if (e.statusCode === 403)
    return new KeyVaultError(
      'forbidden',
      id.vaultName,
      `the signed-in principal may not read ${what} (${inner ?? code ?? 'Forbidden'}); grant it "Get" on secrets in the vault's access policy, or the role "Key Vault Secrets User" on the vault (or the certificate) when the vault uses Azure RBAC`,
    );
  if (e.statusCode === 404)
    return new KeyVaultError(
      'not-found',
      id.vaultName,
      `${what} was not found (${code ?? 'NotFound'}); check the certificate name${id.version ? ' and version' : ''} in tls-certificate-id`,
    );
  if (e.statusCode === 401)
    return new KeyVaultError(
      'forbidden',
      id.vaultName,
      `Key Vault did not accept the run's sign-in (${code ?? 'Unauthorized'}); the vault must be in the tenant the run signs in to`,
    );
  return new KeyVaultError(
    'unreadable',
    id.vaultName,
    `reading ${what} failed: ${e.statusCode ? `HTTP ${e.statusCode} ` : ''}${code ?? ''}`.trim(),
  );
}
