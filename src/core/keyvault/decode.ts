/**
 * The two content types Key Vault stores a certificate's secret in, decoded into PEM text: the
 * certificate chain leaf first (as Azure ML and the extension expect it) and the unencrypted key.
 * PKCS#12 needs node-forge (Node's crypto cannot read a PFX), loaded only for a PFX (vendor-loader.ts).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { pkcs12 } from 'node-forge';
import { loadVendor } from './vendor-loader';

type Pkcs12Pfx = pkcs12.Pkcs12Pfx;

export const PEM_CONTENT_TYPE = 'application/x-pem-file';
export const PFX_CONTENT_TYPE = 'application/x-pkcs12';

export interface DecodedCertificate {
  /** Leaf first, then its issuers. */
  readonly certPem: string;
  /** PKCS#8 PEM; absent when the secret holds no key (Key Vault leaves it out of a non-exportable certificate). */
  readonly keyPem?: string;
  /** The key's DER in base64: one of the forms the masker must know. */
  readonly keyDerBase64?: string;
}

/** Why a secret could not be decoded; the caller words it with the vault's name. */
export class DecodeError extends Error {
  constructor(
    readonly reason: 'password-protected' | 'malformed' | 'no-certificate',
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

export function decodeCertificateSecret(value: string, contentType: string): DecodedCertificate {
  return contentType.toLowerCase() === PFX_CONTENT_TYPE ? decodePfx(value) : decodePem(value);
}

function decodePem(value: string): DecodedCertificate {
  const blocks = [...value.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], pem: m[0] }));
  const keyBlocks = blocks.filter((b) => /(^| )PRIVATE KEY$/.test(b.label));
  if (keyBlocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(b.pem)))
    throw new DecodeError('password-protected', 'its PEM private key is encrypted with a password');
  const certificates = blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => parseCertificate(b.pem));
  const key = keyBlocks.length > 0 ? parseKey(() => createPrivateKey(keyBlocks[0].pem)) : undefined;
  return assemble(certificates, key);
}

/** Key Vault exports a PFX with an empty password; other tools encode "no password" as none at all. */
const EMPTY_PASSWORDS: ReadonlyArray<string | null> = ['', null];

function decodePfx(value: string): DecodedCertificate {
  const { forge } = loadVendor();
  let asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.decode64(value.replace(/\s+/g, '')));
  } catch {
    throw new DecodeError('malformed', 'it is not a base64 PKCS#12 (PFX) file');
  }
  let pfx: Pkcs12Pfx | undefined;
  let passwordRefused = false;
  for (const password of EMPTY_PASSWORDS) {
    try {
      pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, password as string);
      break;
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (/MAC could not be verified|wrong password|Invalid password/i.test(message)) passwordRefused = true;
      else throw new DecodeError('malformed', 'it does not parse as a PKCS#12 (PFX) file');
    }
  }
  if (!pfx) {
    throw new DecodeError(
      passwordRefused ? 'password-protected' : 'malformed',
      'its PFX is protected by a password (Key Vault certificates are stored without one)',
    );
  }
  const certificates: X509Certificate[] = [];
  let key: KeyObject | undefined;
  for (const contents of pfx.safeContents) {
    for (const bag of contents.safeBags) {
      if (bag.type === forge.pki.oids.certBag) {
        const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
        if (asn) certificates.push(parseCertificate(Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary')));
      } else if (!key && (bag.type === forge.pki.oids.keyBag || bag.type === forge.pki.oids.pkcs8ShroudedKeyBag)) {
        // An RSA key comes back as a forge key; an EC key as its PrivateKeyInfo.
        const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
        if (info) {
          const der = Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
          key = parseKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
        }
      }
    }
  }
  return assemble(certificates, key);
}

function parseCertificate(data: string | Buffer): X509Certificate {
  try {
    return new X509Certificate(data);
  } catch {
    throw new DecodeError('malformed', 'a certificate in it does not parse as X.509');
  }
}

function parseKey(read: () => KeyObject): KeyObject {
  try {
    return read();
  } catch {
    // The parser's message could quote key bytes; say only that it failed.
    throw new DecodeError('malformed', 'its private key does not parse');
  }
}

/** The chain leaf first: the certificate of the key (else the one nobody else issued), then each issuer. */
function assemble(certificates: X509Certificate[], key: KeyObject | undefined): DecodedCertificate {
  if (certificates.length === 0) throw new DecodeError('no-certificate', 'it holds no certificate');
  const issuedOthers = (c: X509Certificate) => certificates.some((o) => o !== c && o.checkIssued(c));
  const leaf =
    (key && certificates.find((c) => safeCheckKey(c, key))) ??
    certificates.find((c) => !issuedOthers(c)) ??
    certificates[0];
  const ordered = [leaf];
  for (let current = leaf; ;) {
    const issuer = certificates.find((c) => !ordered.includes(c) && current.checkIssued(c));
    if (!issuer) break;
    ordered.push(issuer);
    current = issuer;
  }
  ordered.push(...certificates.filter((c) => !ordered.includes(c)));
  const certPem = ordered.map((c) => c.toString().trim()).join('\n') + '\n';
  if (!key) return { certPem };
  const keyPem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  const keyDerBase64 = key.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  return { certPem, keyPem, keyDerBase64 };
}

function safeCheckKey(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}
