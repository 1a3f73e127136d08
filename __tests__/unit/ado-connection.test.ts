/**
 * The AzureRM service connection → AuthSpec/Cloud mapping, driven through the same environment
 * variables the agent hands a task. task-lib reads (and scrubs) INPUT_* and ENDPOINT_AUTH_* when
 * it is first imported, so every case loads a fresh copy of task-lib and the adapter.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type InputError } from '../../src/core/contract/errors';
import { SecretRedactor } from '../../src/core/contract/secrets';
import type * as ConnectionModule from '../../src/ado/connection';
import type * as PlatformModule from '../../src/ado/platform';

const ID = '5f3c1b2a-0000-4000-8000-00000000c0de';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const SECRET = 'sp-Secret~Value.0123456789abcdef';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLXZhbHVl';
const KEY_LINES = [
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MZ9n2JvKt3zVqFyW0Rh8w5bEoXq3PjK9LtA2sN4mR7cD1fGhIjKlMnOpQrStUvWx',
];
const CERT_PEM =
  '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----';
const KEY_PEM = `-----BEGIN PRIVATE KEY-----\n${KEY_LINES.join('\n')}\n-----END PRIVATE KEY-----`;

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ado-connection-test-'));
let baseEnv: NodeJS.ProcessEnv;
let stdout: string[];

beforeEach(() => {
  baseEnv = { ...process.env };
  stdout = [];
});
function resetEnv(): void {
  for (const key of Object.keys(process.env)) if (!(key in baseEnv)) delete process.env[key];
  Object.assign(process.env, baseEnv);
}
afterEach(() => {
  jest.restoreAllMocks();
  resetEnv();
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

/** Sets the agent's environment, loads task-lib and the adapter fresh, and captures stdout. */
function load(env: Record<string, string>): { connection: typeof ConnectionModule; platform: typeof PlatformModule } {
  jest.restoreAllMocks();
  resetEnv();
  Object.assign(process.env, { AGENT_TEMPDIRECTORY: tempDir, ...env });
  delete (global as Record<string, unknown>)['_vsts_task_lib_loaded'];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  const exceptionListeners = process.listeners('uncaughtException');
  const rejectionListeners = process.listeners('unhandledRejection');
  let modules!: { connection: typeof ConnectionModule; platform: typeof PlatformModule };
  jest.isolateModules(() => {
    modules = { connection: require('../../src/ado/connection'), platform: require('../../src/ado/platform') };
  });
  // task-lib installs process-wide handlers on every load; keep the test process clean.
  for (const l of process.listeners('uncaughtException'))
    if (!exceptionListeners.includes(l)) process.off('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection'))
    if (!rejectionListeners.includes(l)) process.off('unhandledRejection', l);
  return modules;
}

function read(env: Record<string, string>) {
  const { connection, platform } = load({ INPUT_AZURESUBSCRIPTION: ID, ...env });
  return connection.readConnection(new SecretRedactor(platform.createAdoPlatform()));
}

