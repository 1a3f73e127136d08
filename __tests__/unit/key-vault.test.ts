/** Issue 16: tls-certificate-id parsing, the cloud's vault suffix, decoding Key Vault's PEM and PFX, the desired state. */
import { KNOWN_CLOUDS, keyVaultDnsSuffix } from '../../src/core/azure/cloud';
import { CachingCredential } from '../../src/core/azure/credential';
import { DeadlineError, InputError } from '../../src/core/contract/errors';
import type { InputName } from '../../src/core/contract/inputs';
import { readDesiredState } from '../../src/core/desired/read';
import { decodeCertificateSecret, DecodeError } from '../../src/core/keyvault/decode';
import { parseKeyVaultCertificateId } from '../../src/core/keyvault/identifier';
import { KeyVaultError } from '../../src/core/keyvault/errors';
import { keyVaultFailure, type CertificateSecret } from '../../src/core/keyvault/read-secret';
import { certificateFromSecret } from '../../src/core/keyvault/resolve';
import { SecretRedactor } from '../../src/core/contract/secrets';
import { recordingPlatform } from '../../testkit/recording-platform';
import { certificateSecretValue } from '../../emulator/keyvault/certificates';
import { createCertificateAuthority, selfSigned } from '../../emulator/tools/pki';
import { baseInputs, reader } from '../../testkit/inputs';

const VERSION = '0123456789abcdef0123456789abcdef';

describe('parseKeyVaultCertificateId', () => {
  test.each([
    ['https://contoso-tls.vault.azure.net/certificates/scoring', { name: 'scoring' }],
    ['https://contoso-tls.vault.azure.net/certificates/scoring/', { name: 'scoring' }],
    [
      `https://Contoso-TLS.vault.azure.net/certificates/scoring/${VERSION.toUpperCase()}`,
      { name: 'scoring', version: VERSION },
    ],
    ['https://contoso-tls.vault.azure.net/secrets/scoring-2026', { name: 'scoring-2026' }],
    [`https://contoso-tls.vault.azure.net:443/secrets/scoring/${VERSION}`, { name: 'scoring', version: VERSION }],
  ])('%s is accepted', (text, expected) => {
    expect(parseKeyVaultCertificateId(text, 'vault.azure.net')).toEqual({
      vaultUrl: 'https://contoso-tls.vault.azure.net',
      vaultName: 'contoso-tls',
      ...expected,
    });
  });

  test.each([
    ['contoso-tls/scoring', /is not a URL/],
    ['http://contoso-tls.vault.azure.net/certificates/scoring', /must use https/],
    ['https://contoso-tls.vault.azure.net:8443/certificates/scoring', /port/],
    ['https://contoso-tls.vault.azure.net/certificates/scoring?api-version=7.6', /query/],
    [
      'https://contoso-tls.vault.usgovcloudapi.net/certificates/scoring',
      /not a Key Vault host of the signed-in cloud; expected <vault>\.vault\.azure\.net/,
    ],
    ['https://contoso-tls.vault.azure.net.evil.example/certificates/scoring', /not a Key Vault host/],
    ['https://vault.azure.net/certificates/scoring', /not a Key Vault host/],
    ['https://9lives.vault.azure.net/certificates/scoring', /not a vault name/],
    ['https://a--b.vault.azure.net/certificates/scoring', /not a vault name/],
    ['https://contoso-tls.vault.azure.net/keys/scoring', /not a certificate or secret identifier/],
    ['https://contoso-tls.vault.azure.net/certificates', /not a certificate or secret identifier/],
    ['https://contoso-tls.vault.azure.net/certificates/scoring/v1/extra', /not a certificate or secret identifier/],
    ['https://contoso-tls.vault.azure.net/certificates/scoring_tls', /not a certificate name/],
    ['https://contoso-tls.vault.azure.net/certificates/scoring/latest', /'latest' is not a Key Vault version/],
  ])('%s is refused', (text, message) => {
    const result = parseKeyVaultCertificateId(text, 'vault.azure.net');
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
  });
});

test("each cloud's Key Vault suffix; a custom cloud's follows Azure Stack Hub's naming, else the public cloud's", () => {
  expect(keyVaultDnsSuffix(KNOWN_CLOUDS.AzureCloud)).toBe('vault.azure.net');
  expect(keyVaultDnsSuffix(KNOWN_CLOUDS.AzureUSGovernment)).toBe('vault.usgovcloudapi.net');
  expect(keyVaultDnsSuffix(KNOWN_CLOUDS.AzureChinaCloud)).toBe('vault.azure.cn');
  const stack = { armEndpoint: 'https://management.local.azurestack.external', authorityHost: 'https://adfs.local' };
  expect(keyVaultDnsSuffix(stack)).toBe('vault.local.azurestack.external');
  expect(keyVaultDnsSuffix({ armEndpoint: 'https://127.0.0.1:8443', authorityHost: 'https://127.0.0.1:8443' })).toBe(
    'vault.azure.net',
  );
});

