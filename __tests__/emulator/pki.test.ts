/** Certificates from emulator/pki.ts, checked by Node's own X.509 parser and real TLS handshakes. */
import * as crypto from 'node:crypto';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createCertificateAuthority, selfSigned, type IssuedCertificate } from '../../emulator';

const ca = createCertificateAuthority('Test Root');
const caCert = new crypto.X509Certificate(ca.certPem);

test('CA: self-signed, basicConstraints CA, EC key', () => {
  expect(caCert.ca).toBe(true);
  expect(caCert.subject).toContain('CN=Test Root');
  expect(caCert.verify(caCert.publicKey)).toBe(true);
  expect(caCert.checkPrivateKey(crypto.createPrivateKey(ca.keyPem))).toBe(true);
});

test('issued leaf honours SANs, dates and key type exactly', () => {
  const notBefore = new Date('2024-03-01T10:20:30Z');
  const notAfter = new Date('2060-01-02T03:04:05Z'); // past 2049: GeneralizedTime
  const leaf = ca.issue({
    commonName: 'svc',
    dnsNames: ['svc.example.com', '*.example.org'],
    ipAddresses: ['127.0.0.1', '::1'],
    notBefore,
    notAfter,
    keyType: 'rsa',
  });
  const x = new crypto.X509Certificate(leaf.certPem);
  expect(x.subject).toBe('CN=svc');
  expect(x.subjectAltName).toBe(
    'DNS:svc.example.com, DNS:*.example.org, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
  );
  expect(new Date(x.validFrom).toISOString()).toBe(notBefore.toISOString());
  expect(new Date(x.validTo).toISOString()).toBe(notAfter.toISOString());
  expect(x.publicKey.asymmetricKeyType).toBe('rsa');
  expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  expect(x.ca).toBe(false);
  expect(x.checkIssued(caCert)).toBe(true);
  expect(x.verify(caCert.publicKey)).toBe(true);
  expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  expect(x.checkPrivateKey(crypto.createPrivateKey(leaf.keyPem))).toBe(true);
  expect(leaf.chainPem).toBe(leaf.certPem + ca.certPem);
});

test('defaults: EC P-256, valid from a day ago for a year, no SAN', () => {
  const leaf = ca.issue({ commonName: 'plain' });
  const x = new crypto.X509Certificate(leaf.certPem);
  expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  expect(x.subjectAltName).toBeUndefined();
  const from = Date.parse(x.validFrom);
  expect(Math.abs(from - (Date.now() - 86_400_000))).toBeLessThan(60_000);
  expect(Date.parse(x.validTo) - from).toBe(365 * 86_400_000);
});

test('selfSigned is its own issuer and not a CA', () => {
  const s = selfSigned({ commonName: 'me', dnsNames: ['me.test'] });
  const x = new crypto.X509Certificate(s.certPem);
  expect(x.verify(x.publicKey)).toBe(true);
  expect(x.issuer).toBe(x.subject);
  expect(x.ca).toBe(false);
  expect(s.chainPem).toBe(s.certPem);
});

async function handshake(cert: IssuedCertificate, servername: string): Promise<string> {
  const server = tls.createServer({ cert: cert.chainPem, key: cert.keyPem }, (s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    return await new Promise<string>((resolve) => {
      const sock = tls.connect({ host: '127.0.0.1', port, servername, ca: ca.certPem }, () => {
        sock.end();
        resolve('ok');
      });
      sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
  } finally {
    server.close();
  }
}

test('real TLS: valid, wrong name, expired, not yet valid', async () => {
  expect(await handshake(ca.issue({ commonName: 'good', dnsNames: ['good.test'] }), 'good.test')).toBe('ok');
  expect(await handshake(ca.issue({ commonName: 'good', dnsNames: ['good.test'] }), 'other.test')).toBe(
    'ERR_TLS_CERT_ALTNAME_INVALID',
  );
  const expired = ca.issue({
    commonName: 'old',
    dnsNames: ['old.test'],
    notBefore: new Date(Date.now() - 10 * 86_400_000),
    notAfter: new Date(Date.now() - 86_400_000),
  });
  expect(await handshake(expired, 'old.test')).toBe('CERT_HAS_EXPIRED');
  const future = ca.issue({ commonName: 'new', dnsNames: ['new.test'], notBefore: new Date(Date.now() + 86_400_000) });
  expect(await handshake(future, 'new.test')).toBe('CERT_NOT_YET_VALID');
});
