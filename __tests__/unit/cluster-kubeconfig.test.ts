/** The kubeconfig reader and its YAML subset. */
import { KubeconfigError, readKubeconfig } from '../../src/core/cluster/kubeconfig';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nMIIBcluster\n-----END CERTIFICATE-----\n';
const CLIENT_CERT = '-----BEGIN CERTIFICATE-----\nMIIBclient\n-----END CERTIFICATE-----\n';
const CLIENT_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEclientkey\n-----END RSA PRIVATE KEY-----\n';

/** Shaped like the kubeconfig AKS returns for a cluster with local accounts (keys sorted, compact lists). */
const AKS_LOCAL = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(CA)}
    server: https://aks-prod-dns-1a2b3c4d.hcp.eastus.azmk8s.io:443
  name: aks-prod
contexts:
- context:
    cluster: aks-prod
    user: clusterUser_aks-rg_aks-prod
  name: aks-prod
current-context: aks-prod
kind: Config
preferences: {}
users:
- name: clusterUser_aks-rg_aks-prod
  user:
    client-certificate-data: ${b64(CLIENT_CERT)}
    client-key-data: ${b64(CLIENT_KEY)}
    token: 0123456789abcdef0123456789abcdef
`;

/** Shaped like an Entra ID (AAD) cluster's user kubeconfig: kubelogin through exec, no secret. */
const AKS_ENTRA = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(CA)}
    server: https://aks-aad.hcp.eastus.azmk8s.io:443
  name: aks-aad
contexts:
- context:
    cluster: aks-aad
    user: clusterUser_aks-rg_aks-aad
  name: aks-aad
current-context: aks-aad
kind: Config
preferences: {}
users:
- name: clusterUser_aks-rg_aks-aad
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - 6dae42f8-4368-4678-94ff-3960e28e3630
      command: kubelogin
      env: null
      provideClusterInfo: false
`;

describe('readKubeconfig', () => {
  test('AKS local account: server, CA, token and client certificate', () => {
    const access = readKubeconfig(AKS_LOCAL);
    expect(access).toEqual({
      contextName: 'aks-prod',
      server: 'https://aks-prod-dns-1a2b3c4d.hcp.eastus.azmk8s.io:443',
      caPem: CA,
      token: '0123456789abcdef0123456789abcdef',
      clientCertPem: CLIENT_CERT,
      clientKeyPem: CLIENT_KEY,
    });
  });

  test('indented lists, quotes, comments, several contexts: the current one wins', () => {
    const text = `# written by hand
kind: Config
current-context: "second"   # quoted
clusters:
  - name: one
    cluster:
      server: https://one.example:443
  - name: 'two'
    cluster:
      server: "https://two.example:6443/"
      certificate-authority-data: ${b64(CA)}
contexts:
  - name: first
    context: {cluster: one, user: u1}
  - name: second
    context:
      cluster: two
      user: u2
users:
  - name: u2
    user:
      token: 'tok''en'
`;
    const access = readKubeconfig(text);
    expect(access.contextName).toBe('second');
    expect(access.server).toBe('https://two.example:6443');
    expect(access.caPem).toBe(CA);
    expect(access.token).toBe("tok'en");
    expect(access.clientKeyPem).toBeUndefined();
  });

  test('no current-context: the first context is used', () => {
    const access = readKubeconfig(AKS_LOCAL.replace('current-context: aks-prod\n', ''));
    expect(access.contextName).toBe('aks-prod');
  });

  test('JSON kubeconfig', () => {
    const json = JSON.stringify({
      'current-context': 'c',
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
      clusters: [{ name: 'k', cluster: { server: 'https://k.example' } }],
      users: [{ name: 'u', user: { token: 'abcd1234' } }],
    });
    expect(readKubeconfig(json)).toEqual(
      expect.objectContaining({ server: 'https://k.example', token: 'abcd1234', caPem: undefined }),
    );
  });

  test.each<[string, KubeconfigError['problem'], string, RegExp]>([
    ['Entra ID cluster (exec plugin)', 'external-auth', AKS_ENTRA, /Microsoft Entra ID/],
    [
      'auth-provider without a token',
      'external-auth',
      AKS_ENTRA.replace(/ {4}exec:[\s\S]*$/, '    auth-provider:\n      name: azure\n'),
      /kubelogin/,
    ],
    [
      'no credentials at all',
      'incomplete',
      AKS_LOCAL.replace(/ {4}client-certificate-data[\s\S]*$/, '    username: x\n'),
      /neither a token nor a client certificate/,
    ],
    ['http server', 'incomplete', AKS_LOCAL.replace('server: https://', 'server: http://'), /not an https URL/],
    [
      'TLS verification off',
      'incomplete',
      AKS_LOCAL.replace('    server:', '    insecure-skip-tls-verify: true\n    server:'),
      /skips TLS verification/,
    ],
    [
      'unknown current context',
      'incomplete',
      AKS_LOCAL.replace('current-context: aks-prod', 'current-context: other'),
      /current context 'other' is not defined/,
    ],
    [
      'context naming a missing cluster',
      'incomplete',
      AKS_LOCAL.replace('    cluster: aks-prod', '    cluster: gone'),
      /names no defined cluster/,
    ],
    ['no server', 'incomplete', AKS_LOCAL.replace(/ {4}server: .*\n/, ''), /has no server/],
    [
      'CA that is not base64',
      'syntax',
      AKS_LOCAL.replace(/certificate-authority-data: .*/, 'certificate-authority-data: not*base64'),
      /not base64/,
    ],
    ['tabs', 'syntax', 'kind: Config\n\tclusters: []\n', /line 2/],
    ['duplicate keys', 'syntax', 'kind: Config\nkind: Other\n', /line 2 \(DUPLICATE_KEY\)/],
    ['broken JSON', 'syntax', '{"users": [', /invalid JSON/],
    ['a list at the top', 'syntax', '- a\n- b\n', /not a mapping/],
  ])('%s → %s', (_title, problem, text, message) => {
    let error: unknown;
    try {
      readKubeconfig(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubeconfigError);
    expect((error as KubeconfigError).problem).toBe(problem);
    expect((error as KubeconfigError).message).toMatch(message);
  });

  test('errors never quote the file: tokens stay out of messages', () => {
    const secret = 'sekret-token-value-123456';
    for (const text of [`users: [${secret}\n`, `{"token": "${secret}"`, `a: b\n  c: ${secret}\n`]) {
      try {
        readKubeconfig(text);
      } catch (e) {
        expect(String((e as Error).message)).not.toContain(secret);
      }
    }
  });
});

describe('YAML that a subset parser could not read', () => {
  test('flow collections, quoted keys with a colon, anchors and aliases', () => {
    const access = readKubeconfig(`apiVersion: v1
kind: Config
"current-context": "ctx:one"
clusters: [{name: c1, cluster: {server: "https://api.example:443", certificate-authority-data: ${Buffer.from('CA').toString('base64')}}}]
users:
- name: &user u1
  user: {token: abc}
contexts:
- name: "ctx:one"
  context: {cluster: c1, user: *user}
`);
    expect(access).toMatchObject({
      contextName: 'ctx:one',
      server: 'https://api.example:443',
      caPem: 'CA',
      token: 'abc',
    });
  });

  test('a syntax error names the line and never quotes the file (it holds tokens)', () => {
    const secret = 'tok-SECRET-123';
    let message = '';
    try {
      readKubeconfig(`kind: Config\nusers:\n- name: u\n  user: {token: ${secret}\n`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/could not be read at line \d+ \([A-Z_]+\)/);
    expect(message).not.toContain(secret);
  });
});
