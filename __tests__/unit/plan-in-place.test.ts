/** Which drift is updated in place (one PUT) and which still needs a detach and a reattach; renewal of Microsoft certificates. */
import type { ComputeResource } from '@azure/arm-machinelearning';
import type { InputName } from '../../src/core/contract/inputs';
import { readDesiredState } from '../../src/core/desired/read';
import type { ObservedCompute, ObservedState } from '../../src/core/observe/model';
import { planChange } from '../../src/core/plan/plan';
import { describePlan } from '../../src/core/plan/describe';
import { withRenewalTag } from '../../src/core/plan/renewal';
import { summaryMarkdown } from '../../src/core/report/report';
import { toUpdateBody } from '../../src/core/execute/update-body';
import { createCertificateAuthority } from '../../emulator/tools/pki';
import { baseInputs, CLUSTER_ID, observedCompute, reader, SUB } from '../../testkit/inputs';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const ca = createCertificateAuthority('In-place CA');
const cert = ca.issue({
  commonName: 'scoring.contoso.com',
  dnsNames: ['scoring.contoso.com'],
  notBefore: new Date(NOW.getTime() - DAY),
});
const OTHER = `/subscriptions/${SUB}/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/aks-other`;
const custom = { tls: 'custom', 'tls-cert': cert.certPem, 'tls-key': cert.keyPem, 'tls-cname': 'scoring.contoso.com' };
const auto = { tls: 'auto', 'leaf-domain-label': 'contoso' };
const desired = (extra: Partial<Record<InputName, string>> = {}) =>
  readDesiredState({ readInput: reader(baseInputs(extra)), displayName: (n) => n, now: NOW });

const resourceOf = (c: ObservedCompute): ComputeResource =>
  ({
    id: c.id,
    name: c.name,
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    location: 'eastus',
    tags: { ...c.tags },
    properties: {
      computeType: 'AKS',
      computeLocation: 'eastus',
      provisioningState: c.provisioningState,
      isAttachedCompute: true,
      createdOn: new Date(NOW.getTime() - 100 * DAY),
      description: 'scoring',
      resourceId: c.clusterId,
      properties: {
        clusterPurpose: c.purpose,
        loadBalancerType: c.loadBalancerType,
        clusterFqdn: 'contosoab12cd.eastus.cloudapp.azure.com',
        agentCount: 3,
        systemServices: [{ systemServiceType: 'ScoringFrontEnd', publicIpAddress: '20.1.2.3' }],
        sslConfiguration: { status: c.tls.status, leafDomainLabel: c.tls.leafDomainLabel, cname: c.tls.cname ?? '' },
      },
    },
  }) as unknown as ComputeResource;
const found = (over: Partial<ObservedCompute> = {}): ObservedState => {
  const c = observedCompute(over);
  return { compute: c, resource: resourceOf(c), otherBindings: [] };
};
const enabled = { tls: { status: 'Enabled' as const, cname: 'scoring.contoso.com' }, tlsFingerprint: 'ab'.repeat(32) };
const autoCompute = (daysLeft?: number) => ({
  tls: { status: 'Auto' as const, leafDomainLabel: 'contoso' },
  tlsExpiresOn: daysLeft === undefined ? undefined : new Date(NOW.getTime() + daysLeft * DAY).toISOString(),
});

