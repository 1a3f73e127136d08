/**
 * tls-certificate-id: a Key Vault certificate identifier, or its secret's, with or without a
 * version. Parsed before any request; the vault host must be a Key Vault host of the signed-in cloud.
 */

export interface KeyVaultCertificateId {
  /** `https://<vault>.<suffix>`, as the Key Vault client takes it. */
  readonly vaultUrl: string;
  readonly vaultName: string;
  /** The certificate's name, which is also its secret's name. */
  readonly name: string;
  /** Absent: the current version, as Key Vault serves a versionless read. */
  readonly version?: string;
}

/** Vault names: 3-24 letters, digits and hyphens, starting with a letter, no `--`, not ending with `-`. */
const VAULT_NAME = /^(?!.*--)[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;
/** Key Vault versions are 32 hexadecimal characters. */
const VERSION = /^[0-9a-fA-F]{32}$/;

const SHAPE =
  'https://<vault>.<suffix>/certificates/<name>[/<version>] or https://<vault>.<suffix>/secrets/<name>[/<version>]';

/** The identifier, or what is wrong with it (a sentence for the input error). */
export function parseKeyVaultCertificateId(text: string, vaultSuffix: string): KeyVaultCertificateId | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `is not a URL; expected ${SHAPE.replace(/<suffix>/g, vaultSuffix)}`;
  }
  const shape = SHAPE.replace(/<suffix>/g, vaultSuffix);
  if (url.protocol !== 'https:') return `must use https://; expected ${shape}`;
  if (url.username || url.password || url.port || url.search || url.hash)
    return `must not carry a user, port, query or fragment; expected ${shape}`;
  const host = url.hostname.toLowerCase();
  const suffix = `.${vaultSuffix.toLowerCase()}`;
  if (!host.endsWith(suffix))
    return `has host '${host}', which is not a Key Vault host of the signed-in cloud; expected <vault>${suffix}`;
  const vaultName = host.slice(0, -suffix.length);
  if (!VAULT_NAME.test(vaultName))
    return `'${vaultName}' is not a vault name (3-24 letters, digits and hyphens, starting with a letter)`;
  const segments = url.pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  const [collection, name, version, ...rest] = segments;
  if (!collection || !['certificates', 'secrets'].includes(collection.toLowerCase()) || !name || rest.length > 0)
    return `is not a certificate or secret identifier; expected ${shape}`;
  if (!OBJECT_NAME.test(name)) return `'${name}' is not a certificate name (1-127 letters, digits and hyphens)`;
  if (version !== undefined && !VERSION.test(version))
    return `'${version}' is not a Key Vault version (32 hexadecimal characters)`;
  return {
    vaultUrl: `https://${host}`,
    vaultName,
    name,
    ...(version !== undefined && { version: version.toLowerCase() }),
  };
}
