/** Plans and summaries as users read them, compared with golden files reviewed by eye (UPDATE_GOLDEN=1 rewrites them). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDesiredState } from '../../src/core/desired/read';
import type { ObservedCompute, ObservedState } from '../../src/core/observe/model';
import { planChange } from '../../src/core/plan/plan';
import { describePlan } from '../../src/core/plan/describe';
import { outputsOf, summaryMarkdown } from '../../src/core/report/report';
import type { RunReport } from '../../src/core/run';
import { baseInputs, CLUSTER_ID, COMPUTE_ID, observedCompute, reader } from '../../testkit/inputs';

const now = new Date('2026-11-27T10:00:00Z');

function golden(name: string, actual: string): void {
  const path = join(__dirname, 'golden', name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const before: ObservedCompute = observedCompute({
  tls: { status: 'Enabled', cname: 'scoring.contoso.com' },
  tlsFingerprint: '3f'.repeat(32),
  tlsExpiresOn: '2026-12-10T00:00:00.000Z',
  scoringIp: '20.1.2.3',
});
const after: ObservedCompute = {
  ...before,
  purpose: 'DevTest',
  tls: { status: 'Disabled' },
  tlsFingerprint: undefined,
  tlsExpiresOn: undefined,
  scoringIp: '20.1.2.4',
};
const observed: ObservedState = { compute: before, otherBindings: [] };

function report(extra: Record<string, string>, result: RunReport['result'], afterCompute?: ObservedCompute): RunReport {
  const desired = readDesiredState({ readInput: reader(baseInputs(extra)), displayName: (n) => n });
  const plan = planChange(desired, observed);
  return {
    result,
    desired,
    computeId: COMPUTE_ID,
    plan,
    before,
    after: afterCompute,
    steps: afterCompute
      ? [
          { step: 'detach', durationMs: 95_000, polls: 9 },
          { step: 'attach', durationMs: 301_000, polls: 33 },
        ]
      : [],
    durationMs: 397_000,
    tokenRequests: 1,
  };
}

test('plan text of a drifted compute', () => {
  const desired = readDesiredState({
    readInput: reader(baseInputs({ 'cluster-purpose': 'dev-test' })),
    displayName: (n) => n,
  });
  golden('plan-reattach.txt', describePlan(desired, observed, planChange(desired, observed)).join('\n') + '\n');
});

test('summary of a reattach, with a certificate expiring within 30 days before', () => {
  const r = report({ 'cluster-purpose': 'dev-test' }, 'reattached', after);
  golden('summary-reattached.md', summaryMarkdown(r, now));
  expect(summaryMarkdown(r, now)).toContain('⚠️ 12 days left');
});

test('summary of a dry run says nothing changed', () => {
  const r = report({ 'cluster-purpose': 'dev-test', 'dry-run': 'true' }, 'planned');
  golden('summary-planned.md', summaryMarkdown(r, now));
});

test('outputs: the endpoint is the scoring IP, or the generated FQDN with tls auto when Azure reports one', () => {
  expect(outputsOf(report({ 'cluster-purpose': 'dev-test' }, 'reattached', after))).toEqual({
    result: 'reattached',
    'compute-id': COMPUTE_ID,
    'cluster-id': CLUSTER_ID,
    'provisioning-state': 'Succeeded',
    endpoint: '20.1.2.4',
  });
  const fqdn = 'contosoab12cd.eastus.cloudapp.azure.com';
  const auto = { ...after, tls: { status: 'Auto' as const, leafDomainLabel: 'contoso', cname: fqdn } };
  expect(outputsOf(report({ 'cluster-purpose': 'dev-test' }, 'reattached', auto)).endpoint).toBe(fqdn);
  // A real Auto compute answers cname "" and clusterFqdn the AKS cluster's own name: never the endpoint.
  for (const clusterFqdn of ['lala28f893133ed78f', 'aks-prod-dns-1a2b3c.hcp.eastus.azmk8s.io', fqdn]) {
    const captured = { ...after, tls: { status: 'Auto' as const, leafDomainLabel: 'contoso', cname: '' }, clusterFqdn };
    const r = report({ 'cluster-purpose': 'dev-test' }, 'reattached', captured);
    expect(outputsOf(r).endpoint).toBe('20.1.2.4');
    expect(summaryMarkdown(r, now)).not.toContain(clusterFqdn);
  }
  // planned and detached describe the compute as found
  expect(outputsOf(report({ operation: 'detach' }, 'detached')).endpoint).toBe('20.1.2.3');
});

test('plan text and summary of an update in place', () => {
  const desired = readDesiredState({ readInput: reader(baseInputs({})), displayName: (n) => n });
  const withResource: ObservedState = {
    ...observed,
    resource: { id: COMPUTE_ID, name: 'aks-prod', properties: { computeType: 'AKS', resourceId: CLUSTER_ID } },
  };
  const plan = planChange(desired, withResource, undefined, now);
  expect(plan.action).toBe('update');
  golden('plan-update.txt', describePlan(desired, withResource, plan).join('\n') + '\n');
  const updated: RunReport = {
    result: 'updated',
    desired,
    computeId: COMPUTE_ID,
    plan,
    before,
    after: { ...before, tls: { status: 'Disabled' }, tlsFingerprint: undefined, tlsExpiresOn: undefined },
    steps: [{ step: 'update', durationMs: 62_000, polls: 8 }],
    durationMs: 65_000,
    tokenRequests: 1,
  };
  golden('summary-updated.md', summaryMarkdown(updated, now));
});