function readError(env: Record<string, string>): InputError {
  try {
    read(env);
  } catch (err) {
    // The error class comes from the isolated module registry: compare by shape.
    expect((err as Error).name).toBe('InputError');
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

const output = () => stdout.join('');
const maskedValues = () => [...output().matchAll(/^##vso\[task\.setsecret\](.*)$/gm)].map((m) => m[1]);
/** Every stdout line that shows the value, other than the setsecret command registering it. */
const leaks = (value: string) =>
  output()
    .split(/\r?\n/)
    .filter((l) => l.includes(value) && !l.startsWith('##vso[task.setsecret]'));

const endpoint = (
  scheme: string | undefined,
  auth: Record<string, string>,
  data: Record<string, string> = {},
  url = 'https://management.azure.com/',
): Record<string, string> => ({
  ...(scheme ? { [`ENDPOINT_AUTH_SCHEME_${ID}`]: scheme } : {}),
  ...Object.fromEntries(Object.entries(auth).map(([k, v]) => [`ENDPOINT_AUTH_PARAMETER_${ID}_${k.toUpperCase()}`, v])),
  ...Object.fromEntries(
    Object.entries({ subscriptionId: 'sub-0001', environment: 'AzureCloud', ...data }).map(([k, v]) => [
      `ENDPOINT_DATA_${ID}_${k.toUpperCase()}`,
      v,
    ]),
  ),
  [`ENDPOINT_URL_${ID}`]: url,
});

describe('service principal with a secret (spnKey)', () => {
  const env = endpoint('ServicePrincipal', {
    tenantid: TENANT,
    serviceprincipalid: CLIENT,
    serviceprincipalkey: SECRET,
    authenticationType: 'spnKey',
  });

  it('maps to client-secret with the subscription and cloud of the connection', () => {
    expect(read(env)).toEqual({
      auth: { kind: 'client-secret', tenantId: TENANT, clientId: CLIENT, clientSecret: SECRET },
      cloud: { armEndpoint: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com' },
      defaultSubscriptionId: 'sub-0001',
    });
  });

  it('masks the key as it reads it, and task-lib never echoes it', () => {
    read(env);
    expect(maskedValues()).toContain(SECRET);
    expect(leaks(SECRET)).toEqual([]);
  });

  it('takes a connection without a scheme or authenticationType as a service principal secret', () => {
    const { [`ENDPOINT_AUTH_SCHEME_${ID}`]: _scheme, ...rest } = env;
    delete rest[`ENDPOINT_AUTH_PARAMETER_${ID}_AUTHENTICATIONTYPE`];
    expect(read(rest).auth).toEqual({
      kind: 'client-secret',
      tenantId: TENANT,
      clientId: CLIENT,
      clientSecret: SECRET,
    });
  });

  it('names azureSubscription when the key, client id or tenant is missing', () => {
    for (const missing of ['SERVICEPRINCIPALKEY', 'SERVICEPRINCIPALID', 'TENANTID']) {
      const partial = { ...env };
      delete partial[`ENDPOINT_AUTH_PARAMETER_${ID}_${missing}`];
      const err = readError(partial);
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0].input).toBe('azureSubscription');
      expect(err.problems[0].message).toContain(ID);
    }
  });
});

describe('service principal with a certificate (spnCertificate)', () => {
  const pem = `${CERT_PEM}\n${KEY_PEM}\n`;
  const env = endpoint('ServicePrincipal', {
    tenantid: TENANT,
    serviceprincipalid: CLIENT,
    authenticationType: 'spnCertificate',
    servicePrincipalCertificate: pem,
  });

  it('maps to client-certificate with the PEM holding certificate and key', () => {
    const auth = read(env).auth;
    expect(auth).toEqual({
      kind: 'client-certificate',
      tenantId: TENANT,
      clientId: CLIENT,
      certificatePem: pem.trim(),
    });
  });

  it('masks every line of the private key, never a PEM armour line, and nothing is echoed', () => {
    read(env);
    const masked = maskedValues();
    for (const line of KEY_LINES) {
      expect(masked).toContain(line);
      expect(leaks(line)).toEqual([]);
    }
    expect(masked.filter((m) => m.startsWith('-----'))).toEqual([]);
    expect(masked.every((m) => !m.includes('\n'))).toBe(true);
  });

  it('rejects a PEM without a private key', () => {
    const err = readError({ ...env, [`ENDPOINT_AUTH_PARAMETER_${ID}_SERVICEPRINCIPALCERTIFICATE`]: CERT_PEM });
    expect(err.problems[0]).toMatchObject({ input: 'azureSubscription' });
    expect(err.problems[0].message).toMatch(/private key/);
  });

  it('rejects an unknown service principal authentication type', () => {
    const err = readError({ ...env, [`ENDPOINT_AUTH_PARAMETER_${ID}_AUTHENTICATIONTYPE`]: 'spnPassword' });
    expect(err.problems[0].message).toMatch(/spnKey.*spnCertificate/);
  });
});

describe('workload identity federation', () => {
  const env = {
    ...endpoint('WorkloadIdentityFederation', {
      tenantid: TENANT,
      serviceprincipalid: CLIENT,
      workloadIdentityFederationSubject: 'sc://org/project/conn',
    }),
    ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: TOKEN,
    SYSTEM_OIDCREQUESTURI:
      'https://dev.azure.com/org/project-id/_apis/distributedtask/hubs/build/plans/plan-id/jobs/job-id/oidctoken',
  };

  it('maps to azure-pipelines with the connection id and the job access token', () => {
    expect(read(env).auth).toEqual({
      kind: 'azure-pipelines',
      tenantId: TENANT,
      clientId: CLIENT,
      serviceConnectionId: ID,
      systemAccessToken: TOKEN,
    });
  });

  it('masks the access token and never echoes it', () => {
    read(env);
    expect(maskedValues()).toContain(TOKEN);
    expect(leaks(TOKEN)).toEqual([]);
  });

  it('explains what is missing outside a pipeline run (no access token or no OIDC endpoint)', () => {
    for (const missing of ['ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN', 'SYSTEM_OIDCREQUESTURI']) {
      const partial: Record<string, string> = { ...env };
      delete partial[missing];
      delete process.env[missing];
      const err = readError(partial);
      expect(err.problems[0]).toMatchObject({ input: 'azureSubscription' });
      expect(err.problems[0].message).toMatch(/System\.AccessToken/);
    }
  });
});

describe('managed identity', () => {
  it('maps to a system-assigned identity', () => {
    expect(read(endpoint('ManagedServiceIdentity', { tenantid: TENANT })).auth).toEqual({
      kind: 'managed-identity',
      clientId: undefined,
    });
  });

  it('maps to a user-assigned identity when the connection names its client id', () => {
    expect(read(endpoint('ManagedServiceIdentity', { tenantid: TENANT }, { msiclientId: CLIENT })).auth).toEqual({
      kind: 'managed-identity',
      clientId: CLIENT,
    });
  });
});

describe('errors', () => {
  it('rejects an unknown scheme, naming azureSubscription and the accepted schemes', () => {
    const err = readError(endpoint('PublishProfile', { tenantid: TENANT }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0].input).toBe('azureSubscription');
    expect(err.problems[0].message).toContain('PublishProfile');
    for (const scheme of ['WorkloadIdentityFederation', 'ServicePrincipal', 'ManagedServiceIdentity'])
      expect(err.problems[0].message).toContain(scheme);
    expect(err.message).toMatch(/^azureSubscription: /);
  });

  it('requires azureSubscription', () => {
    const { connection, platform } = load({});
    try {
      connection.readConnection(new SecretRedactor(platform.createAdoPlatform()));
      throw new Error('expected an error');
    } catch (err) {
      expect((err as InputError).problems).toEqual([
        { input: 'azureSubscription', message: expect.stringContaining('service connection') },
      ]);
    }
  });

  it('reports a connection the agent did not hand over (not found or not authorized)', () => {
    const err = readError({});
    expect(err.problems[0].message).toMatch(/not found|not authorized/);
  });
});

describe('cloud', () => {
  const sp = { tenantid: TENANT, serviceprincipalid: CLIENT, serviceprincipalkey: SECRET };

  it('takes the cloud from the connection environment', () => {
    const { [`ENDPOINT_URL_${ID}`]: _url, ...env } = endpoint('ServicePrincipal', sp, {
      environment: 'AzureUSGovernment',
    });
    expect(read(env).cloud).toEqual({
      armEndpoint: 'https://management.usgovcloudapi.net',
      authorityHost: 'https://login.microsoftonline.us',
    });
  });

  it("overrides both endpoints with the connection's URL and environmentAuthorityUrl (Azure Stack, custom clouds)", () => {
    const env = endpoint(
      'ServicePrincipal',
      sp,
      { environment: 'AzureStack', environmentAuthorityUrl: 'https://adfs.local.azurestack.external/adfs/' },
      'https://management.local.azurestack.external/',
    );
    expect(read(env).cloud).toEqual({
      armEndpoint: 'https://management.local.azurestack.external',
      authorityHost: 'https://adfs.local.azurestack.external/adfs',
    });
  });

  it('uses activeDirectoryAuthority when environmentAuthorityUrl is missing or the legacy login.windows.net alias', () => {
    const legacy = endpoint('ServicePrincipal', sp, {
      environmentAuthorityUrl: 'https://login.windows.net/',
      activeDirectoryAuthority: 'https://login.microsoftonline.com/',
    });
    expect(read(legacy).cloud.authorityHost).toBe('https://login.microsoftonline.com');
    const only = endpoint('ServicePrincipal', sp, { activeDirectoryAuthority: 'https://login.example.test/' });
    expect(read(only).cloud.authorityHost).toBe('https://login.example.test');
  });

  it('refuses plain-http endpoints and unknown clouds without endpoints, naming azureSubscription', () => {
    const http = readError(endpoint('ServicePrincipal', sp, { environmentAuthorityUrl: 'http://login.example.test/' }));
    expect(http.problems).toEqual([
      { input: 'azureSubscription', message: expect.stringMatching(/environmentAuthorityUrl.*https/) },
    ]);
    const { [`ENDPOINT_URL_${ID}`]: _url, ...noUrl } = endpoint('ServicePrincipal', sp, { environment: 'AzureStack' });
    const unknown = readError(noUrl);
    expect(unknown.problems[0]).toMatchObject({ input: 'azureSubscription' });
    expect(unknown.problems[0].message).toContain('AzureStack');
  });

  it('leaves the subscription to the subscriptionId input for management-group connections', () => {
    const env = endpoint('ServicePrincipal', sp);
    delete env[`ENDPOINT_DATA_${ID}_SUBSCRIPTIONID`];
    expect(read(env).defaultSubscriptionId).toBeUndefined();
  });
});
