/**
 * Test PKI without openssl: keys come from Node's crypto (native, fast), the X.509 structures
 * are built with @peculiar/asn1-x509 (typed RFC 5280 schemas, synchronous) and signed with
 * crypto.sign. Everything is synchronous so tests can mint certificates inline.
 *
 * Dates and SANs are honoured exactly: tests use this to make expired, not-yet-valid and
 * wrong-name certificates for the product.
 */
import * as crypto from 'node:crypto';
import * as net from 'node:net';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';

export type KeyType = 'rsa' | 'ec';

export interface IssueOptions {
  commonName: string;
  /** DNS subjectAltNames. Default: none (a certificate with only a CN is a valid test case). */
  dnsNames?: string[];
  /** IP subjectAltNames (IPv4 or IPv6 text). */
  ipAddresses?: string[];
  /** Default: now minus one day. */
  notBefore?: Date;
  /** Default: notBefore plus 365 days. */
  notAfter?: Date;
  /** Default 'ec' (P-256): much faster to generate than RSA 2048. */
  keyType?: KeyType;
}

export interface IssuedCertificate {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  /** Leaf followed by the issuing CA (for a self-signed certificate: the certificate alone). */
  chainPem: string;
}

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  issue(opts: IssueOptions): IssuedCertificate;
}

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const OID_RSA_SHA256 = '1.2.840.113549.1.1.11';
const OID_ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const DER_NULL = new Uint8Array([0x05, 0x00]).buffer;
const DAY_MS = 24 * 60 * 60 * 1000;

function generateKey(keyType: KeyType): crypto.KeyPairKeyObjectResult {
  return keyType === 'rsa'
    ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
    : crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

function makeName(commonName: string, organization?: string): Name {
  const rdn = (type: string, value: string) =>
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) }),
    ]);
  const rdns = organization ? [rdn(OID_O, organization), rdn(OID_CN, commonName)] : [rdn(OID_CN, commonName)];
  return new Name(rdns);
}

/** Positive 16-byte serial (high bit clear so DER does not read it as negative). */
function randomSerial(): ArrayBuffer {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return toArrayBuffer(bytes);
}

function signatureAlgorithm(signer: crypto.KeyObject): AlgorithmIdentifier {
  return signer.asymmetricKeyType === 'rsa'
    ? new AlgorithmIdentifier({ algorithm: OID_RSA_SHA256, parameters: DER_NULL })
    : new AlgorithmIdentifier({ algorithm: OID_ECDSA_SHA256 });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bit string. */
function keyIdentifier(spki: SubjectPublicKeyInfo): Buffer {
  return crypto.createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}

function ext(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

interface BuildParams {
  subject: Name;
  issuer: Name;
  subjectKey: crypto.KeyObject;
  issuerKey: crypto.KeyObject;
  issuerKeyId: Buffer | undefined;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  dnsNames: string[];
  ipAddresses: string[];
}

function buildCertificate(p: BuildParams): string {
  const spki = AsnConvert.parse(p.subjectKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const ownKeyId = keyIdentifier(spki);
  const extensions: Extension[] = [
    ext(id_ce_basicConstraints, true, new BasicConstraints({ cA: p.isCA })),
    ext(
      id_ce_keyUsage,
      true,
      new KeyUsage(
        p.isCA
          ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature
          : p.subjectKey.asymmetricKeyType === 'rsa'
            ? KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment
            : KeyUsageFlags.digitalSignature, // EC keys cannot encipher (RFC 8813)
      ),
    ),
    ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(ownKeyId)),
  ];
  if (!p.isCA) {
    extensions.push(ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth, id_kp_clientAuth])));
  }
  if (p.issuerKeyId) {
    extensions.push(
      ext(
        id_ce_authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(p.issuerKeyId) }),
      ),
    );
  }
  const altNames = [
    ...p.dnsNames.map((dNSName) => new GeneralName({ dNSName })),
    ...p.ipAddresses.map((ip) => {
      if (!net.isIP(ip)) throw new Error(`pki: not an IP address: ${ip}`);
      return new GeneralName({ iPAddress: ip });
    }),
  ];
  if (altNames.length > 0) extensions.push(ext(id_ce_subjectAltName, false, new SubjectAlternativeName(altNames)));

  const sigAlg = signatureAlgorithm(p.issuerKey);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: randomSerial(),
    signature: sigAlg,
    issuer: p.issuer,
    validity: new Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: p.subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  // RSA: PKCS#1 v1.5; EC: crypto.sign yields the DER ECDSA-Sig-Value X.509 expects.
  const signature = crypto.sign('sha256', tbsDer, p.issuerKey);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: sigAlg,
    signatureValue: toArrayBuffer(signature),
  });
  return derToPem(Buffer.from(AsnConvert.serialize(cert)), 'CERTIFICATE');
}

function derToPem(der: Buffer, label: string): string {
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

function validity(opts: IssueOptions): { notBefore: Date; notAfter: Date } {
  const notBefore = opts.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 365 * DAY_MS);
  return { notBefore, notAfter };
}

function keyPem(key: crypto.KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** A CA valid for 10 years (from one day ago) that can issue leaves. */
export function createCertificateAuthority(commonName = 'Emulator Test CA'): CertificateAuthority {
  const { publicKey, privateKey } = generateKey('ec');
  const name = makeName(commonName, 'aks-aml-attach emulator');
  const notBefore = new Date(Date.now() - DAY_MS);
  const certPem = buildCertificate({
    subject: name,
    issuer: name,
    subjectKey: publicKey,
    issuerKey: privateKey,
    issuerKeyId: undefined,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3650 * DAY_MS),
    isCA: true,
    dnsNames: [],
    ipAddresses: [],
  });
  const caSpki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const caKeyId = keyIdentifier(caSpki);
  return {
    certPem,
    keyPem: keyPem(privateKey),
    issue(opts: IssueOptions): IssuedCertificate {
      const leaf = generateKey(opts.keyType ?? 'ec');
      const { notBefore: nb, notAfter: na } = validity(opts);
      const leafPem = buildCertificate({
        subject: makeName(opts.commonName),
        issuer: name,
        subjectKey: leaf.publicKey,
        issuerKey: privateKey,
        issuerKeyId: caKeyId,
        notBefore: nb,
        notAfter: na,
        isCA: false,
        dnsNames: opts.dnsNames ?? [],
        ipAddresses: opts.ipAddresses ?? [],
      });
      return { certPem: leafPem, keyPem: keyPem(leaf.privateKey), chainPem: leafPem + certPem };
    },
  };
}

/** A self-signed end-entity certificate (not a CA). */
export function selfSigned(opts: IssueOptions): IssuedCertificate {
  const { publicKey, privateKey } = generateKey(opts.keyType ?? 'ec');
  const name = makeName(opts.commonName);
  const { notBefore, notAfter } = validity(opts);
  const certPem = buildCertificate({
    subject: name,
    issuer: name,
    subjectKey: publicKey,
    issuerKey: privateKey,
    issuerKeyId: undefined,
    notBefore,
    notAfter,
    isCA: false,
    dnsNames: opts.dnsNames ?? [],
    ipAddresses: opts.ipAddresses ?? [],
  });
  return { certPem, keyPem: keyPem(privateKey), chainPem: certPem };
}
