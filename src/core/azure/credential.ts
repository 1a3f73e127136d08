/** Builds the one TokenCredential a run uses; both clients share it, so tokens are fetched once. */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import {
  AzureCliCredential,
  AzurePipelinesCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import type { AuthSpec } from './auth';
import { KNOWN_CLOUDS, type Cloud } from './cloud';

export function createCredential(auth: AuthSpec, cloud: Cloud): TokenCredential {
  const knownAuthority = Object.values(KNOWN_CLOUDS).some((c) => c.authorityHost === cloud.authorityHost);
  // Custom clouds (Azure Stack, sovereign, the emulator) have no public instance-discovery endpoint.
  const options = { authorityHost: cloud.authorityHost, disableInstanceDiscovery: !knownAuthority };
  switch (auth.kind) {
    case 'client-secret':
      return new ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret, options);
    case 'client-certificate':
      return new ClientCertificateCredential(
        auth.tenantId,
        auth.clientId,
        { certificate: auth.certificatePem },
        options,
      );
    case 'client-assertion':
      return new ClientAssertionCredential(auth.tenantId, auth.clientId, auth.getAssertion, options);
    case 'azure-pipelines':
      return new AzurePipelinesCredential(
        auth.tenantId,
        auth.clientId,
        auth.serviceConnectionId,
        auth.systemAccessToken,
        options,
      );
    case 'managed-identity':
      return auth.clientId
        ? new ManagedIdentityCredential({ clientId: auth.clientId })
        : new ManagedIdentityCredential();
    case 'azure-cli':
      return new AzureCliCredential();
  }
}

/**
 * Reuses a token until five minutes before it expires, whatever the credential's own cache does,
 * and counts the token requests that reach the credential (one per run is the target).
 */
export class CachingCredential implements TokenCredential {
  /** Per scope: ARM's, and Key Vault's when tls-certificate-id is used. */
  private readonly cached = new Map<string, AccessToken>();
  private readonly inFlight = new Map<string, Promise<AccessToken | null>>();
  tokenRequests = 0;

  constructor(
    private readonly inner: TokenCredential,
    private readonly now: () => number = Date.now,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = ([] as string[]).concat(scopes).join(' ');
    const cached = this.cached.get(key);
    // A claims challenge (Key Vault's continuous access evaluation) asks for a new token, never the cached one.
    if (cached && !options?.claims && cached.expiresOnTimestamp - this.now() > 5 * 60 * 1000) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      this.tokenRequests += 1;
      pending = this.inner.getToken(scopes, options).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const token = await pending;
    if (token) this.cached.set(key, token);
    return token;
  }
}
