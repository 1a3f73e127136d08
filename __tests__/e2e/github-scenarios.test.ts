/** Every ensure/refresh/detach behaviour of the vertical slice, through the committed GitHub bundle. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../emulator';
import { runAction } from '../../testkit/run-action';
import { LIFECYCLE_OPERATIONS } from '../../testkit/referee';
import { emulatorPerTest, githubInputs } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';
import { seedAttachedCompute } from '../../testkit/demo-world';

const world = emulatorPerTest({ expectOperations: LIFECYCLE_OPERATIONS });
let emulator: Emulator;
beforeEach(() => {
  emulator = world();
});

const run = (extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction({ inputs: githubInputs(emulator, extra), caCertPath: emulator.caCertPath, env });
const mutating = () =>
  emulator.traffic.all().filter((e) => e.kind === 'arm' && ['PUT', 'DELETE', 'PATCH'].includes(e.method));
const compute = (name = 'aks-prod') =>
  emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, name);
const ssl = (name = 'aks-prod') =>
  ((compute(name)?.properties.properties as Record<string, unknown>)?.sslConfiguration ?? {}) as Record<
    string,
    unknown
  >;

function seedCompute(
  name: string,
  clusterId: string,
  aks: Record<string, unknown> = {},
  provisioningState = 'Succeeded',
) {
  seedAttachedCompute(emulator, { name, clusterId, aks, provisioningState, tags: {} });
}

describe('TLS', () => {
  const tlsInputs = (cert: { chainPem: string; keyPem: string }) => ({
    tls: 'custom',
    'tls-cert': cert.chainPem,
    'tls-key': cert.keyPem,
    'tls-cname': 'scoring.contoso.com',
  });

  test('custom certificate: attached with its fingerprint recorded; unchanged on re-run; a new certificate is updated in place', async () => {
    const first = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
    const attached = await run(tlsInputs(first));
    expect(attached.outputs.result).toBe('attached');
    expect(ssl()).toEqual(expect.objectContaining({ status: 'Enabled', cname: 'scoring.contoso.com' }));
    expect(compute()?.tags?.['tls-certificate-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(compute()?.tls?.certPem).toContain('BEGIN CERTIFICATE');

    emulator.traffic.clear();
    expect((await run(tlsInputs(first))).outputs.result).toBe('unchanged');
    expect(mutating()).toHaveLength(0);

    const second = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
    emulator.traffic.clear();
    const rotated = await run(tlsInputs(second));
    expect(rotated.outputs.result).toBe('updated');
    expect(rotated.stdout).toMatch(/tls-certificate: sha256 [0-9a-f]{16}… → sha256/);
    expect(mutating().map((e) => e.method)).toEqual(['PUT']);
    expect(compute()?.tls?.certPem).toBe(second.chainPem.trim() + '\n');
  });

  test('certificate and key from files (ADO secure files, runner temp files)', async () => {
    const cert = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
    const dir = mkdtempSync(join(tmpdir(), 'tls-'));
    writeFileSync(join(dir, 'cert.pem'), cert.chainPem);
    writeFileSync(join(dir, 'key.pem'), cert.keyPem);
    const result = await run({
      tls: 'custom',
      'tls-cert-file': join(dir, 'cert.pem'),
      'tls-key-file': join(dir, 'key.pem'),
      'tls-cname': 'scoring.contoso.com',
    });
    expect(result.outputs.result).toBe('attached');
    expect(ssl().status).toBe('Enabled');
  });

  test('an attached compute with TLS but no recorded fingerprint counts as drift once', async () => {
    const cert = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
    seedCompute('aks-prod', DEMO.clusters.prod, {
      sslConfiguration: { status: 'Enabled', cname: 'scoring.contoso.com' },
    });
    const first = await run(tlsInputs(cert));
    expect(first.outputs.result).toBe('updated');
    expect(first.stdout).toContain('no recorded fingerprint');
    expect((await run(tlsInputs(cert))).outputs.result).toBe('unchanged');
  });

  test('auto: Microsoft certificate; the endpoint is the generated FQDN', async () => {
    const result = await run({ tls: 'auto', 'leaf-domain-label': 'contoso' });
    expect(result.outputs.result).toBe('attached');
    expect(result.outputs.endpoint).toMatch(/^contoso[a-z0-9]{6}\.eastus\.cloudapp\.azure\.com$/);
    expect(ssl()).toEqual(expect.objectContaining({ status: 'Auto', leafDomainLabel: 'contoso' }));
  });
});

test('internal load balancer: the endpoint is a private IP', async () => {
  const result = await run({ 'load-balancer-type': 'internal', 'load-balancer-subnet': 'aks-subnet' });
  expect(result.outputs.result).toBe('attached');
  expect(result.outputs.endpoint).toMatch(/^10\./);
  expect((compute()?.properties.properties as Record<string, unknown>).loadBalancerType).toBe('InternalLoadBalancer');
});

test('dev-test purpose is sent as DevTest; a purpose change reattaches', async () => {
  expect(
    (await run({ 'cluster-purpose': 'dev-test', 'aks-resource-id': DEMO.clusters.small, 'compute-name': 'aks-small' }))
      .outputs.result,
  ).toBe('attached');
  expect((compute('aks-small')?.properties.properties as Record<string, unknown>).clusterPurpose).toBe('DevTest');
});

test('a compute bound to another cluster fails, naming both, and changes nothing; replace: true re-binds it', async () => {
  seedCompute('aks-prod', DEMO.clusters.small, { clusterPurpose: 'DevTest' });
  const refused = await run();
  expect(refused.exitCode).toBe(1);
  expect(refused.stdout).toMatch(/aks-small[\s\S]*aks-prod/);
  expect(refused.stdout).toContain('replace: true');
  expect(mutating()).toHaveLength(0);

  const replaced = await run({ replace: 'true' });
  expect(replaced.outputs.result).toBe('reattached');
  expect(String(compute()?.properties.resourceId).toLowerCase()).toBe(DEMO.clusters.prod.toLowerCase());
});

test('the same cluster already attached under another name fails before any change', async () => {
  seedCompute('aks-first', DEMO.clusters.prod);
  const result = await run();
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toMatch(/already attached to this workspace as compute 'aks-first'/);
  expect(mutating()).toHaveLength(0);
  expect(compute('aks-first')?.properties.provisioningState).toBe('Succeeded');
});

test('a compute in Failed state is detached and reattached by ensure', async () => {
  seedCompute('aks-prod', DEMO.clusters.prod, {}, 'Failed');
  const result = await run();
  expect(result.outputs.result).toBe('reattached');
  expect(result.stdout).toMatch(/provisioning state is Failed/);
  expect(compute()?.properties.provisioningState).toBe('Succeeded');
});

test('detach of an absent compute succeeds with result absent', async () => {
  const result = await run({ operation: 'detach' });
  expect(result.exitCode).toBe(0);
  expect(result.outputs.result).toBe('absent');
  expect(result.outputs['compute-id']).toMatch(/computes\/aks-prod$/);
  expect(mutating()).toHaveLength(0);
});

test('invalid inputs fail with one annotation per problem and send nothing at all', async () => {
  const result = await run({ 'compute-name': '9bad', tls: 'auto', 'cluster-purpose': 'prod' });
  expect(result.exitCode).toBe(1);
  const annotations = result.stdout.split('\n').filter((l) => l.startsWith('::error title='));
  expect(annotations).toHaveLength(3);
  expect(annotations.join('\n')).toMatch(/title=Invalid input%3A compute-name/);
  expect(result.stdout).toContain('::error::3 problem(s) with the inputs; nothing was changed.');
  expect(emulator.traffic.all()).toHaveLength(0);
  expect(result.summary).toContain('### AKS compute `9bad`: failed');
  expect(result.summary).toContain("compute-name: '9bad' is not valid");
});

test('an operation that ends Failed is reported with Azure code and message and the state left', async () => {
  emulator.settings.failNextOperation = { code: 'ClusterPurposeMismatch', message: 'the cluster has too few nodes' };
  const result = await run();
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toMatch(/ClusterPurposeMismatch: the cluster has too few nodes/);
  expect(result.outputs['compute-id']).toMatch(/\/workspaces\/demo-ws\/computes\/aks-prod$/);
  expect(result.outputs.result).toBeUndefined();
  expect(result.stdout).toMatch(/was not attached\. Re-running the same step tries again/);
});

test('creds JSON (as azure/login takes it) supplies the credential and the subscription', async () => {
  const creds = JSON.stringify({
    clientId: DEMO.clientId,
    clientSecret: DEMO.clientSecret,
    tenantId: DEMO.tenantId,
    subscriptionId: DEMO.subscriptionId,
  });
  const inputs = githubInputs(emulator, { creds });
  delete inputs['client-id'];
  delete inputs['client-secret'];
  delete inputs['tenant-id'];
  delete inputs['subscription-id'];
  const result = await runAction({ inputs, caCertPath: emulator.caCertPath });
  expect(result.outputs.result).toBe('attached');
});

test('GitHub OIDC: the runner ID token is exchanged through a federated credential', async () => {
  const inputs = githubInputs(emulator);
  delete inputs['client-secret'];
  const result = await runAction({
    inputs,
    caCertPath: emulator.caCertPath,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${emulator.url}/github-oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEMO.githubRequestToken,
    },
  });
  expect(result.stderr).toBe('');
  expect(result.outputs.result).toBe('attached');
  expect(emulator.traffic.all().filter((e) => e.kind === 'oidc').length).toBeGreaterThanOrEqual(1);
});

test('OIDC without permissions: id-token: write is explained', async () => {
  const inputs = githubInputs(emulator);
  delete inputs['client-secret'];
  const result = await runAction({ inputs, caCertPath: emulator.caCertPath });
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toMatch(/id-token: write/);
  expect(emulator.traffic.all()).toHaveLength(0);
});

test('a wrong client secret fails with the Entra error and without the secret', async () => {
  const result = await run({ 'client-secret': 'wrong-secret-value' });
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toMatch(/AADSTS7000215|invalid_client/);
  // ::add-mask:: is how the runner learns what to mask; it never reaches the log.
  const visible = (result.stdout + result.stderr)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  expect(visible).not.toContain('wrong-secret-value');
  console.log(visible);
  expect(mutating()).toHaveLength(0);
});

test('an http:// endpoint is refused before any request', async () => {
  const result = await run({ 'arm-endpoint': emulator.url.replace('https:', 'http:') });
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toMatch(/arm-endpoint: .* must use https/);
  expect(emulator.traffic.all()).toHaveLength(0);
});