// [title, inputs, observed, action, what the update replaces]
// Every row has all five values: jest takes a missing last argument for a `done` callback.
type Row = [string, Partial<Record<InputName, string>>, ObservedState, 'update' | 'reattach' | 'none', string];
const table: Row[] = [
  ['TLS disabled → custom certificate', custom, found(), 'update', 'tls'],
  ['custom → disabled', {}, found(enabled), 'update', 'tls'],
  ['custom → auto', auto, found(enabled), 'update', 'tls'],
  ['auto → disabled', {}, found(autoCompute(200)), 'update', 'tls'],
  ['auto → custom', custom, found(autoCompute(200)), 'update', 'tls'],
  ['a new custom certificate', custom, found(enabled), 'update', 'tls'],
  ['a new cname', custom, found({ ...enabled, tls: { status: 'Enabled', cname: 'old.contoso.com' } }), 'update', 'tls'],
  ['a new leaf domain label', { tls: 'auto', 'leaf-domain-label': 'other' }, found(autoCompute(200)), 'update', 'tls'],
  ['public → internal load balancer', { 'load-balancer-type': 'internal' }, found(), 'update', 'lb'],
  [
    'another internal subnet',
    { 'load-balancer-type': 'internal', 'load-balancer-subnet': 'new' },
    found({ loadBalancerType: 'InternalLoadBalancer', loadBalancerSubnet: 'old' }),
    'update',
    'lb',
  ],
  [
    'public + TLS → internal (tls disabled): both in one PUT',
    { 'load-balancer-type': 'internal' },
    found(enabled),
    'update',
    'tls+lb',
  ],
  ['cluster-purpose', { 'cluster-purpose': 'dev-test' }, found(), 'reattach', ''],
  ['cluster-purpose together with a TLS change', { ...custom, 'cluster-purpose': 'dev-test' }, found(), 'reattach', ''],
  ['a Failed compute with a TLS change', custom, found({ provisioningState: 'Failed' }), 'reattach', ''],
  [
    'a Canceled compute with a load balancer change',
    { 'load-balancer-type': 'internal' },
    found({ provisioningState: 'Canceled' }),
    'reattach',
    '',
  ],
  ['operation: refresh with a TLS change', { ...custom, operation: 'refresh' }, found(), 'reattach', ''],
  [
    'replace: another cluster, with a load balancer change',
    { replace: 'true', 'load-balancer-type': 'internal' },
    found({ clusterId: OTHER }),
    'reattach',
    '',
  ],
  ['nothing drifts', {}, found(), 'none', ''],
  // Renewal of a Microsoft-generated certificate (renew-within-days, default 30)
  ['auto, served certificate expires in 10 days: renewed', auto, found(autoCompute(10)), 'update', 'renew'],
  ['auto, already expired: renewed', auto, found(autoCompute(-2)), 'update', 'renew'],
  ['auto, 200 days left: nothing', auto, found(autoCompute(200)), 'none', ''],
  [
    'auto, 40 days left with renew-within-days 60: renewed',
    { ...auto, 'renew-within-days': '60' },
    found(autoCompute(40)),
    'update',
    'renew',
  ],
  [
    'auto, 10 days left with renew-within-days 0 (never): nothing',
    { ...auto, 'renew-within-days': '0' },
    found(autoCompute(10)),
    'none',
    '',
  ],
  ['auto, expiry unknown: nothing', auto, found(autoCompute()), 'none', ''],
  [
    'auto expiring, under operation: refresh: reattached',
    { ...auto, operation: 'refresh' },
    found(autoCompute(10)),
    'reattach',
    '',
  ],
  [
    'auto expiring, with a new label: the new label replaces the certificate',
    { tls: 'auto', 'leaf-domain-label': 'other' },
    found(autoCompute(10)),
    'update',
    'tls',
  ],
  [
    'custom certificate, recorded expiry within the window: no renewal',
    custom,
    found({ ...enabled, tlsFingerprint: undefined, tlsExpiresOn: new Date(NOW.getTime() + 5 * DAY).toISOString() }),
    'update',
    'tls',
  ],
];

test.each(table)('%s', (_title, inputs, observed, action, replaces) => {
  const plan = planChange(desired(inputs), observed, undefined, NOW);
  expect(plan.action).toBe(action);
  if (action !== 'update') return expect(plan.update).toBeUndefined();
  const u = plan.update!;
  const what = [u.replaceTls && 'tls', u.replaceLoadBalancer && 'lb', u.renew && 'renew'].filter(Boolean).join('+');
  expect(what).toBe(replaces);
  expect(plan.consequences[0]).toBe('update in place; web services stay attached');
});

test('the plan text says the compute stays attached', () => {
  const d = desired(custom);
  const observed = found(enabled);
  const text = describePlan(d, observed, planChange(d, observed, undefined, NOW)).join('\n');
  expect(text).toContain('Plan: update in place; web services stay attached.');
});

