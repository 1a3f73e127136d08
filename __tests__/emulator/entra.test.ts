/** Entra ID, OIDC issuers and managed identity, driven by the real @azure/identity credentials. */
import * as core from '@actions/core';
import {
  AzurePipelinesCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { selfSigned, startEmulator, trustCaInProcess, type Emulator } from '../../emulator';
import { DEMO, demoSeed } from '../../testkit/demo-world';
import { decodeJwt } from '../../emulator/identity/jwt';

const certApp = '44444444-0000-4000-8000-00000000d3e0';
const fedApp = '55555555-0000-4000-8000-00000000d3e0';
const appCert = selfSigned({ commonName: 'cert-app', keyType: 'rsa' });
const otherCert = selfSigned({ commonName: 'other', keyType: 'rsa' });

let emu: Emulator;
let untrust: () => void;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const seed = demoSeed();
  seed.tenants![0].principals.push(
    { clientId: certApp, certificates: [appCert.certPem] },
    { clientId: fedApp, federated: true },
  );
  emu = await startEmulator({ seed, settings: { tokenLifetimeSeconds: 1200 } });
  // @actions/core writes ::debug:: / ::add-mask:: workflow commands to stdout; keep the test output clean.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  untrust = trustCaInProcess(emu.caCertPem);
});
afterAll(async () => {
  jest.restoreAllMocks();
  process.env = savedEnv;
  untrust();
  await emu.stop();
});

const opts = () => ({ authorityHost: emu.url, disableInstanceDiscovery: true });
const scope = () => `${emu.url}/.default`;

test('client secret: token claims, lifetime, one request; wrong secret is AADSTS7000215', async () => {
  const cred = new ClientSecretCredential(DEMO.tenantId, DEMO.clientId, DEMO.clientSecret, opts());
  const t = await cred.getToken(scope());
  await cred.getToken(scope()); // cached by MSAL
  const claims = decodeJwt(t.token)!.payload;
  expect(claims).toMatchObject({ aud: `${emu.url}/`, tid: DEMO.tenantId, appid: DEMO.clientId });
  expect(t.expiresOnTimestamp - Date.now()).toBeGreaterThan(1100 * 1000);
  expect(emu.tokenRequests(DEMO.clientId)).toBe(1);

  const seen = emu.traffic
    .filter({ kind: 'token' })
    .map((e) => `${e.method} ${e.path.replace(DEMO.tenantId, '{tenant}')}`);
  expect(seen).toEqual(['GET /{tenant}/v2.0/.well-known/openid-configuration', 'POST /{tenant}/oauth2/v2.0/token']);
  const form = emu.traffic.filter({ operationId: 'Entra_Token' })[0].requestBody as Record<string, string>;
  expect(form).toMatchObject({
    grant_type: 'client_credentials',
    client_id: DEMO.clientId,
    scope: scope(),
    client_secret: DEMO.clientSecret,
  });

  const bad = new ClientSecretCredential(DEMO.tenantId, DEMO.clientId, 'wrong', opts());
  await expect(bad.getToken(scope())).rejects.toThrow(/AADSTS7000215/);
  const entry = emu.traffic.filter({ operationId: 'Entra_Token', status: 401 })[0];
  expect((entry.responseBody as Record<string, unknown>).error).toBe('invalid_client');

  const unknown = new ClientSecretCredential(DEMO.tenantId, '99999999-0000-4000-8000-000000000000', 'x', opts());
  await expect(unknown.getToken(scope())).rejects.toThrow(/AADSTS700016/);
  const wrongScope = new ClientSecretCredential(DEMO.tenantId, DEMO.clientId, DEMO.clientSecret, opts());
  await expect(wrongScope.getToken('https://management.azure.com/.default')).rejects.toThrow(/AADSTS500011/);
});

