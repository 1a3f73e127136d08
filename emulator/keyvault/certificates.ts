/**
 * A certificate's secret as Key Vault stores it: PEM (key, then the chain) or a base64 PFX with
 * an empty password. node-forge writes the PFX (RSA keys only), as a test would get it from Key Vault.
 */
import * as forge from 'node-forge';

export type SecretFormat = 'pem' | 'pfx';

export interface CertificateMaterial {
  /** Leaf first, then issuers. */
  readonly chainPem: string;
  readonly keyPem: string;
}

export interface SecretValueOptions {
  /** Leave the key out, as Key Vault does for a certificate whose key is not exportable. */
  readonly withoutKey?: boolean;
  /**
   * PFX only. `''` (default) is how Key Vault exports: key and MAC under the empty password;
   * `null` is a PFX with no password at all (key unencrypted, MAC over no password bytes); any
   * other string is a PFX a person protected.
   */
  readonly password?: string | null;
}

export const CONTENT_TYPES: Record<SecretFormat, string> = {
  pem: 'application/x-pem-file',
  pfx: 'application/x-pkcs12',
};

export function certificateSecretValue(
  material: CertificateMaterial,
  format: SecretFormat,
  options: SecretValueOptions = {},
): string {
  if (format === 'pem')
    return options.withoutKey ? material.chainPem : `${material.keyPem.trim()}\n${material.chainPem}`;
  const certs = [...material.chainPem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map(
    (m) => forge.pki.certificateFromPem(m[0]),
  );
  const key = options.withoutKey ? null : forge.pki.privateKeyFromPem(material.keyPem);
  const password = options.password === undefined ? '' : options.password;
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: '3des' });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}
