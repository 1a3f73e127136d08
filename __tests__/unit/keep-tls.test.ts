/** tls: keep — resolving the cluster's azuremlfessl certificate, its failures, and what the plan makes of it. */
import type { ClusterCredentials } from '../../src/core/azure/gateway';
import { KubernetesApiError } from '../../src/core/cluster/k8s-secret';
import type { DesiredState } from '../../src/core/desired/model';
import { readDesiredState } from '../../src/core/desired/read';
import { AzureError, CancelledError, StateError } from '../../src/core/contract/errors';
import type { InputName } from '../../src/core/contract/inputs';
import { resolveKeptTls, type KeepTlsContext } from '../../src/core/cluster/keep-tls';
import type { ObservedCompute, ObservedState } from '../../src/core/observe/model';
import { planChange } from '../../src/core/plan/plan';
import { SecretRedactor } from '../../src/core/contract/secrets';
import { createCertificateAuthority } from '../../emulator/tools/pki';
import { baseInputs, observedCompute, reader } from '../../testkit/inputs';

const ca = createCertificateAuthority('Keep CA');
const cert = ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
const other = ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
const NOW = new Date();
const b64 = (s: string) => Buffer.from(s).toString('base64');
const TOKEN = 'kube-user-token-0123456789';
const KUBECONFIG = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64(ca.certPem)}
    server: https://aks-prod.hcp.eastus.azmk8s.io:443
  name: aks-prod
contexts:
- context:
    cluster: aks-prod
    user: clusterUser
  name: aks-prod
current-context: aks-prod
users:
- name: clusterUser
  user:
    token: ${TOKEN}
