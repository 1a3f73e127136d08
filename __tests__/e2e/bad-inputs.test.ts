/**
 * The bad input catalogue, through both committed bundles: names, ids, enums, numbers, TLS
 * combinations, PEM garbage, a certificate chain in the key input, empty strings, whitespace and
 * Unicode look-alikes. Every case: the step fails, the message names the input (kebab-case on
 * GitHub, camelCase on Azure DevOps) and says what is wrong, not a single request reaches the
 * emulator (so certainly no mutating one), and no secret shows.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, type IssuedCertificate } from '../../emulator';
import { DEMO } from '../../testkit/demo-world';
import { runAction } from '../../testkit/run-action';
import { adoSeed, CONNECTION, runTask } from '../../testkit/run-task';
import { mutating } from '../../testkit/fault-kit';
import { Referee } from '../../testkit/referee';
import { SecretScanner, visibleOf } from '../../testkit/secret-scan';
import { githubInputs, startWorld } from '../../testkit/world';

let emulator: Emulator;
let leaf: IssuedCertificate;
let other: IssuedCertificate;
let expired: IssuedCertificate;
let dir: string;
beforeAll(async () => {
  emulator = await startWorld({ seed: adoSeed() });
  leaf = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'], keyType: 'rsa' });
  other = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
  const yearAgo = new Date(Date.now() - 365 * 86_400_000);
  expired = emulator.ca.issue({
    commonName: 'scoring.contoso.com',
    dnsNames: ['scoring.contoso.com'],
    notBefore: new Date(yearAgo.getTime() - 30 * 86_400_000),
    notAfter: yearAgo,
  });
  dir = mkdtempSync(join(tmpdir(), 'bad-inputs-'));
  writeFileSync(join(dir, 'cert.pem'), leaf.chainPem);
});
const referee = new Referee();
afterAll(async () => {
  referee.collect(emulator);
  await emulator.stop();
  // The referee sees no ML traffic at all: not one operation, so nothing to fault either.
  const verdict = await referee.verdict();
  expect(verdict).toEqual({ passed: [], errors: [], exchanges: 0 });
});
beforeEach(() => emulator.traffic.clear());

/** Scanner for a case: demo secrets and every private key the cases use. */
const scanner = () =>
  new SecretScanner()
    .addDemoSecrets()
    .addPem('TLS key', leaf.keyPem)
    .addPem('other key', other.keyPem)
    .addPem('expired key', expired.keyPem);

/** A private key with its middle cut out: PEM-shaped, unparseable, still holding real key lines. */
const brokenKey = () => {
  const lines = leaf.keyPem.trim().split('\n');
  return [...lines.slice(0, 4), ...lines.slice(-4)].join('\n');
};
const garbageCert = '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n';
const custom = (extra: Record<string, string>) => ({
  tls: 'custom',
  'tls-cert': leaf.chainPem,
  'tls-key': leaf.keyPem,
  'tls-cname': 'scoring.contoso.com',
  ...extra,
});

type Case = [label: string, input: string, inputs: () => Record<string, string>, message: RegExp];