describe('the PUT body of an update', () => {
  const bodyOf = (inputs: Partial<Record<InputName, string>>, observed: ObservedState) => {
    const plan = planChange(desired(inputs), observed, undefined, NOW);
    return toUpdateBody(plan.update!, plan.attach!) as Record<string, any>;
  };

  test('the compute as read, readOnly fields left out, only sslConfiguration replaced, our tags updated', () => {
    const body = bodyOf(custom, found({ ...enabled, tags: { team: 'ml' } }));
    expect(Object.keys(body).sort()).toEqual(['location', 'properties', 'tags']);
    expect(body.properties).toEqual({
      computeType: 'AKS',
      description: 'scoring',
      resourceId: CLUSTER_ID,
      properties: {
        clusterPurpose: 'FastProd',
        loadBalancerType: 'PublicIp',
        clusterFqdn: 'contosoab12cd.eastus.cloudapp.azure.com',
        agentCount: 3,
        sslConfiguration: { status: 'Enabled', cname: 'scoring.contoso.com', cert: cert.certPem, key: cert.keyPem },
      },
    });
    expect(body.tags).toEqual(
      expect.objectContaining({
        team: 'ml',
        'managed-by': 'aks-aml-attach',
        'tls-certificate-sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    );
  });

  test('renewal: sslConfiguration as GET returned it, plus renew: true', () => {
    const body = bodyOf(auto, found(autoCompute(10)));
    expect(body.properties.properties.sslConfiguration).toEqual({
      status: 'Auto',
      leafDomainLabel: 'contoso',
      cname: '',
      renew: true,
    });
  });

  test('TLS off and internal load balancer in one body; the fingerprint tags removed', () => {
    const observed = found({
      ...enabled,
      tags: { 'tls-certificate-sha256': 'ab'.repeat(32), 'tls-certificate-expires-on': 'x' },
    });
    const body = bodyOf({ 'load-balancer-type': 'internal', 'load-balancer-subnet': 'sn' }, observed);
    expect(body.properties.properties).toEqual(
      expect.objectContaining({
        sslConfiguration: { status: 'Disabled' },
        loadBalancerType: 'InternalLoadBalancer',
        loadBalancerSubnet: 'sn',
      }),
    );
    expect(body.tags['tls-certificate-sha256']).toBeUndefined();
    expect(body.tags['tls-certificate-expires-on']).toBeUndefined();
  });
});

describe('renewal as Azure does it: within 70 days, once in 24 hours', () => {
  const HOUR = 3_600_000;
  const TAG = 'tls-renewal-requested-at';
  const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * HOUR).toISOString();
  const requested = (daysLeft: number, tag?: string, over: Partial<ObservedCompute> = {}) =>
    found({ ...autoCompute(daysLeft), tags: tag === undefined ? { team: 'ml' } : { team: 'ml', [TAG]: tag }, ...over });
  const planOf = (inputs: Partial<Record<InputName, string>>, observed: ObservedState) =>
    planChange(desired(inputs), observed, undefined, NOW);

  // [title, inputs, observed, action, renew requested, the tag the write sends ('none' when nothing is written)]
  type RenewalRow = [string, Partial<Record<InputName, string>>, ObservedState, 'update' | 'none', boolean, string];
  const rules: RenewalRow[] = [
    [
      '80 days left, renew-within-days 90: acts as 70, nothing',
      { ...auto, 'renew-within-days': '90' },
      requested(80),
      'none',
      false,
      'none',
    ],
    [
      '65 days left, renew-within-days 90: renewed (within 70)',
      { ...auto, 'renew-within-days': '90' },
      requested(65),
      'update',
      true,
      NOW.toISOString(),
    ],
    [
      '69 days left, renew-within-days 365: renewed',
      { ...auto, 'renew-within-days': '365' },
      requested(69),
      'update',
      true,
      NOW.toISOString(),
    ],
    [
      '10 days left, no request recorded: renewed, the time recorded',
      auto,
      requested(10),
      'update',
      true,
      NOW.toISOString(),
    ],
    ['10 days left, requested 1 hour ago: pending, nothing written', auto, requested(10, at(1)), 'none', false, 'none'],
    ['10 days left, requested 23.9 hours ago: pending', auto, requested(10, at(23.9)), 'none', false, 'none'],
    [
      '10 days left, requested 25 hours ago: renewed again',
      auto,
      requested(10, at(25)),
      'update',
      true,
      NOW.toISOString(),
    ],
    ['expired, requested 30 hours ago: renewed again', auto, requested(-1, at(30)), 'update', true, NOW.toISOString()],
    ['10 days left, an unreadable tag: renewed', auto, requested(10, 'soon'), 'update', true, NOW.toISOString()],
    [
      'served one renewed (300 days left), stale tag: nothing written to clear it',
      auto,
      requested(300, at(6)),
      'none',
      false,
      'none',
    ],
    ['stale tag, TLS turned off: the write drops it', {}, requested(300, at(6)), 'update', false, '(removed)'],
    [
      'pending, a new leaf domain label: a new certificate anyway, the record goes',
      { tls: 'auto', 'leaf-domain-label': 'other' },
      requested(10, at(2)),
      'update',
      false,
      '(removed)',
    ],
  ];

  test.each(rules)('%s', (_title, inputs, observed, action, renew, tag) => {
    const plan = planOf(inputs, observed);
    expect(plan.action).toBe(action);
    if (action === 'none') return expect(tag).toBe('none');
    expect(plan.update?.renew).toBe(renew);
    const body = toUpdateBody(plan.update!, plan.attach!) as { tags: Record<string, string> };
    expect(body.tags[TAG] ?? '(removed)').toBe(tag);
    expect(body.tags.team).toBe('ml');
  });

  test('a write while a renewal is pending keeps its record; a stale record goes with any write', () => {
    const tags = { team: 'ml', [TAG]: at(2) };
    expect(withRenewalTag(tags, { kind: 'pending', reason: '' }, false, NOW)).toEqual(tags);
    expect(withRenewalTag(tags, { kind: 'none' }, false, NOW)).toEqual({ team: 'ml' });
    expect(withRenewalTag(tags, { kind: 'due', reason: '' }, true, NOW)).toEqual({
      team: 'ml',
      [TAG]: NOW.toISOString(),
    });
  });

  test('pending: the plan (also a dry run) says since when, and that Azure serves the new certificate within about 5 hours', () => {
    const d = desired({ ...auto, 'dry-run': 'true' });
    const observed = requested(10, at(1));
    const plan = planChange(d, observed, undefined, NOW);
    const text = describePlan(d, observed, plan).join('\n');
    expect(text).toContain('Plan: nothing to change.');
    expect(text).toContain(
      `renewal requested at ${at(1)}; Azure serves the new certificate within about 5 hours (the certificate served now expires on`,
    );
    expect(text).toContain(`no second renewal is requested before ${at(-23)}`);
  });

  test('the summary of an unchanged run says the renewal is pending since that time', () => {
    const d = desired(auto);
    const observed = requested(10, at(1));
    const md = summaryMarkdown(
      {
        result: 'unchanged',
        desired: d,
        computeId: observed.compute!.id,
        plan: planChange(d, observed, undefined, NOW),
        before: observed.compute,
        after: observed.compute,
        steps: [],
        durationMs: 1_000,
        tokenRequests: 1,
      },
      NOW,
    );
    expect(md).toContain('### AKS compute `aks-prod`: unchanged');
    expect(md).toContain(
      `- renewal pending: renewal requested at ${at(1)}; Azure serves the new certificate within about 5 hours`,
    );
  });

  test('a renewal request says the cap and the delay; requested again, it says why', () => {
    const capped = planOf({ ...auto, 'renew-within-days': '90' }, requested(65));
    expect(capped.reasons.join('\n')).toMatch(/within 70 days \(renew-within-days 90 acts as 70\): renew it in place/);
    expect(capped.consequences.join('\n')).toMatch(
      /within about 5 hours, and until then tls-expires-on is the old one's/,
    );
    const again = planOf(auto, requested(10, at(25)));
    expect(again.reasons.join('\n')).toContain(`the renewal requested at ${at(25)} was not served within 24 hours`);
  });

  test.each([
    ['tls: auto, 90', { ...auto, 'renew-within-days': '90' }, 1],
    ['tls: auto, 70', { ...auto, 'renew-within-days': '70' }, 0],
    ['tls: custom, 90 (only warns, its own window)', { ...custom, 'renew-within-days': '90' }, 0],
  ])('the warning for renew-within-days above 70: %s', (_title, inputs, count) => {
    const warnings = readDesiredState({
      readInput: reader(baseInputs(inputs)),
      displayName: (n) => (n === 'renew-within-days' ? 'renewWithinDays' : n),
      now: NOW,
    }).warnings.filter((w) => w.includes('acts as'));
    expect(warnings).toHaveLength(count);
    if (count)
      expect(warnings[0]).toBe(
        'renewWithinDays 90 acts as 70 with tls: auto: Azure lays a renewed Microsoft-generated certificate down only when the served one expires within 70 days (MicrosoftDocs/azure-docs#56352), so an earlier renewal request would change nothing. Set renewWithinDays to 70 or less to silence this warning.',
      );
  });
});