`;

function desired(extra: Partial<Record<InputName, string>> = {}): DesiredState {
  return readDesiredState({
    readInput: reader(baseInputs({ tls: 'keep', ...extra })),
    displayName: (n) => n,
    now: NOW,
  });
}

const observed = (c?: ObservedCompute): ObservedState => ({
  compute: c,
  otherBindings: [],
  workspaceLocation: 'eastus',
});
const compute = (over: Partial<ObservedCompute> = {}) =>
  observedCompute({ tls: { status: 'Enabled', cname: 'scoring.contoso.com' }, ...over });
const ENTRA_KUBECONFIG = KUBECONFIG.replace(`    token: ${TOKEN}\n`, '    exec:\n      command: kubelogin\n');
const secretOf = (certPem: string, keyPem: string) => ({ 'cert.pem': b64(certPem), 'key.pem': b64(keyPem) });

interface Harness {
  ctx: KeepTlsContext;
  info: string[];
  warnings: string[];
  redactor: SecretRedactor;
}

function harness(
  options: {
    desired?: DesiredState;
    compute?: ObservedCompute;
    kubeconfig?: () => Promise<string | undefined>;
    adminKubeconfig?: () => Promise<string | undefined>;
    secret?: () => Promise<Record<string, string>>;
  } = {},
): Harness {
  const info: string[] = [];
  const warnings: string[] = [];
  const redactor = new SecretRedactor();
  const gateway: ClusterCredentials = {
    getClusterUserKubeconfig: options.kubeconfig ?? (async () => KUBECONFIG),
    getClusterAdminKubeconfig:
      options.adminKubeconfig ??
      (async () => {
        throw new Error('the admin credential was not expected to be read');
      }),
  };
  const ctx: KeepTlsContext = {
    gateway,
    desired: options.desired ?? desired(),
    observed: observed('compute' in options ? options.compute : compute()),
    redactor,
    now: NOW,
    platform: { info: (m) => info.push(m), warning: (m) => warnings.push(m) },
    readSecret: options.secret ? async () => options.secret!() : async () => secretOf(cert.chainPem, cert.keyPem),
  };
  return { ctx, info, warnings, redactor };
}

async function stateError(promise: Promise<unknown>): Promise<StateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StateError) return error;
    throw error;
  }
  throw new Error('expected a StateError');
}

describe('resolveKeptTls', () => {
  test('reads cert.pem and key.pem, masks them and the kube token, and describes the certificate', async () => {
    const h = harness();
    const tls = await resolveKeptTls(h.ctx);
    expect(tls).toEqual(
      expect.objectContaining({
        mode: 'custom',
        certPem: cert.chainPem,
        keyPem: cert.keyPem,
        cname: 'scoring.contoso.com',
      }),
    );
    expect(tls.mode === 'custom' && tls.certificate.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    const keyBody = cert.keyPem.split('\n')[1];
    expect(h.redactor.redact(`x ${keyBody} y ${TOKEN}`)).toBe('x *** y ***');
    expect(h.info.join('\n')).toMatch(
      /Keeping the certificate from secret azuremlfessl \(namespace default\) of cluster aks-prod: sha256 [0-9a-f]{64}, cname scoring.contoso.com/,
    );
    expect(h.warnings).toEqual([]);
  });

  test('tls-cname overrides the compute cname (and must be covered)', async () => {
    const h = harness({ desired: desired({ 'tls-cname': 'other.contoso.com' }) });
    const error = await stateError(resolveKeptTls(h.ctx));
    expect(error.message).toMatch(/tls-cname: 'other.contoso.com' is not covered by the certificate/);
  });

  test('an Azure-generated certificate (Auto) is kept for the generated FQDN, with a warning', async () => {
    const fqdn = 'contosoab12cd.eastus.cloudapp.azure.com';
    const auto = ca.issue({ commonName: fqdn, dnsNames: [fqdn] });
    const h = harness({
      compute: compute({ tls: { status: 'Auto', leafDomainLabel: 'contoso' }, clusterFqdn: fqdn }),
      secret: async () => secretOf(auto.certPem, auto.keyPem),
    });
    const tls = await resolveKeptTls(h.ctx);
    expect(tls).toEqual(expect.objectContaining({ mode: 'custom', cname: fqdn }));
    expect(h.warnings.join('\n')).toMatch(/generated by Azure ML \(tls: auto\).*Azure ML stops renewing it/);
  });

  test('an Auto compute as Azure answers it (cname "", clusterFqdn the cluster\'s name): the certificate\'s own DNS name is the cname', async () => {
    const fqdn = 'contosoab12cd.eastus.cloudapp.azure.com';
    const auto = ca.issue({ commonName: fqdn, dnsNames: [fqdn] });
    const h = harness({
      compute: compute({
        tls: { status: 'Auto', leafDomainLabel: 'contoso', cname: '' },
        clusterFqdn: 'aks-prod-dns-1a2b3c.hcp.eastus.azmk8s.io',
      }),
      secret: async () => secretOf(auto.certPem, auto.keyPem),
    });
    expect(await resolveKeptTls(h.ctx)).toEqual(expect.objectContaining({ mode: 'custom', cname: fqdn }));
  });

  test('an Auto compute whose certificate names no DNS name and no cname given: refused, naming tls-cname', async () => {
    const auto = ca.issue({ commonName: 'Azure ML', dnsNames: [] });
    const h = harness({
      compute: compute({ tls: { status: 'Auto', leafDomainLabel: 'contoso', cname: '' } }),
      secret: async () => secretOf(auto.certPem, auto.keyPem),
    });
    await expect(resolveKeptTls(h.ctx)).rejects.toThrow(/reports no cname[\s\S]*tls-cname/);
  });

  test('an expiring certificate is kept with the expiry warning', async () => {
    const soon = ca.issue({
      commonName: 'scoring.contoso.com',
      dnsNames: ['scoring.contoso.com'],
      notAfter: new Date(NOW.getTime() + 5 * 86_400_000),
    });
    const h = harness({ secret: async () => secretOf(soon.certPem, soon.keyPem) });
    await resolveKeptTls(h.ctx);
    expect(h.warnings.join('\n')).toMatch(/expires in [45] day/);
  });

  const expired = ca.issue({
    commonName: 'scoring.contoso.com',
    dnsNames: ['scoring.contoso.com'],
    notBefore: new Date(NOW.getTime() - 400 * 86_400_000),
    notAfter: new Date(NOW.getTime() - 86_400_000),
  });
  // [title, harness options, message pattern, hint pattern]
  const failures: Array<[string, Parameters<typeof harness>[0], RegExp, RegExp]> = [
    ['no compute', { compute: undefined }, /compute 'aks-prod' does not exist/, /tls: custom/],
    [
      'TLS disabled on the compute',
      { compute: compute({ tls: { status: 'Disabled' } }) },
      /has TLS disabled, so there is no certificate to keep/,
      /tls: disabled, custom or auto/,
    ],
    [
      'no cluster on the compute',
      { compute: compute({ clusterId: undefined }) },
      /is bound to no AKS cluster/,
      /tls: custom/,
    ],
    ['no cname known', { compute: compute({ tls: { status: 'Enabled' } }) }, /reports no cname/, /tls-cname/],
    [
      'credentials refused (403)',
      {
        kubeconfig: async () => {
          throw new AzureError('AuthorizationFailed', 'no', 403);
        },
      },
      /could not get the credentials of cluster aks-prod .*\(AuthorizationFailed\)/,
      /Azure Kubernetes Service Cluster User Role/,
    ],
    [
      'cluster gone (404)',
      {
        kubeconfig: async () => {
          throw new AzureError('ResourceNotFound', 'gone', 404);
        },
      },
      /\(ResourceNotFound\)/,
      /no longer exists/,
    ],
    ['no kubeconfig', { kubeconfig: async () => undefined }, /returned no kubeconfig/, /tls: custom/],
    [
      'Entra cluster without local accounts',
      {
        kubeconfig: async () => ENTRA_KUBECONFIG,
        adminKubeconfig: async () => {
          throw new AzureError(
            'BadRequest',
            'Getting static credential is not allowed because this cluster is set to disable local accounts.',
            400,
          );
        },
      },
      /user one of cluster aks-prod needs kubelogin \(Microsoft Entra ID\), and its admin one is refused \(BadRequest/,
      /disable local accounts[\s\S]*tls: custom/,
    ],
    [
      'Entra cluster, admin credential forbidden',
      {
        kubeconfig: async () => ENTRA_KUBECONFIG,
        adminKubeconfig: async () => {
          throw new AzureError('AuthorizationFailed', 'no', 403);
        },
      },
      /admin one cannot be listed by this identity \(AuthorizationFailed\)/,
      /Azure Kubernetes Service Cluster Admin Role/,
    ],
    [
      'secret missing (404)',
      {
        secret: async () => {
          throw new KubernetesApiError(404, 'NotFound', 'x');
        },
      },
      /secret azuremlfessl \(namespace default\) of cluster aks-prod does not exist; nothing was changed/,
      /nothing to keep/,
    ],
    [
      'secret forbidden (403)',
      {
        secret: async () => {
          throw new KubernetesApiError(403, 'Forbidden', 'the Kubernetes API server h answered 403 (Forbidden)');
        },
      },
      /could not be read: .*403 \(Forbidden\)/,
      /RBAC/,
    ],
    [
      'API server unreachable',
      {
        secret: async () => {
          throw new KubernetesApiError(
            undefined,
            'ENOTFOUND',
            'no answer from the Kubernetes API server h (ENOTFOUND)',
          );
        },
      },
      /could not be read: no answer/,
      /aks-prod\.hcp\.eastus\.azmk8s\.io must be reachable from this agent.*private cluster/,
    ],
    [
      'secret without key.pem',
      { secret: async () => ({ 'cert.pem': b64(cert.certPem) }) },
      /has no key\.pem/,
      /tls: custom/,
    ],
    [
      'key that does not match',
      { secret: async () => secretOf(cert.certPem, other.keyPem) },
      /cannot be reused/,
      /the private key: does not match the certificate/,
    ],
    [
      'expired certificate',
      { secret: async () => secretOf(expired.certPem, expired.keyPem) },
      /cannot be reused/,
      /the certificate: expired on/,
    ],
  ];

  test('an Entra-integrated cluster with local accounts: the admin credential reads the secret', async () => {
    const h = harness({ kubeconfig: async () => ENTRA_KUBECONFIG, adminKubeconfig: async () => KUBECONFIG });
    const tls = await resolveKeptTls(h.ctx);
    expect(tls.mode).toBe('custom');
  });

  test.each(failures)('%s fails before any change', async (_title, options, message, hint) => {
    const h = harness(options);
    const error = await stateError(resolveKeptTls(h.ctx));
    expect(error.message.split('\n')[0]).toMatch(message);
    expect(error.message).toMatch(/nothing was changed/);
    expect(error.hint).toMatch(hint);
    // Never the key material itself.
    expect(error.message).not.toContain(other.keyPem.split('\n')[1]);
    expect(error.message).not.toContain(cert.keyPem.split('\n')[1]);
  });
});

test('a cancelled read is a cancellation, not a failure of the secret', async () => {
  const h = harness({
    secret: async () => {
      throw new KubernetesApiError(undefined, 'ABORTED', 'x');
    },
  });
  await expect(resolveKeptTls(h.ctx)).rejects.toBeInstanceOf(CancelledError);
});

describe('the plan with tls: keep', () => {
  const resolved = async (d: DesiredState, c: ObservedCompute) =>
    resolveKeptTls(harness({ desired: d, compute: c }).ctx);

  test('ensure on an unchanged compute without a recorded fingerprint: nothing to do', async () => {
    const d = desired();
    const c = compute();
    expect(planChange(d, observed(c), await resolved(d, c)).action).toBe('none');
  });

  test('ensure with a recorded fingerprint of another certificate: still nothing (keep means as served)', async () => {
    const d = desired();
    const c = compute({ tlsFingerprint: 'ab'.repeat(32) });
    expect(planChange(d, observed(c), await resolved(d, c)).action).toBe('none');
  });

  test('ensure on an Auto compute: nothing to do', async () => {
    const fqdn = 'contosoab12cd.eastus.cloudapp.azure.com';
    const auto = ca.issue({ commonName: fqdn, dnsNames: [fqdn] });
    const d = desired();
    const c = compute({ tls: { status: 'Auto', leafDomainLabel: 'contoso' }, clusterFqdn: fqdn });
    const tls = await resolveKeptTls(
      harness({ desired: d, compute: c, secret: async () => secretOf(auto.certPem, auto.keyPem) }).ctx,
    );
    expect(planChange(d, observed(c), tls).action).toBe('none');
  });

  test('refresh reattaches with the same certificate, recording its fingerprint', async () => {
    const d = desired({ operation: 'refresh' });
    const c = compute();
    const plan = planChange(d, observed(c), await resolved(d, c));
    expect(plan.action).toBe('reattach');
    expect(plan.drift).toEqual([]);
    expect(plan.attach?.tls).toEqual(
      expect.objectContaining({
        status: 'Enabled',
        certPem: cert.chainPem,
        keyPem: cert.keyPem,
        cname: 'scoring.contoso.com',
      }),
    );
    expect(plan.attach?.tags['tls-certificate-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('another setting drifts: the reattach keeps the certificate', async () => {
    const d = desired();
    const c = compute({ purpose: 'DevTest' });
    const plan = planChange(d, observed(c), await resolved(d, c));
    expect(plan.drift.map((x) => x.setting)).toEqual(['cluster-purpose']);
    expect(plan.attach?.tls.status).toBe('Enabled');
  });

  test('a new tls-cname is a change', async () => {
    const wildcard = ca.issue({ commonName: '*.contoso.com', dnsNames: ['*.contoso.com'] });
    const d = desired({ 'tls-cname': 'api.contoso.com' });
    const c = compute();
    const tls = await resolveKeptTls(
      harness({ desired: d, compute: c, secret: async () => secretOf(wildcard.certPem, wildcard.keyPem) }).ctx,
    );
    const plan = planChange(d, observed(c), tls);
    expect(plan.drift).toEqual([{ setting: 'tls-cname', from: 'scoring.contoso.com', to: 'api.contoso.com' }]);
  });
});