const github: Case[] = [
  [
    'compute name too short',
    'compute-name',
    () => ({ 'compute-name': 'ab' }),
    /'ab' is not valid; a compute name has 3-24 letters/,
  ],
  ['compute name starting with a digit', 'compute-name', () => ({ 'compute-name': '9bad' }), /'9bad' is not valid/],
  [
    'compute name with a Cyrillic look-alike "а"',
    'compute-name',
    () => ({ 'compute-name': 'аks-prod' }),
    /'\\u\{430\}ks-prod' is not valid/,
  ],
  [
    'compute name ending with a hyphen',
    'compute-name',
    () => ({ 'compute-name': 'aks-prod-' }),
    /'aks-prod-' is not valid/,
  ],
  [
    'compute name of 25 characters',
    'compute-name',
    () => ({ 'compute-name': 'a'.repeat(25) }),
    /is not valid; a compute name has 3-24/,
  ],
  ['compute name empty', 'compute-name', () => ({ 'compute-name': '' }), /is required; a compute name has/],
  [
    'workspace name only whitespace',
    'workspace-name',
    () => ({ 'workspace-name': '   ' }),
    /is required; a workspace name has/,
  ],
  [
    'workspace name with a zero-width space',
    'workspace-name',
    () => ({ 'workspace-name': 'demo\u200bws' }),
    /'demo\\u\{200b\}ws' is not valid/,
  ],
  [
    'resource group ending with a period',
    'resource-group',
    () => ({ 'resource-group': 'demo-rg.' }),
    /'demo-rg\.' is not valid/,
  ],
  [
    'subscription id that is no GUID',
    'subscription-id',
    () => ({ 'subscription-id': 'my-subscription' }),
    /'my-subscription' is not a subscription GUID/,
  ],
  [
    'subscription id with a Cyrillic "е" look-alike',
    'subscription-id',
    () => ({ 'subscription-id': DEMO.subscriptionId.replace(/e(?=0$)/, 'е') }),
    /\\u\{435\}0' is not a subscription GUID/,
  ],
  [
    'cluster id of a virtual machine',
    'aks-resource-id',
    () => ({
      'aks-resource-id': `/subscriptions/${DEMO.subscriptionId}/resourceGroups/demo-rg/providers/Microsoft.Compute/virtualMachines/vm1`,
    }),
    /is not an AKS cluster id; expected \/subscriptions\/<guid>/,
  ],
  [
    'cluster id with a Cyrillic "о" in resourceGroups',
    'aks-resource-id',
    () => ({ 'aks-resource-id': DEMO.clusters.prod.replace('resourceGroups', 'resourceGrоups') }),
    /resourceGr\\u\{43e\}ups.* is not an AKS cluster id/,
  ],
  [
    'operation not in the list',
    'operation',
    () => ({ operation: 'delete' }),
    /'delete' is not one of: ensure, refresh, detach/,
  ],
  [
    'operation in the wrong case',
    'operation',
    () => ({ operation: 'Ensure' }),
    /'Ensure' is not one of: ensure, refresh, detach/,
  ],
  [
    'cluster purpose not in the list',
    'cluster-purpose',
    () => ({ 'cluster-purpose': 'prod' }),
    /'prod' is not one of: production, dev-test/,
  ],
  [
    'load balancer type not in the list',
    'load-balancer-type',
    () => ({ 'load-balancer-type': 'private' }),
    /'private' is not one of: public, internal/,
  ],
  [
    'tls mode not in the list',
    'tls',
    () => ({ tls: 'enabled' }),
    /'enabled' is not one of: disabled, auto, custom, keep/,
  ],
  [
    'timeout of 0 minutes',
    'timeout-minutes',
    () => ({ 'timeout-minutes': '0' }),
    /'0' is not a whole number from 1 to 240/,
  ],
  [
    'timeout of 241 minutes',
    'timeout-minutes',
    () => ({ 'timeout-minutes': '241' }),
    /'241' is not a whole number from 1 to 240/,
  ],
  ['timeout as a fraction', 'timeout-minutes', () => ({ 'timeout-minutes': '1.5' }), /'1\.5' is not a whole number/],
  ['replace that is no boolean', 'replace', () => ({ replace: 'yes' }), /'yes' is not a boolean; use true or false/],
  ['dry run that is no boolean', 'dry-run', () => ({ 'dry-run': 'maybe' }), /'maybe' is not a boolean/],
  [
    'tls custom without a certificate',
    'tls-cert',
    () => custom({ 'tls-cert': '' }),
    /is required with tls: custom; give the certificate as PEM text/,
  ],
  [
    'tls custom with PEM garbage as the certificate',
    'tls-cert',
    () => custom({ 'tls-cert': garbageCert }),
    /does not parse as an X\.509 certificate/,
  ],
  [
    'tls custom with a certificate chain in the key input',
    'tls-key',
    () => custom({ 'tls-key': leaf.chainPem }),
    /holds a certificate, not a private key/,
  ],
  [
    'tls custom with a truncated (unparseable) key',
    'tls-key',
    () => custom({ 'tls-key': brokenKey() }),
    /does not parse as a private key/,
  ],
  [
    'tls custom with the key of another certificate',
    'tls-key',
    () => custom({ 'tls-key': other.keyPem }),
    /does not match the certificate/,
  ],
  [
    'tls custom with an expired certificate',
    'tls-cert',
    () => custom({ 'tls-cert': expired.chainPem, 'tls-key': expired.keyPem }),
    /expired on /,
  ],
  [
    'tls custom with a cname the certificate does not cover',
    'tls-cname',
    () => custom({ 'tls-cname': 'other.contoso.com' }),
    /'other\.contoso\.com' is not covered by the certificate/,
  ],
  [
    'tls custom with both the certificate text and a file',
    'tls-cert-file',
    () => custom({ 'tls-cert-file': join(tmpdir(), 'x.pem') }),
    /give the certificate once: either tls-cert or tls-cert-file, not both/,
  ],
  [
    'tls custom with a certificate file that does not exist',
    'tls-cert-file',
    () => custom({ 'tls-cert': '', 'tls-cert-file': '/nonexistent/cert.pem' }),
    /cannot read '\/nonexistent\/cert\.pem' \(ENOENT\)/,
  ],
  [
    'a TLS key given while tls is disabled',
    'tls-key',
    () => ({ 'tls-key': leaf.keyPem }),
    /applies only with tls: custom \(tls is disabled\)/,
  ],
  ['tls auto without a leaf domain label', 'leaf-domain-label', () => ({ tls: 'auto' }), /is required; a DNS label/],
  [
    'tls auto with a Unicode look-alike label',
    'leaf-domain-label',
    () => ({ tls: 'auto', 'leaf-domain-label': 'cоntoso' }),
    /'c\\u\{43e\}ntoso' is not valid/,
  ],
  [
    'TLS with an internal load balancer',
    'tls',
    () => ({ tls: 'auto', 'leaf-domain-label': 'contoso', 'load-balancer-type': 'internal' }),
    /cannot be used with load-balancer-type: internal/,
  ],
  [
    'a create-only setting with an existing cluster',
    'agent-count',
    () => ({ 'agent-count': '5' }),
    /applies only when creating a cluster/,
  ],
  [
    'agent count below the production minimum (create)',
    'agent-count',
    () => ({ 'aks-resource-id': '', 'agent-count': '2' }),
    /2 is too few for a production cluster/,
  ],
  [
    'a service range that is no CIDR (create)',
    'service-cidr',
    () => ({
      'aks-resource-id': '',
      'vnet-resource-group': 'net-rg',
      'vnet-name': 'vnet',
      'subnet-name': 'aks',
      'service-cidr': '10.0.0.0/33',
      'dns-service-ip': '10.0.0.10',
      'docker-bridge-cidr': '172.17.0.1/16',
    }),
    /'10\.0\.0\.0\/33' is not an IPv4 CIDR/,
  ],
  [
    'unknown cloud',
    'environment',
    () => ({ environment: 'AzureMoon', 'arm-endpoint': '', 'authority-host': '' }),
    /unknown cloud 'AzureMoon'/,
  ],
  [
    'an endpoint that is no URL',
    'arm-endpoint',
    () => ({ 'arm-endpoint': 'management endpoint' }),
    /'management endpoint' is not a URL; expected an https:\/\/ URL/,
  ],
  [
    'creds that are not JSON',
    'creds',
    () => ({ creds: '{clientId: nope', 'client-id': '', 'client-secret': '', 'tenant-id': '' }),
    /is not valid JSON/,
  ],
];