test('client certificate: assertion verified against the registered certificate', async () => {
  const pem = appCert.certPem + appCert.keyPem;
  const cred = new ClientCertificateCredential(DEMO.tenantId, certApp, { certificate: pem }, opts());
  const t = await cred.getToken(scope());
  expect(decodeJwt(t.token)!.payload.appid).toBe(certApp);
  const form = emu.traffic.filter({ operationId: 'Entra_Token', status: 200 }).pop()!.requestBody as Record<
    string,
    string
  >;
  expect(form.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  const header = decodeJwt(form.client_assertion)!.header;
  expect(header.x5t ?? header['x5t#S256']).toBeTruthy();

  const wrong = new ClientCertificateCredential(
    DEMO.tenantId,
    certApp,
    { certificate: otherCert.certPem + otherCert.keyPem },
    opts(),
  );
  await expect(wrong.getToken(scope())).rejects.toThrow(/AADSTS700027/);
});

test('GitHub OIDC via @actions/core getIDToken → ClientAssertionCredential', async () => {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `${emu.url}/github-oidc/token?api-version=2.0`;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = DEMO.githubRequestToken;
  const idToken = await core.getIDToken('api://AzureADTokenExchange');
  const claims = decodeJwt(idToken)!.payload;
  expect(claims).toMatchObject({
    iss: emu.oidcIssuers.github,
    sub: DEMO.githubSubject,
    aud: 'api://AzureADTokenExchange',
  });
  expect((claims.exp as number) - (claims.iat as number)).toBe(600);

  const cred = new ClientAssertionCredential(DEMO.tenantId, DEMO.clientId, async () => idToken, opts());
  const ml = new AzureMachineLearningWorkspaces(cred, DEMO.subscriptionId, { endpoint: emu.url });
  expect((await ml.workspaces.get(DEMO.resourceGroup, DEMO.workspaceName)).name).toBe(DEMO.workspaceName);

  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'wrong';
  await expect(core.getIDToken('api://AzureADTokenExchange')).rejects.toThrow(/401/);

  // A principal whose federated credentials do not match the subject is refused.
  const other = new ClientAssertionCredential(DEMO.tenantId, certApp, async () => idToken, opts());
  await expect(other.getToken(scope())).rejects.toThrow(/AADSTS70021/);
  // `federated: true` accepts any emulator-issued token.
  const anyFed = new ClientAssertionCredential(DEMO.tenantId, fedApp, async () => idToken, opts());
  expect(await anyFed.getToken(scope())).toBeTruthy();
});

test('Azure Pipelines: AzurePipelinesCredential posts to SYSTEM_OIDCREQUESTURI', async () => {
  process.env.SYSTEM_OIDCREQUESTURI = `${emu.url}/ado-oidc/emulator-org/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken`;
  const cred = new AzurePipelinesCredential(
    DEMO.tenantId,
    DEMO.clientId,
    DEMO.adoServiceConnectionId,
    DEMO.adoSystemAccessToken,
    opts(),
  );
  const t = await cred.getToken(scope());
  expect(decodeJwt(t.token)!.payload.appid).toBe(DEMO.clientId);
  const oidc = emu.traffic.filter({ operationId: 'AzureDevOps_CreateOidcToken' })[0];
  expect(oidc.method).toBe('POST');
  expect(oidc.query).toMatchObject({ 'api-version': '7.1', serviceConnectionId: DEMO.adoServiceConnectionId });
  expect(oidc.requestHeaders.authorization).toBe(`Bearer ${DEMO.adoSystemAccessToken}`);
  expect(decodeJwt((oidc.responseBody as { oidcToken: string }).oidcToken)!.payload.sub).toBe(DEMO.adoSubject);

  const bad = new AzurePipelinesCredential(DEMO.tenantId, DEMO.clientId, DEMO.adoServiceConnectionId, 'wrong', opts());
  await expect(bad.getToken(scope())).rejects.toThrow();
});

test('managed identity: App Service protocol (IDENTITY_ENDPOINT + IDENTITY_HEADER)', async () => {
  process.env.IDENTITY_ENDPOINT = `${emu.url}/msi/token`;
  process.env.IDENTITY_HEADER = 'msi-identity-header';
  const cred = new ManagedIdentityCredential();
  const t = await cred.getToken(scope());
  expect(decodeJwt(t.token)!.payload.appid).toBe(DEMO.managedIdentityClientId);
  const call = emu.traffic.filter({ kind: 'msi' })[0];
  expect(call.method).toBe('GET');
  expect(call.query).toMatchObject({ 'api-version': '2019-08-01', resource: emu.url });
  expect(call.requestHeaders['x-identity-header']).toBe('msi-identity-header');
  expect(emu.tokenRequests(DEMO.managedIdentityClientId)).toBe(1);
  delete process.env.IDENTITY_ENDPOINT;
  delete process.env.IDENTITY_HEADER;
});

test("ARM refuses tokens that are not the emulator's, expired or for another audience", async () => {
  const ml = new AzureMachineLearningWorkspaces(
    { getToken: async () => ({ token: 'abc.def.ghi', expiresOnTimestamp: Date.now() + 60_000 }) },
    DEMO.subscriptionId,
    { endpoint: emu.url },
  );
  await expect(ml.workspaces.get(DEMO.resourceGroup, DEMO.workspaceName)).rejects.toMatchObject({
    statusCode: 401,
    code: 'InvalidAuthenticationToken',
  });
  // An OIDC token is signed by the emulator too, but its audience is not ARM.
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = DEMO.githubRequestToken;
  const idToken = await core.getIDToken('api://AzureADTokenExchange');
  const ml2 = new AzureMachineLearningWorkspaces(
    { getToken: async () => ({ token: idToken, expiresOnTimestamp: Date.now() + 60_000 }) },
    DEMO.subscriptionId,
    {
      endpoint: emu.url,
    },
  );
  await expect(ml2.workspaces.get(DEMO.resourceGroup, DEMO.workspaceName)).rejects.toMatchObject({ statusCode: 401 });
});
