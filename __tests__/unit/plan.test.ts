import type { DesiredState } from '../../src/core/desired/model';
import { readDesiredState } from '../../src/core/desired/read';
import { StateError } from '../../src/core/contract/errors';
import type { InputName } from '../../src/core/contract/inputs';
import { TAGS, type ObservedCompute, type ObservedState } from '../../src/core/observe/model';
import { planChange } from '../../src/core/plan/plan';
import { createCertificateAuthority } from '../../emulator/tools/pki';
import { baseInputs, CLUSTER_ID, observedCompute, reader, SUB } from '../../testkit/inputs';

const ca = createCertificateAuthority('Plan CA');
const cert = ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
const OTHER_CLUSTER = `/subscriptions/${SUB}/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/aks-other`;

function desired(extra: Partial<Record<InputName, string>> = {}): DesiredState {
  return readDesiredState({ readInput: reader(baseInputs(extra)), displayName: (n) => n });
}

// ARM may return the cluster id in another casing.
const compute = (over: Partial<ObservedCompute> = {}) =>
  observedCompute({ clusterId: CLUSTER_ID.toLowerCase(), ...over });
/** As observe() leaves it: the compute, and (when present) the resource as GET returned it. */
const found = (c?: ObservedCompute, extra: Partial<ObservedState> = {}): ObservedState => ({
  compute: c,
  resource: c ? { id: c.id, name: c.name, properties: { computeType: 'AKS', resourceId: c.clusterId } } : undefined,
  otherBindings: [],
  workspaceLocation: 'eastus',
  ...extra,
});
const customTls = {
  tls: 'custom',
  'tls-cert': cert.certPem,
  'tls-key': cert.keyPem,
  'tls-cname': 'scoring.contoso.com',
};
const fingerprint = readDesiredState({ readInput: reader(baseInputs(customTls)), displayName: (n) => n }).compute!.tls;
const fp = fingerprint.mode === 'custom' ? fingerprint.certificate.fingerprintSha256 : '';