/** GitHub prints `::error title=Invalid input%3A <input>::<input>: <message>`. */
function githubAnnotation(stdout: string, input: string): string | undefined {
  return stdout.split('\n').find((l) => l.startsWith(`::error title=Invalid input%3A ${input}::`));
}

describe('GitHub Action', () => {
  test.each(github)('%s → %s', async (_label, input, extra, message) => {
    const r = await runAction({
      inputs: githubInputs(emulator, extra()),
      caCertPath: emulator.caCertPath,
      env: { RUNNER_DEBUG: '1' },
    });
    expect(r.exitCode).toBe(1);
    const annotation = githubAnnotation(r.stdout, input);
    expect(annotation).toBeDefined();
    expect(annotation!.replace(/%0A/g, '\n').replace(/%25/g, '%')).toMatch(message);
    expect(r.stdout).toMatch(/::error::\d+ problem\(s\) with the inputs; nothing was changed\./);
    expect(r.outputs).toEqual({});
    expect(mutating(emulator.traffic.all())).toEqual([]);
    expect(emulator.traffic.all()).toEqual([]);
    expect(scanner().scan(visibleOf(r))).toEqual([]);
  });
});

const ado: Case[] = [
  ['compute name starting with a digit', 'computeName', () => ({ computeName: '9bad' }), /'9bad' is not valid/],
  [
    'compute name with a Cyrillic look-alike',
    'computeName',
    () => ({ computeName: 'аks-prod' }),
    /'\\u\{430\}ks-prod' is not valid/,
  ],
  ['resource group only whitespace', 'resourceGroup', () => ({ resourceGroup: '  ' }), /is required/],
  [
    'cluster purpose not in the list',
    'clusterPurpose',
    () => ({ clusterPurpose: 'prod' }),
    /'prod' is not one of: production, dev-test/,
  ],
  ['operation not in the list', 'operation', () => ({ operation: 'remove' }), /'remove' is not one of/],
  ['timeout of 0 minutes', 'timeoutMinutes', () => ({ timeoutMinutes: '0' }), /is not a whole number from 1 to 240/],
  [
    'cluster id of a virtual machine',
    'aksResourceId',
    () => ({
      aksResourceId: `/subscriptions/${DEMO.subscriptionId}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
    }),
    /is not an AKS cluster id/,
  ],
  [
    'tls custom with a certificate chain in the key input',
    'tlsKey',
    () => ({ tls: 'custom', tlsCert: leaf.chainPem, tlsKey: leaf.chainPem, tlsCname: 'scoring.contoso.com' }),
    /holds a certificate, not a private key/,
  ],
  [
    'tls custom with PEM garbage as the certificate',
    'tlsCert',
    () => ({ tls: 'custom', tlsCert: garbageCert, tlsKey: leaf.keyPem, tlsCname: 'scoring.contoso.com' }),
    /does not parse as an X\.509 certificate/,
  ],
  [
    'tls custom with a certificate file that does not exist (secure file missing)',
    'tlsCertFile',
    () => ({
      tls: 'custom',
      tlsCertFile: '/nonexistent/cert.pem',
      tlsKey: leaf.keyPem,
      tlsCname: 'scoring.contoso.com',
    }),
    /cannot read '\/nonexistent\/cert\.pem'/,
  ],
  [
    'tls auto with a Unicode look-alike label',
    'leafDomainLabel',
    () => ({ tls: 'auto', leafDomainLabel: 'cоntoso' }),
    /'c\\u\{43e\}ntoso' is not valid/,
  ],
  [
    'load balancer type not in the list',
    'loadBalancerType',
    () => ({ loadBalancerType: 'private' }),
    /'private' is not one of: public, internal/,
  ],
];

describe('Azure DevOps task', () => {
  const inputs = (extra: Record<string, string>) => ({
    resourceGroup: DEMO.resourceGroup,
    workspaceName: DEMO.workspaceName,
    computeName: 'aks-prod',
    aksResourceId: DEMO.clusters.prod,
    ...extra,
  });

  test.each(ado)('%s → %s', async (_label, input, extra, message) => {
    const r = await runTask(emulator, inputs(extra()), { env: { SYSTEM_DEBUG: 'true' } });
    expect(r.completed).toBe('Failed');
    const error = r.errors.find((e) => e.startsWith(`Invalid input: ${input}: `));
    expect(error).toBeDefined();
    expect(error).toMatch(message);
    expect(r.outputs).toEqual({});
    expect(emulator.traffic.all()).toEqual([]);
    expect(scanner().scan(visibleOf(r))).toEqual([]);
  });

  test('a service connection that is not given → azureSubscription, before any request', async () => {
    const r = await runTask(emulator, inputs({}), { env: { INPUT_AZURESUBSCRIPTION: '' } });
    expect(r.completed).toBe('Failed');
    expect(r.errors.join('\n')).toMatch(
      /azureSubscription: required: the name of an Azure Resource Manager service connection/,
    );
    expect(emulator.traffic.all()).toEqual([]);
    expect(scanner().scan(visibleOf(r))).toEqual([]);
  });

  test('a service connection with an http:// URL → azureSubscription (url), before any request', async () => {
    const r = await runTask(emulator, inputs({}), {
      env: { [`ENDPOINT_URL_${CONNECTION.other}`]: emulator.url.replace('https:', 'http:') + '/' },
    });
    expect(r.completed).toBe('Failed');
    expect(r.errors.join('\n')).toMatch(/azureSubscription: .*url: .* must use https:\/\//);
    expect(emulator.traffic.all()).toEqual([]);
    expect(scanner().scan(visibleOf(r))).toEqual([]);
  });
});

test(`the catalogue: ${github.length} GitHub and ${ado.length + 2} Azure DevOps bad inputs`, () => {
  expect(github.length + ado.length + 2).toBeGreaterThanOrEqual(20);
  expect(new Set(github.map((c) => c[1])).size).toBeGreaterThanOrEqual(15);
});
