/** renew-within-days, the warning for a custom certificate expiring within it, and tls-expires-on in the outputs and the summary. */
import { InputError } from '../../src/core/contract/errors';
import type { InputName } from '../../src/core/contract/inputs';
import { readDesiredState } from '../../src/core/desired/read';
import type { ObservedCompute } from '../../src/core/observe/model';
import { planChange } from '../../src/core/plan/plan';
import { outputsOf, summaryMarkdown } from '../../src/core/report/report';
import type { RunReport } from '../../src/core/run';
import { createCertificateAuthority } from '../../emulator/tools/pki';
import { baseInputs, COMPUTE_ID, observedCompute, reader } from '../../testkit/inputs';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const ca = createCertificateAuthority('Lifecycle CA');
const read = (extra: Partial<Record<InputName, string>>) =>
  readDesiredState({ readInput: reader(baseInputs(extra)), displayName: (n) => n, now: NOW });

describe('renew-within-days', () => {
  test('defaults to 30', () => {
    expect(read({}).compute?.renewWithinDays).toBe(30);
  });
  test.each(['-1', '366', '7.5', 'soon'])('%s is refused, naming the input', (value) => {
    let error: unknown;
    try {
      read({ 'renew-within-days': value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/renew-within-days.*is not a whole number from 0 to 365/);
  });
  test('a custom certificate expiring within the window gets a warning naming the date; 0 never warns', () => {
    const cert = ca.issue({
      commonName: 'scoring.contoso.com',
      dnsNames: ['scoring.contoso.com'],
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: new Date(NOW.getTime() + 45 * DAY),
    });
    const custom = {
      tls: 'custom',
      'tls-cert': cert.certPem,
      'tls-key': cert.keyPem,
      'tls-cname': 'scoring.contoso.com',
    };
    expect(read(custom).warnings).toEqual([]);
    expect(read({ ...custom, 'renew-within-days': '60' }).warnings).toEqual([
      `the TLS certificate expires in 45 day(s), on ${new Date(NOW.getTime() + 45 * DAY).toISOString()}: rotate it soon`,
    ]);
    expect(read({ ...custom, 'renew-within-days': '0' }).warnings).toEqual([]);
  });
});

describe('tls-expires-on', () => {
  const reportOf = (after: ObservedCompute): RunReport => {
    const desired = read({ tls: 'auto', 'leaf-domain-label': 'contoso' });
    return {
      result: 'unchanged',
      desired,
      computeId: COMPUTE_ID,
      plan: planChange(desired, { compute: after, otherBindings: [] }, undefined, NOW),
      before: after,
      after,
      steps: [],
      durationMs: 1_000,
      tokenRequests: 1,
    };
  };
  const auto = (daysLeft?: number) =>
    observedCompute({
      tls: { status: 'Auto', leafDomainLabel: 'contoso' },
      tlsExpiresOn: daysLeft === undefined ? undefined : new Date(NOW.getTime() + daysLeft * DAY).toISOString(),
    });

  test('the output is the ISO date; empty without TLS or when unknown', () => {
    expect(outputsOf(reportOf(auto(200)))['tls-expires-on']).toBe(new Date(NOW.getTime() + 200 * DAY).toISOString());
    expect(outputsOf(reportOf(auto()))['tls-expires-on']).toBeUndefined();
    expect(outputsOf(reportOf(observedCompute()))['tls-expires-on']).toBeUndefined();
  });

  test.each([
    [200, /expires 2026-12-18 \(200 days left\)/],
    [12, /expires 2026-06-13 \(⚠️ 12 days left\)/],
    [-3, /❌ expired 2026-05-29/],
    [undefined, /expiry unknown \(the log says why\)/],
  ])('summary with %s days left', (days, cell) => {
    const md = summaryMarkdown(reportOf(auto(days)), NOW);
    expect(md).toMatch(cell);
    expect(md).not.toContain('Azure-managed');
  });
});