describe('decodeCertificateSecret', () => {
  const ca = createCertificateAuthority('Unit CA');
  const leaf = ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
  const rsa = selfSigned({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'], keyType: 'rsa' });

  test('PEM as Key Vault stores it (key first) and in any order: the chain comes out leaf first', () => {
    const [leafPem, caPem] = [leaf.certPem.trim(), ca.certPem.trim()];
    for (const value of [`${leaf.keyPem}${leafPem}\n${caPem}\n`, `${caPem}\n${leaf.keyPem}\n${leafPem}\n`]) {
      const decoded = decodeCertificateSecret(value, 'application/x-pem-file');
      expect(decoded.certPem).toBe(`${leafPem}\n${caPem}\n`);
      expect(decoded.keyPem).toBe(leaf.keyPem);
      expect(decoded.keyDerBase64).toBe(leaf.keyPem.replace(/-----[A-Z ]+-----|\s/g, ''));
    }
  });

  test("PFX with Key Vault's empty password and with no password at all are both read", () => {
    const empty = certificateSecretValue(rsa, 'pfx', { password: '' });
    const none = certificateSecretValue(rsa, 'pfx', { password: null });
    for (const value of [empty, none]) {
      const decoded = decodeCertificateSecret(value, 'application/x-pkcs12');
      expect(decoded.certPem.trim()).toBe(rsa.certPem.trim());
      expect(decoded.keyPem).toBe(rsa.keyPem);
    }
  });

  test('a PFX with a real password, a secret without a key, and text that is no PFX', () => {
    const locked = certificateSecretValue(rsa, 'pfx', { password: 'correct horse' });
    expect(() => decodeCertificateSecret(locked, 'application/x-pkcs12')).toThrow(
      expect.objectContaining({ reason: 'password-protected' }),
    );
    const keyless = decodeCertificateSecret(
      certificateSecretValue(rsa, 'pfx', { withoutKey: true }),
      'application/x-pkcs12',
    );
    expect(keyless.keyPem).toBeUndefined();
    expect(decodeCertificateSecret(leaf.chainPem, 'application/x-pem-file').keyPem).toBeUndefined();
    expect(() => decodeCertificateSecret('bm90IGEgcGZ4', 'application/x-pkcs12')).toThrow(DecodeError);
    expect(() => decodeCertificateSecret(leaf.keyPem, 'application/x-pem-file')).toThrow(
      expect.objectContaining({ reason: 'no-certificate' }),
    );
  });

  test('an encrypted PEM key is a password-protected certificate', () => {
    const encrypted = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n';
    expect(() => decodeCertificateSecret(`${encrypted}${leaf.certPem}`, 'application/x-pem-file')).toThrow(
      expect.objectContaining({ reason: 'password-protected' }),
    );
  });
});

describe('tls-certificate-id in the desired state', () => {
  const read = (values: Partial<Record<InputName, string>>, keyVaultDnsSuffix?: string) =>
    readDesiredState({ readInput: reader({ ...baseInputs(), ...values }), displayName: (n) => n, keyVaultDnsSuffix });
  const problems = (values: Partial<Record<InputName, string>>, suffix?: string) => {
    try {
      read(values, suffix);
      return [];
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return error.problems.map((p) => `${p.input}: ${p.message}`);
    }
  };

  test('with tls: custom it stands for the certificate and key; tls-cname is optional', () => {
    const desired = read({
      tls: 'custom',
      'tls-certificate-id': 'https://contoso-tls.vault.azure.net/certificates/scoring',
    });
    expect(desired.compute?.tls).toEqual({
      mode: 'key-vault',
      certificateId: { vaultUrl: 'https://contoso-tls.vault.azure.net', vaultName: 'contoso-tls', name: 'scoring' },
    });
  });

  test('the host must be a vault of the signed-in cloud', () => {
    const id = 'https://contoso-tls.vault.usgovcloudapi.net/certificates/scoring';
    expect(read({ tls: 'custom', 'tls-certificate-id': id }, 'vault.usgovcloudapi.net').compute?.tls.mode).toBe(
      'key-vault',
    );
    expect(problems({ tls: 'custom', 'tls-certificate-id': id })).toEqual([
      `tls-certificate-id: '${id}' has host 'contoso-tls.vault.usgovcloudapi.net', which is not a Key Vault host of the signed-in cloud; expected <vault>.vault.azure.net`,
    ]);
  });

  test('given with tls-cert/tls-key (or their files): one problem per input, naming both; only with tls: custom', () => {
    const id = 'https://contoso-tls.vault.azure.net/certificates/scoring';
    expect(problems({ tls: 'custom', 'tls-certificate-id': id, 'tls-cert': 'x', 'tls-key-file': 'k.pem' })).toEqual([
      'tls-cert: give the certificate once: either tls-certificate-id (Key Vault) or tls-cert, not both',
      'tls-key-file: give the certificate once: either tls-certificate-id (Key Vault) or tls-key-file, not both',
    ]);
    expect(problems({ tls: 'disabled', 'tls-certificate-id': id })).toEqual([
      'tls-certificate-id: applies only with tls: custom (tls is disabled)',
    ]);
  });
});

test('CachingCredential keeps one token per scope: ARM and Key Vault do not evict each other', async () => {
  let requests = 0;
  const credential = new CachingCredential({
    getToken: (scopes) =>
      Promise.resolve({ token: `${String(scopes)}#${++requests}`, expiresOnTimestamp: Date.now() + 3_600_000 }),
  });
  const arm = await credential.getToken('https://management.azure.com/.default');
  const vault = await credential.getToken('https://vault.azure.net/.default');
  expect(await credential.getToken('https://management.azure.com/.default')).toBe(arm);
  expect(await credential.getToken('https://vault.azure.net/.default')).toBe(vault);
  expect(credential.tokenRequests).toBe(2);
});

describe('certificateFromSecret: the checks on what Key Vault returned, and the key registered in every form', () => {
  const ca = createCertificateAuthority('Unit CA');
  const issued = ca.issue({
    commonName: 'scoring.contoso.com',
    dnsNames: ['*.contoso.com', 'scoring.contoso.com'],
    keyType: 'rsa',
  });
  const id = { vaultUrl: 'https://contoso-tls.vault.azure.net', vaultName: 'contoso-tls', name: 'scoring' };
  const now = new Date();
  const secret = (over: Partial<CertificateSecret> = {}): CertificateSecret => ({
    value: `${issued.keyPem}${issued.chainPem}`,
    contentType: 'application/x-pem-file',
    version: VERSION,
    keyId: `https://contoso-tls.vault.azure.net/keys/scoring/${VERSION}`,
    managed: true,
    ...over,
  });
  const deps = () => {
    const platform = recordingPlatform();
    return {
      platform,
      redactor: new SecretRedactor(platform),
      displayName: (n: InputName) => n,
      now,
      credential: { getToken: () => Promise.resolve(null) },
      deadline: Date.now() + 60_000,
    };
  };

  test('PEM and PFX become the same custom certificate; tls-cname defaults to the first name that is no wildcard', () => {
    const d = deps();
    const tls = certificateFromSecret(id, secret(), undefined, 30, d);
    expect(tls).toEqual(
      expect.objectContaining({
        mode: 'custom',
        cname: 'scoring.contoso.com',
        certPem: issued.chainPem,
        keyPem: issued.keyPem,
        keyVault: { vaultName: 'contoso-tls', name: 'scoring', version: VERSION },
      }),
    );
    expect(d.platform.lines.join('\n')).toMatch(
      new RegExp(
        `Key Vault contoso-tls: certificate scoring, version ${VERSION}, SHA-256 [0-9a-f]{64}, for scoring.contoso.com`,
      ),
    );
    const rsa = selfSigned({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'], keyType: 'rsa' });
    const pfx = secret({ value: certificateSecretValue(rsa, 'pfx'), contentType: 'application/x-pkcs12' });
    expect(certificateFromSecret(id, pfx, undefined, 30, deps())).toEqual(
      expect.objectContaining({ mode: 'custom', keyPem: rsa.keyPem, cname: 'scoring.contoso.com' }),
    );
  });

  test('the key is masked as PEM, its lines, base64 of the PEM, DER base64, and the PFX base64, before the summary line is logged', () => {
    const rsa = selfSigned({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'], keyType: 'rsa' });
    const pfxValue = certificateSecretValue(rsa, 'pfx');
    const d = deps();
    // What readCertificateSecret's protect() does with the value as it arrives:
    d.redactor.add(pfxValue);
    certificateFromSecret(id, secret({ value: pfxValue, contentType: 'application/x-pkcs12' }), undefined, 30, d);
    const der = rsa.keyPem.replace(/-----[A-Z ]+-----|\s/g, '');
    for (const form of [
      rsa.keyPem,
      Buffer.from(rsa.keyPem).toString('base64'),
      der,
      pfxValue,
      ...rsa.keyPem.split('\n').slice(1, 3),
    ])
      expect(d.redactor.redact(`x ${form} y`)).not.toContain(form);
    expect(d.platform.masked.length).toBeGreaterThan(0);
  });

  test.each([
    ['a plain secret (no kid)', { keyId: undefined, managed: false }, 'not-a-certificate'],
    ['another content type', { contentType: 'text/plain' }, 'not-a-certificate'],
    ['an expired version', { expiresOn: new Date(now.getTime() - 1000) }, 'expired'],
    ['a version not valid yet', { notBefore: new Date(now.getTime() + 86_400_000) }, 'not-yet-valid'],
    ['no key in the secret', { value: issued.chainPem }, 'key-not-exportable'],
    [
      'a key of another certificate',
      { value: `${selfSigned({ commonName: 'x' }).keyPem}${issued.chainPem}` },
      'invalid-certificate',
    ],
  ])('%s: KeyVaultError %s naming the vault', (_, over, problem) => {
    let error: unknown;
    try {
      certificateFromSecret(id, secret(over), undefined, 30, deps());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error).toEqual(expect.objectContaining({ problem, vaultName: 'contoso-tls' }));
    expect((error as Error).message).toMatch(/^Key Vault contoso-tls: /);
    expect((error as Error).message).toContain('Nothing was changed.');
  });

  test('a wildcard certificate needs tls-cname: no name to default to, any covered name given works', () => {
    const wildcard = ca.issue({ commonName: '*.contoso.com', dnsNames: ['*.contoso.com'], keyType: 'rsa' });
    const only = secret({ value: `${wildcard.keyPem}${wildcard.chainPem}` });
    expect(() => certificateFromSecret(id, only, undefined, 30, deps())).toThrow(
      /tls-cname: is required: .*names no DNS name but wildcards/,
    );
    expect(certificateFromSecret(id, only, 'api.contoso.com', 30, deps())).toEqual(
      expect.objectContaining({ mode: 'custom', cname: 'api.contoso.com' }),
    );
  });

  test('a tls-cname the certificate does not cover is an input error on tls-cname', () => {
    expect(() => certificateFromSecret(id, secret(), 'api.fabrikam.com', 30, deps())).toThrow(InputError);
    expect(() => certificateFromSecret(id, secret(), 'api.fabrikam.com', 30, deps())).toThrow(
      /tls-cname: 'api.fabrikam.com' is not covered by the certificate .*in Key Vault contoso-tls/,
    );
  });
});

describe('keyVaultFailure: what Key Vault answered, in words that say what to do', () => {
  const id = { vaultUrl: 'https://contoso-tls.vault.azure.net', vaultName: 'contoso-tls', name: 'scoring' };
  const restError = (statusCode: number, code: string, inner?: string) =>
    Object.assign(new Error('service message'), {
      name: 'RestError',
      statusCode,
      code,
      details: { error: { code, message: 'service message', ...(inner && { innererror: { code: inner } }) } },
    });

  test.each([
    [restError(403, 'Forbidden', 'ForbiddenByRbac'), 'forbidden', /"Get" on secrets.*"Key Vault Secrets User"/],
    [restError(403, 'Forbidden', 'AccessDenied'), 'forbidden', /AccessDenied/],
    [restError(403, 'Forbidden', 'SecretDisabled'), 'disabled', /certificate 'scoring' is disabled/],
    [restError(404, 'SecretNotFound'), 'not-found', /certificate 'scoring' was not found \(SecretNotFound\)/],
    [restError(401, 'Unauthorized'), 'forbidden', /did not accept the run's sign-in/],
    [restError(400, 'BadParameter'), 'unreadable', /HTTP 400 BadParameter/],
    [new Error('getaddrinfo ENOTFOUND contoso-tls.vault.azure.net'), 'unreachable', /does not resolve/],
    [
      new Error("The challenge resource 'evil.example' does not match the requested domain."),
      'forbidden',
      /challenge for another resource, so no token was sent/,
    ],
    [
      new Error('ClientSecretCredential: The current credential is not configured to acquire tokens for tenant x.'),
      'unreadable',
      /reading certificate 'scoring' failed: ClientSecretCredential: The current credential is not configured/,
    ],
  ])('%s → %s', (error, problem, message) => {
    const failure = keyVaultFailure(id, error);
    expect(failure).toEqual(expect.objectContaining({ problem, vaultName: 'contoso-tls' }));
    expect(failure.message).toMatch(message);
    expect(failure.message).not.toContain('service message');
  });

  test("the run's own deadline and cancellation pass through", () => {
    const deadline = new DeadlineError('GET certificate');
    expect(keyVaultFailure(id, deadline)).toBe(deadline);
  });

  test('a version is named in a 404', () => {
    expect(keyVaultFailure({ ...id, version: VERSION }, restError(404, 'SecretNotFound')).message).toContain(
      `version '${VERSION}' of certificate 'scoring' was not found`,
    );
  });
});
