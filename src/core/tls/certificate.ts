/**
 * TLS material checks, done before anything changes: the certificate parses, the key matches it,
 * it is valid now (and says so when it expires soon), and it covers the cname. Private key text
 * never appears in a message.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CertificateInfo {
  /** SHA-256 of the DER leaf certificate, lower-case hex without separators. */
  readonly fingerprintSha256: string;
  readonly subject: string;
  readonly dnsNames: readonly string[];
  readonly validFrom: Date;
  readonly validTo: Date;
  /** Number of certificates in the PEM (leaf first). */
  readonly chainLength: number;
}

export interface TlsCheck {
  readonly certificate?: CertificateInfo;
  /** Problems keyed by which input they concern. */
  readonly problems: ReadonlyArray<{ field: 'cert' | 'key' | 'cname'; message: string }>;
  readonly warnings: readonly string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string): Array<{ label: string; pem: string }> {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], pem: m[0] }));
}

export function fingerprintOf(cert: X509Certificate): string {
  return cert.fingerprint256.replace(/:/g, '').toLowerCase();
}

function dnsNamesOf(cert: X509Certificate): string[] {
  const san = cert.subjectAltName ?? '';
  return san
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
}

export function describeCertificate(certPem: string): CertificateInfo {
  const blocks = pemBlocks(certPem).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new Error('no PEM CERTIFICATE block found');
  const leaf = new X509Certificate(blocks[0].pem);
  return {
    fingerprintSha256: fingerprintOf(leaf),
    subject: leaf.subject.replace(/\n/g, ', '),
    dnsNames: dnsNamesOf(leaf),
    validFrom: new Date(leaf.validFrom),
    validTo: new Date(leaf.validTo),
    chainLength: blocks.length,
  };
}

/** Checks a certificate, its key and the DNS name it must serve; warns when it expires within `warnWithinDays` (0: never). */
export function checkTlsMaterial(
  certPem: string,
  keyPem: string,
  cname: string | undefined,
  now: Date,
  warnWithinDays = EXPIRY_WARNING_DAYS,
): TlsCheck {
  const problems: Array<{ field: 'cert' | 'key' | 'cname'; message: string }> = [];
  const warnings: string[] = [];

  const certBlocks = pemBlocks(certPem);
  const leafBlock = certBlocks.find((b) => b.label === 'CERTIFICATE');
  let leaf: X509Certificate | undefined;
  if (!leafBlock) {
    const privateInCert = certBlocks.some((b) => b.label.includes('PRIVATE KEY'));
    problems.push({
      field: 'cert',
      message: privateInCert
        ? 'holds a private key, not a certificate; expected a PEM block "-----BEGIN CERTIFICATE-----"'
        : 'is not a PEM certificate; expected a block "-----BEGIN CERTIFICATE-----" (leaf first, then the chain)',
    });
  } else {
    try {
      leaf = new X509Certificate(leafBlock.pem);
    } catch {
      problems.push({ field: 'cert', message: 'the first CERTIFICATE block does not parse as an X.509 certificate' });
    }
  }

  const key = parsePrivateKey(keyPem, problems);

  let certificate: CertificateInfo | undefined;
  if (leaf) {
    certificate = describeCertificate(certPem);
    if (certificate.validTo.getTime() <= now.getTime()) {
      problems.push({
        field: 'cert',
        message: `expired on ${certificate.validTo.toISOString()}; provide a current certificate`,
      });
    } else if (certificate.validFrom.getTime() > now.getTime()) {
      problems.push({ field: 'cert', message: `is not valid before ${certificate.validFrom.toISOString()}` });
    } else {
      const daysLeft = Math.floor((certificate.validTo.getTime() - now.getTime()) / DAY_MS);
      if (warnWithinDays > 0 && certificate.validTo.getTime() - now.getTime() <= warnWithinDays * DAY_MS) {
        warnings.push(
          `the TLS certificate expires in ${daysLeft} day(s), on ${certificate.validTo.toISOString()}: rotate it soon`,
        );
      }
    }
    if (key) {
      let matches: boolean;
      try {
        matches = leaf.checkPrivateKey(key);
      } catch {
        matches = false;
      }
      if (!matches)
        problems.push({
          field: 'key',
          message:
            'does not match the certificate (its public key differs); give the key the certificate was issued for',
        });
    }
    if (cname !== undefined && leaf.checkHost(cname) === undefined) {
      const names = certificate.dnsNames.length > 0 ? certificate.dnsNames.join(', ') : certificate.subject;
      problems.push({ field: 'cname', message: `'${cname}' is not covered by the certificate (it is for: ${names})` });
    }
  }
  return { certificate, problems, warnings };
}

function parsePrivateKey(
  keyPem: string,
  problems: Array<{ field: 'cert' | 'key' | 'cname'; message: string }>,
): KeyObject | undefined {
  const blocks = pemBlocks(keyPem);
  const keyBlock = blocks.find((b) => /(^| )PRIVATE KEY$/.test(b.label));
  if (!keyBlock) {
    const message = blocks.some((b) => b.label === 'CERTIFICATE')
      ? 'holds a certificate, not a private key; expected "-----BEGIN PRIVATE KEY-----" (or RSA/EC PRIVATE KEY)'
      : 'is not a PEM private key; expected "-----BEGIN PRIVATE KEY-----" (or RSA/EC PRIVATE KEY)';
    problems.push({ field: 'key', message });
    return undefined;
  }
  if (keyBlock.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(keyBlock.pem)) {
    problems.push({ field: 'key', message: 'is encrypted with a passphrase; Azure ML needs the unencrypted PEM key' });
    return undefined;
  }
  try {
    return createPrivateKey(keyBlock.pem);
  } catch {
    // The parser's message could quote key bytes; say only that it failed.
    problems.push({ field: 'key', message: 'does not parse as a private key' });
    return undefined;
  }
}
