import { readDesiredState } from '../../src/core/desired/read';
import { InputError } from '../../src/core/contract/errors';
import type { InputName } from '../../src/core/contract/inputs';
import { createCertificateAuthority } from '../../emulator/tools/pki';
import { baseInputs, CLUSTER_ID, reader } from '../../testkit/inputs';

const now = new Date();
const ca = createCertificateAuthority('Unit CA');
const good = ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
const other = ca.issue({ commonName: 'other.contoso.com', dnsNames: ['other.contoso.com'] });
const expired = ca.issue({
  commonName: 'old.contoso.com',
  dnsNames: ['old.contoso.com'],
  notBefore: new Date(Date.now() - 400 * 86400e3),
  notAfter: new Date(Date.now() - 86400e3),
});
const soon = ca.issue({
  commonName: 'soon.contoso.com',
  dnsNames: ['soon.contoso.com'],
  notAfter: new Date(Date.now() + 10 * 86400e3),
});

function problemsOf(
  values: Partial<Record<InputName, string>>,
  files: Record<string, string> = {},
): Array<{ input: string; message: string }> {
  try {
    readDesiredState({
      readInput: reader(values),
      displayName: (n) => n,
      now,
      readFile: (p) => {
        if (!(p in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        return files[p];
      },
    });
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return [...error.problems];
  }
}

describe('readDesiredState: accepted inputs', () => {
  it('maps the interface names to ARM values', () => {
    const d = readDesiredState({
      readInput: reader(
        baseInputs({
          'cluster-purpose': 'dev-test',
          'load-balancer-type': 'internal',
          'load-balancer-subnet': 'lb-subnet',
        }),
      ),
      displayName: (n) => n,
    });
    expect(d.operation).toBe('ensure');
    expect(d.compute?.purpose).toBe('DevTest');
    expect(d.compute?.loadBalancerType).toBe('InternalLoadBalancer');
    expect(d.compute?.loadBalancerSubnet).toBe('lb-subnet');
    expect(d.compute?.source).toEqual({
      mode: 'attach',
      cluster: expect.objectContaining({ id: CLUSTER_ID, name: 'aks-prod' }),
    });
    expect(d.timeoutMinutes).toBe(30);
  });

  it('takes the subscription from the credentials when the input is empty', () => {
    const values = baseInputs();
    delete values['subscription-id'];
    const d = readDesiredState({
      readInput: reader(values),
      displayName: (n) => n,
      defaultSubscriptionId: '11111111-2222-4333-8444-555555555555',
    });
    expect(d.target.subscriptionId).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('reads custom TLS from text, checks it, and records the fingerprint', () => {
    const d = readDesiredState({
      readInput: reader(
        baseInputs({
          tls: 'custom',
          'tls-cert': good.chainPem,
          'tls-key': good.keyPem,
          'tls-cname': 'Scoring.Contoso.com',
        }),
      ),
      displayName: (n) => n,
    });
    expect(d.compute?.tls.mode).toBe('custom');
    if (d.compute?.tls.mode !== 'custom') throw new Error('unreachable');
    expect(d.compute.tls.cname).toBe('scoring.contoso.com');
    expect(d.compute.tls.certificate.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.compute.tls.certificate.chainLength).toBe(2);
  });

  it('reads custom TLS from files', () => {
    const d = readDesiredState({
      readInput: reader(
        baseInputs({
          tls: 'custom',
          'tls-cert-file': '/c.pem',
          'tls-key-file': '/k.pem',
          'tls-cname': 'scoring.contoso.com',
        }),
      ),
      displayName: (n) => n,
      readFile: (p) => (p === '/c.pem' ? good.certPem : good.keyPem),
    });
    expect(d.compute?.tls.mode).toBe('custom');
  });

  it('warns when the certificate expires within 30 days', () => {
    const d = readDesiredState({
      readInput: reader(
        baseInputs({
          tls: 'custom',
          'tls-cert': soon.certPem,
          'tls-key': soon.keyPem,
          'tls-cname': 'soon.contoso.com',
        }),
      ),
      displayName: (n) => n,
    });
    expect(d.warnings.join('\n')).toMatch(/expires in (9|10) day/);
  });

  it('ignores cluster and TLS inputs for detach', () => {
    const d = readDesiredState({
      readInput: reader(baseInputs({ operation: 'detach', tls: 'custom' })),
      displayName: (n) => n,
    });
    expect(d.compute).toBeUndefined();
  });

  it('validates networking of a new cluster', () => {
    const values = baseInputs({
      'vnet-resource-group': 'net-rg',
      'vnet-name': 'vnet',
      'subnet-name': 'aks',
      'service-cidr': '10.0.0.0/16',
      'dns-service-ip': '10.0.0.10',
      'docker-bridge-cidr': '172.17.0.1/16',
      'cluster-purpose': 'dev-test',
      'agent-count': '1',
    });
    delete values['aks-resource-id'];
    const d = readDesiredState({ readInput: reader(values), displayName: (n) => n });
    expect(d.compute?.source).toEqual(
      expect.objectContaining({
        mode: 'create',
        agentCount: 1,
        vmSize: 'Standard_D3_v2',
        network: expect.objectContaining({ subnetId: expect.stringContaining('/virtualNetworks/vnet/subnets/aks') }),
      }),
    );
  });
});

// Each row: the inputs, the input the message must name, and words the message must contain.
const rejected: Array<[string, Partial<Record<InputName, string>>, string, RegExp]> = [
  ['compute name too short', { 'compute-name': 'ab' }, 'compute-name', /3-24/],
  ['compute name starting with a digit', { 'compute-name': '1aks' }, 'compute-name', /starts with a letter/],
  ['compute name ending with a hyphen', { 'compute-name': 'aks-' }, 'compute-name', /ends with a letter or digit/],
  ['compute name with a Cyrillic look-alike', { 'compute-name': 'аks-prod' }, 'compute-name', /\\u\{430\}/],
  [
    'a long cluster id with a look-alike near its end',
    {
      'aks-resource-id': `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/${'r'.repeat(80)}/providers/Microsoft.ContainerService/managedClusters/aks-prоd`,
    },
    'aks-resource-id',
    /contains \\u\{43e\}/,
  ],
  ['compute name too long', { 'compute-name': 'a'.repeat(25) }, 'compute-name', /3-24/],
  ['missing workspace', { 'workspace-name': '  ' }, 'workspace-name', /required/],
  ['bad subscription', { 'subscription-id': 'my-sub' }, 'subscription-id', /GUID/],
  [
    'cluster id of another resource type',
    {
      'aks-resource-id': `/subscriptions/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`,
    },
    'aks-resource-id',
    /managedClusters/,
  ],
  ['cluster id that is just a name', { 'aks-resource-id': 'aks-prod' }, 'aks-resource-id', /not an AKS cluster id/],
  ['unknown operation', { operation: 'delete' }, 'operation', /ensure, refresh, detach/],
  ['unknown purpose', { 'cluster-purpose': 'FastProd' }, 'cluster-purpose', /production, dev-test/],
  ['unknown load balancer', { 'load-balancer-type': 'private' }, 'load-balancer-type', /public, internal/],
  ['subnet with a public load balancer', { 'load-balancer-subnet': 'sn' }, 'load-balancer-subnet', /internal/],
  ['unknown tls mode', { tls: 'on' }, 'tls', /disabled, auto, custom, keep/],
  ['auto without label', { tls: 'auto' }, 'leaf-domain-label', /required/],
  ['auto with an invalid label', { tls: 'auto', 'leaf-domain-label': 'Contoso_1' }, 'leaf-domain-label', /DNS label/],
  ['custom without anything', { tls: 'custom' }, 'tls-cert', /required/],
  [
    'custom without cname',
    { tls: 'custom', 'tls-cert': good.certPem, 'tls-key': good.keyPem },
    'tls-cname',
    /required/,
  ],
  [
    'key of another certificate',
    { tls: 'custom', 'tls-cert': good.certPem, 'tls-key': other.keyPem, 'tls-cname': 'scoring.contoso.com' },
    'tls-key',
    /does not match/,
  ],
  [
    'certificate chain given as the key',
    { tls: 'custom', 'tls-cert': good.certPem, 'tls-key': good.chainPem, 'tls-cname': 'scoring.contoso.com' },
    'tls-key',
    /certificate, not a private key/,
  ],
  [
    'key given as the certificate',
    { tls: 'custom', 'tls-cert': good.keyPem, 'tls-key': good.keyPem, 'tls-cname': 'scoring.contoso.com' },
    'tls-cert',
    /private key, not a certificate/,
  ],
  [
    'PEM garbage',
    {
      tls: 'custom',
      'tls-cert': '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----',
      'tls-key': good.keyPem,
      'tls-cname': 'scoring.contoso.com',
    },
    'tls-cert',
    /does not parse/,
  ],
  [
    'expired certificate',
    { tls: 'custom', 'tls-cert': expired.certPem, 'tls-key': expired.keyPem, 'tls-cname': 'old.contoso.com' },
    'tls-cert',
    /expired/,
  ],
  [
    'cname not covered',
    { tls: 'custom', 'tls-cert': good.certPem, 'tls-key': good.keyPem, 'tls-cname': 'api.contoso.com' },
    'tls-cname',
    /not covered.*scoring\.contoso\.com/,
  ],
  [
    'TLS with an internal load balancer',
    { tls: 'auto', 'leaf-domain-label': 'contoso', 'load-balancer-type': 'internal' },
    'tls',
    /internal load balancer/,
  ],
  ['TLS input without TLS', { 'tls-cname': 'scoring.contoso.com' }, 'tls-cname', /applies only with tls/],
  [
    'text and file both given',
    {
      tls: 'custom',
      'tls-cert': good.certPem,
      'tls-cert-file': '/c.pem',
      'tls-key': good.keyPem,
      'tls-cname': 'scoring.contoso.com',
    },
    'tls-cert-file',
    /not both/,
  ],
  [
    'missing key file',
    { tls: 'custom', 'tls-cert': good.certPem, 'tls-key-file': '/missing.pem', 'tls-cname': 'scoring.contoso.com' },
    'tls-key-file',
    /ENOENT/,
  ],
  ['non-boolean replace', { replace: 'yes' }, 'replace', /true or false/],
  ['timeout out of range', { 'timeout-minutes': '0' }, 'timeout-minutes', /1 to 240/],
  ['timeout not a number', { 'timeout-minutes': '1e3' }, 'timeout-minutes', /whole number/],
  ['create-only input with an attach', { 'agent-count': '5' }, 'agent-count', /only when creating/],
];

describe('readDesiredState: rejected inputs', () => {
  it.each(rejected)('%s', (_title, values, input, pattern) => {
    const problems = problemsOf(baseInputs(values));
    const named = problems.filter((p) => p.input === input);
    expect(named.length).toBeGreaterThan(0);
    expect(named.map((p) => p.message).join('\n')).toMatch(pattern);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(baseInputs({ 'compute-name': 'x', operation: 'nope', tls: 'auto', replace: 'maybe' }));
    expect(problems.map((p) => p.input).sort()).toEqual(['compute-name', 'leaf-domain-label', 'operation', 'replace']);
  });

  it('never quotes the private key in a message', () => {
    const problems = problemsOf(
      baseInputs({
        tls: 'custom',
        'tls-cert': good.certPem,
        'tls-key': other.keyPem.replace('PRIVATE KEY-----\n', 'PRIVATE KEY-----\nAAAA'),
        'tls-cname': 'x.contoso.com',
      }),
    );
    const text = problems.map((p) => p.message).join('\n');
    for (const line of other.keyPem.split('\n').filter((l) => l.length > 20)) expect(text).not.toContain(line);
  });

  const create = (extra: Partial<Record<InputName, string>>) => {
    const values = baseInputs(extra);
    delete values['aks-resource-id'];
    return problemsOf(values);
  };
  it.each([
    ['production with 2 nodes', { 'agent-count': '2' }, 'agent-count', /at least 3/],
    ['vnet given in part', { 'vnet-name': 'vnet' }, 'vnet-resource-group', /required when vnet-name/],
    [
      'DNS IP outside the service CIDR',
      {
        'vnet-resource-group': 'g',
        'vnet-name': 'v',
        'subnet-name': 's',
        'service-cidr': '10.0.0.0/16',
        'dns-service-ip': '10.1.0.10',
        'docker-bridge-cidr': '172.17.0.1/16',
      },
      'dns-service-ip',
      /outside service-cidr/,
    ],
    [
      'bridge overlapping the service CIDR',
      {
        'vnet-resource-group': 'g',
        'vnet-name': 'v',
        'subnet-name': 's',
        'service-cidr': '10.0.0.0/16',
        'dns-service-ip': '10.0.0.10',
        'docker-bridge-cidr': '10.0.5.1/24',
      },
      'docker-bridge-cidr',
      /overlaps/,
    ],
    [
      'bad CIDR',
      {
        'vnet-resource-group': 'g',
        'vnet-name': 'v',
        'subnet-name': 's',
        'service-cidr': '10.0.0.0/33',
        'dns-service-ip': '10.0.0.10',
        'docker-bridge-cidr': '172.17.0.1/16',
      },
      'service-cidr',
      /CIDR/,
    ],
  ] as Array<[string, Partial<Record<InputName, string>>, string, RegExp]>)(
    'create: %s',
    (_t, extra, input, pattern) => {
      const named = create(extra).filter((p) => p.input === input);
      expect(named.map((p) => p.message).join('\n')).toMatch(pattern);
    },
  );
});