describe('planChange', () => {
  // [title, inputs, observed, action, reason pattern]
  const table: Array<[string, Partial<Record<InputName, string>>, ObservedState, string, RegExp]> = [
    ['missing compute is attached', {}, found(), 'attach', /does not exist/],
    ['missing compute without cluster id is created', { 'aks-resource-id': '' }, found(), 'create', /does not exist/],
    ['same cluster and settings: nothing', {}, found(compute()), 'none', /desired settings/],
    ['refresh always reattaches', { operation: 'refresh' }, found(compute()), 'reattach', /refresh/],
    [
      'Failed state is repaired',
      {},
      found(compute({ provisioningState: 'Failed', provisioningErrors: ['BadThing: it broke'] })),
      'reattach',
      /Failed \(BadThing/,
    ],
    [
      'Canceled state is repaired',
      {},
      found(compute({ provisioningState: 'Canceled' })),
      'reattach',
      /provisioning state is Canceled/,
    ],
    [
      'purpose drift',
      { 'cluster-purpose': 'dev-test' },
      found(compute()),
      'reattach',
      /cluster-purpose: FastProd → DevTest/,
    ],
    [
      'load balancer drift',
      { 'load-balancer-type': 'internal', 'load-balancer-subnet': 'sn' },
      found(compute()),
      'update',
      /load-balancer-type: PublicIp → InternalLoadBalancer/,
    ],
    [
      'TLS enabled where none is wanted',
      {},
      found(compute({ tls: { status: 'Enabled', cname: 'scoring.contoso.com' } })),
      'update',
      /tls: Enabled → Disabled/,
    ],
    [
      'auto label drift',
      { tls: 'auto', 'leaf-domain-label': 'new' },
      found(compute({ tls: { status: 'Auto', leafDomainLabel: 'old' } })),
      'update',
      /leaf-domain-label: old → new/,
    ],
    [
      'auto, same label: nothing',
      { tls: 'auto', 'leaf-domain-label': 'same' },
      found(compute({ tls: { status: 'Auto', leafDomainLabel: 'same' } })),
      'none',
      /desired/,
    ],
    [
      'custom TLS without a recorded fingerprint drifts once',
      customTls,
      found(compute({ tls: { status: 'Enabled', cname: 'scoring.contoso.com' } })),
      'update',
      /no recorded fingerprint/,
    ],
    [
      'custom TLS with the same fingerprint: nothing',
      customTls,
      found(compute({ tls: { status: 'Enabled', cname: 'scoring.contoso.com' }, tlsFingerprint: fp })),
      'none',
      /desired/,
    ],
    [
      'custom TLS with another certificate',
      customTls,
      found(compute({ tls: { status: 'Enabled', cname: 'scoring.contoso.com' }, tlsFingerprint: 'ab'.repeat(32) })),
      'update',
      /tls-certificate: sha256 abab/,
    ],
    [
      'cname drift',
      customTls,
      found(compute({ tls: { status: 'Enabled', cname: 'old.contoso.com' }, tlsFingerprint: fp })),
      'update',
      /tls-cname: old.contoso.com → scoring.contoso.com/,
    ],
    [
      'replace re-binds another cluster',
      { replace: 'true' },
      found(compute({ clusterId: OTHER_CLUSTER })),
      'reattach',
      /aks-resource-id: .*aks-other → .*aks-prod/,
    ],
    ['detach present', { operation: 'detach' }, found(compute()), 'detach', /detach/],
    ['detach absent', { operation: 'detach' }, found(), 'absent', /does not exist/],
  ];

  it.each(table)('%s', (_title, inputs, observed, action, reason) => {
    const plan = planChange(desired(inputs), observed);
    expect(plan.action).toBe(action);
    expect(plan.reasons.join('\n')).toMatch(reason);
  });

  it('fails, naming both clusters, when the compute is bound to another cluster', () => {
    expect(() => planChange(desired(), found(compute({ clusterId: OTHER_CLUSTER })))).toThrow(StateError);
    expect(() => planChange(desired(), found(compute({ clusterId: OTHER_CLUSTER })))).toThrow(
      /aks-other.*aks-prod[\s\S]*replace: true/,
    );
  });

  it('refuses a second attach of the same cluster under another name', () => {
    const observed = found(undefined, { otherBindings: [{ name: 'aks-old', id: 'x' }] });
    expect(() => planChange(desired(), observed)).toThrow(/already attached to this workspace as compute 'aks-old'/);
  });

  it('refuses to manage a compute of another type', () => {
    expect(() => planChange(desired(), found(compute({ computeType: 'AmlCompute' })))).toThrow(/AmlCompute, not AKS/);
  });

  it('builds the attach request with the fingerprint tag and keeps user tags', () => {
    const plan = planChange(
      desired({ ...customTls, 'cluster-purpose': 'dev-test' }),
      found(compute({ tags: { team: 'ml', [TAGS.fingerprint]: 'old' } })),
    );
    expect(plan.attach?.tags).toEqual(
      expect.objectContaining({ team: 'ml', [TAGS.fingerprint]: fp, [TAGS.managedBy]: 'aks-aml-attach' }),
    );
    expect(plan.attach?.tls).toEqual(expect.objectContaining({ status: 'Enabled', cname: 'scoring.contoso.com' }));
    expect(plan.attach?.clusterId).toBe(CLUSTER_ID);
    expect(plan.consequences.join('\n')).toMatch(/update the DNS record for scoring.contoso.com/);
  });

  it('refresh of a created compute reattaches the same underlying cluster', () => {
    const plan = planChange(
      desired({ 'aks-resource-id': '', operation: 'refresh' }),
      found(compute({ clusterId: OTHER_CLUSTER, isAttachedCompute: false })),
    );
    expect(plan.action).toBe('reattach');
    expect(plan.attach?.clusterId).toBe(OTHER_CLUSTER);
    expect(plan.attach?.create).toBeUndefined();
  });

  it('a create request carries no cluster id and the sizing', () => {
    const plan = planChange(
      desired({ 'aks-resource-id': '', 'agent-count': '4', 'vm-size': 'Standard_D4_v3' }),
      found(),
    );
    expect(plan.attach?.clusterId).toBeUndefined();
    expect(plan.attach?.create).toEqual({ agentCount: 4, vmSize: 'Standard_D4_v3', network: undefined });
    expect(plan.attach?.location).toBe('eastus');
  });
});
