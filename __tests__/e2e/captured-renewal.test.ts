/**
 * Issue 16, renewal of a Microsoft-generated (tls: auto) certificate as Azure does it, through
 * both bundles against captured shapes (emulator/arm/captured-renewal.ts): a renewal request is
 * honoured only within 70 days of expiry and served about 5 hours later. One PUT renews and
 * records the time in a compute tag; tls-expires-on stays the served (old) date; a run within
 * 24 hours writes nothing and says the renewal is pending; after the delay the new certificate
 * is served and reported; a renew-within-days above 70 acts as 70, with a warning that says why.
 */
import type { Emulator } from '../../emulator';
import { BUNDLES } from '../../testkit/bundles';
import { DEMO, seedAttachedCompute } from '../../testkit/demo-world';
import { refereeEachTest } from '../../testkit/referee';
import { servedCertificate } from '../../testkit/served-tls';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const FQDN = 'contosoab12cd.eastus.cloudapp.azure.com';
const TAG = 'tls-renewal-requested-at';
const AUTO = { tls: 'auto', 'leaf-domain-label': 'contoso' };
const PENDING = /renewal requested at (\S+); Azure serves the new certificate within about 5 hours/;

describe.each(BUNDLES)('$name bundle, captured shapes', (bundle) => {
  let emulator: Emulator | undefined;
  refereeEachTest(() => emulator, { expectOperations: ['Compute_CreateOrUpdate', 'Compute_Get'] });
  beforeEach(async () => {
    emulator = await bundle.start();
    emulator.settings.responseShapes = 'captured';
  });
  const emu = () => emulator!;
  const run = (inputs: Record<string, string> = {}) => bundle.run(emu(), { ...AUTO, ...inputs });
  const compute = () => emu().state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod');
  const writes = () =>
    emu()
      .traffic.all()
      .filter((e) => e.kind === 'arm' && ['PUT', 'DELETE', 'PATCH'].includes(e.method));
  const served = async () => (await servedCertificate(emu(), DEMO.clusters.prod))!.validTo.toISOString();
  /** An Auto compute whose served certificate expires in `daysLeft` days; returns that expiry. */
  const seedAuto = (daysLeft: number, tags: Record<string, string> = {}) => {
    const cert = emu().ca.issue({
      commonName: FQDN,
      dnsNames: [FQDN],
      notAfter: new Date(Date.now() + daysLeft * DAY),
    });
    seedAttachedCompute(emu(), {
      aks: { sslConfiguration: { status: 'Auto', leafDomainLabel: 'contoso', cname: '' }, clusterFqdn: FQDN },
      tls: cert,
      tags: { 'managed-by': 'aks-aml-attach', ...tags },
    });
    return new Date(Date.parse(new (require('node:crypto').X509Certificate)(cert.certPem).validTo)).toISOString();
  };

  test('10 days left: one PUT renews; a run right after writes nothing (pending); after the delay the new certificate is reported', async () => {
    const old = seedAuto(10);
    emu().traffic.clear();
    const planned = await run({ 'dry-run': 'true' });
    expect(planned.outputs.result).toBe('planned');
    expect(writes()).toEqual([]);
    expect(planned.stdout).toContain('Plan: update in place; web services stay attached.');
    expect(planned.stdout).toMatch(/within renew-within-days 30: renew it in place/);

    const renewed = await run();
    expect(renewed.exitCode).toBe(0);
    expect(renewed.outputs.result).toBe('updated');
    expect(writes().map((e) => e.method)).toEqual(['PUT']);
    const body = writes()[0].requestBody as Record<string, any>;
    expect(body.properties.properties.sslConfiguration).toEqual(
      expect.objectContaining({ status: 'Auto', leafDomainLabel: 'contoso', renew: true }),
    );
    const requestedAt = body.tags[TAG] as string;
    expect(Math.abs(Date.parse(requestedAt) - Date.now())).toBeLessThan(5 * 60_000);
    expect(compute()?.tags?.[TAG]).toBe(requestedAt);
    // Azure has not served the renewed certificate yet: the output is the one read, the old one.
    expect(renewed.outputs['tls-expires-on']).toBe(old);
    expect(await served()).toBe(old);
    expect(renewed.stdout).toContain('Azure serves the new certificate within about 5 hours');

    emu().traffic.clear();
    const pending = await run();
    expect(pending.exitCode).toBe(0);
    expect(pending.outputs.result).toBe('unchanged');
    expect(writes()).toEqual([]);
    expect(pending.stdout).toMatch(PENDING);
    expect(PENDING.exec(pending.stdout)?.[1]).toBe(requestedAt);
    expect(pending.summary).toContain(`renewal requested at ${requestedAt}; Azure serves the new certificate`);
    expect(pending.outputs['tls-expires-on']).toBe(old);
    const plannedWhilePending = await run({ 'dry-run': 'true' });
    expect(plannedWhilePending.outputs.result).toBe('planned');
    expect(plannedWhilePending.stdout).toContain('Plan: nothing to change.');
    expect(PENDING.exec(plannedWhilePending.stdout)?.[1]).toBe(requestedAt);
    expect(writes()).toEqual([]);

    // About 5 hours later (the emulator's delay lowered): the renewed certificate is served.
    emu().settings.capturedRenewalDelayMs = 0;
    emu().traffic.clear();
    const later = await run();
    expect(later.outputs.result).toBe('unchanged');
    expect(writes()).toEqual([]);
    expect(later.outputs['tls-expires-on']).toBe(await served());
    expect(Date.parse(later.outputs['tls-expires-on'])).toBeGreaterThan(Date.now() + 300 * DAY);
    expect(later.stdout).not.toMatch(PENDING);
  });

  test('10 days left, renewal requested 25 hours ago and still not served: requested again, one PUT', async () => {
    const before = new Date(Date.now() - 25 * HOUR).toISOString();
    seedAuto(10, { [TAG]: before });
    emu().traffic.clear();
    const r = await run();
    expect(r.outputs.result).toBe('updated');
    expect(writes().map((e) => e.method)).toEqual(['PUT']);
    const body = writes()[0].requestBody as Record<string, any>;
    expect(body.properties.properties.sslConfiguration.renew).toBe(true);
    expect(Date.parse(body.tags[TAG])).toBeGreaterThan(Date.parse(before) + 24 * HOUR);
    expect(r.stdout).toContain(`the renewal requested at ${before} was not served within 24 hours`);
  });

  test('80 days left with renew-within-days 90: acts as 70, no write, a warning naming 70', async () => {
    const old = seedAuto(80);
    emu().traffic.clear();
    const r = await run({ 'renew-within-days': '90' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.result).toBe('unchanged');
    expect(writes()).toEqual([]);
    expect(r.stdout).toMatch(
      /(renew-within-days|renewWithinDays) 90 acts as 70 with tls: auto: Azure lays a renewed Microsoft-generated certificate down only when the served one expires within 70 days/,
    );
    // A warning annotation (GitHub ::warning, Azure DevOps task.issue type=warning), not a log line.
    expect(r.stdout.split('\n').find((l) => l.includes('acts as 70'))).toMatch(
      /^(::warning |##vso\[task\.issue type=warning;)/,
    );
    expect(r.outputs['tls-expires-on']).toBe(old);
  });
});
