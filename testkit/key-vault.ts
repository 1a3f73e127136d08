/** A vault in the emulator with the scoring certificate in it, and what the product needs to reach it. */
import { selfSigned, type Emulator, type ImportOptions } from '../emulator';
import { DEMO } from './demo-world';
import type { SecretScanner } from './secret-scan';

export const VAULT = 'contoso-tls';
export const VAULT_HOST = `${VAULT}.vault.azure.net`;
export const CERTIFICATE = 'scoring';

export interface VaultCertificate {
  readonly version: string;
  readonly chainPem: string;
  readonly keyPem: string;
}

/** The vault (in the demo tenant), created on first use. */
export function ensureVault(emulator: Emulator, permissionModel: 'rbac' | 'access-policy' = 'rbac'): void {
  if (!emulator.keyVault.vault(VAULT_HOST))
    emulator.keyVault.putVault({ name: VAULT, tenantId: DEMO.tenantId, permissionModel });
}

/**
 * Imports (or, for an existing name, renews) a certificate of the emulator's CA for `cname`:
 * a new current version, as Key Vault's lifetime action leaves it. Keys are RSA, as Key Vault's default policy makes them.
 */
export function importCertificate(
  emulator: Emulator,
  options: ImportOptions & { cname?: string; name?: string; notAfter?: Date } = {},
): VaultCertificate {
  ensureVault(emulator);
  const cname = options.cname ?? 'scoring.contoso.com';
  const request = {
    commonName: cname,
    dnsNames: [cname, `www.${cname}`],
    keyType: 'rsa' as const,
    ...(options.notAfter && { notAfter: options.notAfter }),
  };
  // node-forge writes PKCS#12 with RSA certificates only, and the emulator's CA is EC: a PFX holds a self-signed one.
  const issued = options.format === 'pfx' ? selfSigned(request) : emulator.ca.issue(request);
  const version = emulator.keyVault.importCertificate(VAULT_HOST, options.name ?? CERTIFICATE, issued, options);
  return { version, chainPem: issued.chainPem, keyPem: issued.keyPem };
}

export function certificateId(version?: string, name = CERTIFICATE, kind: 'certificates' | 'secrets' = 'certificates') {
  return `https://${VAULT_HOST}/${kind}/${name}${version ? `/${version}` : ''}`;
}

/** The product reaches `<vault>.vault.azure.net` through the emulator's proxy, as through a corporate one. */
export function keyVaultEnv(emulator: Emulator): Record<string, string> {
  return { HTTPS_PROXY: emulator.proxyUrl };
}

/** Every form a vault's secrets may take in a log: the values (PEM, PFX base64 and its 64-character lines). */
export function addVaultSecrets(scanner: SecretScanner, emulator: Emulator, name = CERTIFICATE): SecretScanner {
  const vault = emulator.keyVault.vault(VAULT_HOST);
  for (const version of vault ? emulator.keyVault.versions(VAULT_HOST, name) : []) {
    scanner.addSecretEncodings(`Key Vault secret ${name}/${version.version}`, version.value);
  }
  return scanner;
}
