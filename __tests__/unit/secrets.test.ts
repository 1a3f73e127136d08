/**
 * The redactor every product-written text passes through, and the masks it gives the CI system;
 * plus the SDK error object itself: RestError serialisation leaked request bodies in
 * @azure/core-rest-pipeline ≤ 1.16.2 and response headers in @typespec/ts-http-runtime ≤ 0.3.6.
 * These tests check the installed versions' behaviour rather than trusting the version numbers.
 */
import { inspect } from 'node:util';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { selfSigned } from '../../emulator';
import { maskSecret, redactSecretShapes, SecretRedactor, secretLines } from '../../src/core/contract/secrets';

const tls = selfSigned({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'], keyType: 'rsa' });
const keyLines = secretLines(tls.keyPem);
const JWT =
  'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tLyIsIm9pZCI6IngifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1pcy1sb25n';

describe('secretLines and maskSecret', () => {
  test('a PEM key is masked line by line, without its BEGIN/END lines or blank lines', () => {
    expect(keyLines.length).toBeGreaterThan(10);
    expect(keyLines.some((l) => l.startsWith('-----'))).toBe(false);
    const masked: string[] = [];
    maskSecret({ maskLine: (l) => masked.push(l) }, tls.keyPem);
    expect(masked).toEqual(keyLines);
  });

  test('a one-line secret is masked whole; empty values are ignored', () => {
    const masked: string[] = [];
    maskSecret({ maskLine: (l) => masked.push(l) }, '  client-secret-value  ');
    maskSecret({ maskLine: (l) => masked.push(l) }, '');
    maskSecret({ maskLine: (l) => masked.push(l) }, undefined);
    expect(masked).toEqual(['client-secret-value']);
  });
});

describe('SecretRedactor', () => {
  test('add() masks at once and scrubs the value, whole and per line, from any text', () => {
    const masked: string[] = [];
    const r = new SecretRedactor({ maskLine: (l) => masked.push(l) });
    r.add('client-secret-value');
    r.add(tls.keyPem);
    expect(masked).toEqual(['client-secret-value', ...keyLines]);
    const text = `secret client-secret-value and key line ${keyLines[3]} and an escaped key "${tls.keyPem.replace(/\n/g, '\\n')}"`;
    const out = r.redact(text);
    expect(out).not.toContain('client-secret-value');
    for (const line of keyLines) expect(out).not.toContain(line);
    expect(r.size).toBeGreaterThan(keyLines.length);
  });

  test('remember() scrubs without announcing a mask (the CI system knows the value already)', () => {
    const masked: string[] = [];
    const r = new SecretRedactor({ maskLine: (l) => masked.push(l) });
    r.remember('ci-system-token-123');
    r.remember('short');
    expect(masked).toEqual([]);
    expect(r.redact('Authorization failed for ci-system-token-123 (short)')).toBe(
      'Authorization failed for *** (short)',
    );
  });

  test('the longest value is replaced first (a secret containing another)', () => {
    const r = new SecretRedactor();
    r.add('abcd');
    r.add('abcdefgh');
    expect(r.redact('x abcdefgh y abcd')).toBe('x *** y ***');
  });
});

describe('redactSecretShapes: secrets nobody registered', () => {
  test.each<[string, string, string]>([
    ['a PEM private key', `key: ${tls.keyPem.trim()} and more`, 'key: [redacted PEM] and more'],
    [
      'a JSON-escaped PEM in an echoed request body',
      `{"key":"${tls.keyPem.trim().replace(/\n/g, '\\n')}"}`,
      '{"key":"[redacted PEM]"}',
    ],
    ['a JWT', `token ${JWT} expired`, 'token [redacted token] expired'],
    [
      'a signed status URL',
      'https://x/op?api-version=2022-10-01&sig=abc%2Bdef&se=2099-01-01&skoid=123',
      'https://x/op?api-version=2022-10-01&sig=[redacted]&se=[redacted]&skoid=[redacted]',
    ],
    [
      'a token request form body',
      'client_id=app&client_secret=s3cr3t&grant_type=client_credentials',
      'client_id=app&client_secret=[redacted]&grant_type=client_credentials',
    ],
    [
      'a form body starting with the secret',
      'client_assertion=opaque.assertion.value&x=1',
      'client_assertion=[redacted]&x=1',
    ],
    [
      'a token response',
      '{"token_type":"Bearer","access_token":"opaque-token","expires_in":3599}',
      '{"token_type":"Bearer","access_token":"[redacted]","expires_in":3599}',
    ],
    [
      'azure/login creds',
      '{"clientId":"app","clientSecret":"p@ss\\"word","tenantId":"t"}',
      '{"clientId":"app","clientSecret":"[redacted]","tenantId":"t"}',
    ],
    ['an Authorization header', 'Authorization: Bearer opaqueAccessToken123', 'Authorization: Bearer [redacted]'],
  ])('%s', (_what, input, expected) => {
    expect(redactSecretShapes(input)).toBe(expected);
  });

  test.each([
    'GET https://management.azure.com/subscriptions/s/providers/x?api-version=2022-10-01',
    'Compute aks-prod is Succeeded, bound to the cluster /subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod.',
    'status code 404; code=NotFound; use=none; test=1',
    'tls-certificate-sha256: 795bff5e26edc19f8af9a6337d44c7500f66dda8e074d5d4f05cc551715d115c',
  ])('ordinary text is left alone: %s', (text) => {
    expect(redactSecretShapes(text)).toBe(text);
  });
});

describe('RestError of the installed SDK does not serialise secrets', () => {
  function restError(): RestError {
    const body = JSON.stringify({
      properties: { properties: { sslConfiguration: { status: 'Enabled', cert: tls.certPem, key: tls.keyPem } } },
    });
    const request = createPipelineRequest({
      url: 'https://management.azure.com/subscriptions/s/computes/aks-prod?api-version=2022-10-01&sig=SIGNATURE-IN-QUERY',
      method: 'PUT',
      body,
      headers: createHttpHeaders({ authorization: `Bearer ${JWT}`, 'content-type': 'application/json' }),
    });
    const response = {
      status: 400,
      request,
      headers: createHttpHeaders({
        'x-ms-request-id': 'req-1',
        'set-cookie': 'session=SECRET-COOKIE',
        'x-ms-secret-header': 'SECRET-HEADER-VALUE',
      }),
      bodyAsText: `{"error":{"code":"BadRequest","message":"echo ${body.replace(/"/g, "'")}"}}`,
    };
    return new RestError('The request was invalid.', { code: 'BadRequest', statusCode: 400, request, response });
  }

  const leaks = (text: string) =>
    [...keyLines, JWT, 'SECRET-COOKIE', 'SECRET-HEADER-VALUE', 'SIGNATURE-IN-QUERY']
      .filter((s) => text.includes(s))
      .map((s) => s.slice(0, 12));

  test('util.inspect (console.log of the error): no request body, authorization, response headers or signed query', () => {
    expect(leaks(inspect(restError(), { depth: 10 }))).toEqual([]);
  });

  test('JSON.stringify and String(): nothing secret either', () => {
    const e = restError();
    expect(leaks(JSON.stringify(e) ?? '')).toEqual([]);
    expect(leaks(String(e))).toEqual([]);
    expect(leaks(e.message)).toEqual([]);
  });
});

describe('SDK log lines (AZURE_LOG_LEVEL) pass the redactor while a step runs', () => {
  test('an identity-style error line quoting a form body and a registered key is scrubbed on stderr', async () => {
    const { AzureLogger, createClientLogger, getLogLevel, setLogLevel } = await import('@azure/logger');
    const { runStep } = await import('../../src/core/step');
    const { recordingPlatform } = await import('../../testkit/recording-platform');
    const { InputError } = await import('../../src/core/contract/errors');
    const level = getLogLevel();
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const original = AzureLogger.log;
    try {
      setLogLevel('info');
      const logger = createClientLogger('identity-test');
      await runStep(recordingPlatform(), (redactor) => {
        redactor.add(tls.keyPem);
        logger.info(
          `IdentityClient: authentication error. HTTP status: 401, invalid_client. Request body: client_id=app&client_secret=s3cr3t-value&scope=x key ${keyLines[5]} token ${JWT}`,
        );
        throw new InputError([{ input: 'compute-name', message: 'stop here' }]);
      });
    } finally {
      spy.mockRestore();
      setLogLevel(level);
    }
    const log = written.join('');
    expect(log).toContain('azure:identity-test:info IdentityClient: authentication error');
    expect(log).toContain('client_secret=[redacted]');
    expect(log).not.toContain('s3cr3t-value');
    expect(log).not.toContain(keyLines[5]);
    expect(log).not.toContain(JWT);
    // Restored once the step is over.
    expect(AzureLogger.log).toBe(original);
  });
});
