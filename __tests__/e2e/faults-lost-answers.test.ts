/**
 * Issue 19 through both bundles: faults cost no more than they must. Failed status requests are
 * polls that told nothing (the attach still converges, its PUT sent once); an update in place
 * whose answer is lost (the connection reset before or after Azure acted) is read back and
 * either recognised as done or sent again: `updated`, the new certificate in place, never a
 * DELETE. The same for the extension PATCH of a `kubernetes` compute. Timings are in the bench.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { Emulator, FaultAction, TrafficEntry } from '../../emulator';
import { BUNDLES } from '../../testkit/bundles';
import { DEMO } from '../../testkit/demo-world';
import { computeOf } from '../../testkit/fault-kit';
import { extensionOf, scoringCertificate, writes } from '../../testkit/kubernetes';
import { EXTENSION_OPERATIONS, LIFECYCLE_OPERATIONS, refereeEachTest } from '../../testkit/referee';
import { servedCertificate } from '../../testkit/served-tls';

const fingerprintOf = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
const at = (e: TrafficEntry) => Date.parse(e.time);
const tlsInputs = (c: { chainPem: string; keyPem: string }) => ({
  tls: 'custom',
  'tls-cert': c.chainPem,
  'tls-key': c.keyPem,
  'tls-cname': 'scoring.contoso.com',
});
/** The connection of the first matching request is reset: before Azure handled it, or after (its answer lost). */
const lost = (when: 'before' | 'after'): FaultAction =>
  when === 'before' ? { reset: true } : { resetAfterHandling: true };

describe.each(BUNDLES)('$name bundle', (bundle) => {
  let emulator: Emulator | undefined;
  // Every operation of a lifecycle but Compute_Delete: nothing here detaches.
  refereeEachTest(() => emulator, {
    expectOperations: [...LIFECYCLE_OPERATIONS.filter((o) => o !== 'Compute_Delete'), ...EXTENSION_OPERATIONS],
  });
  beforeEach(async () => {
    emulator = await bundle.start();
  });
  const emu = () => emulator!;
  const run = (inputs: Record<string, string> = {}) => bundle.run(emu(), inputs);

  test('ten 5xx answers to the status requests of an attach, then success: attached, the PUT sent once', async () => {
    emu().settings.attachMs = 1_500;
    const storm = [500, 503, 502, 504, 500, 503, 500, 502, 503, 500];
    for (const status of storm) emu().faults.add({ match: { kind: 'lro' }, action: { status } });
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(r.outputs.result).toBe('attached');
    expect(computeOf(emu())?.properties.provisioningState).toBe('Succeeded');
    const polls = emu()
      .traffic.filter({ kind: 'lro' })
      .sort((a, b) => at(a) - at(b));
    expect(polls.slice(0, 10).map((e) => e.status)).toEqual(storm);
    expect(polls.slice(10).some((e) => (e.responseBody as { status?: string }).status === 'Succeeded')).toBe(true);
    for (let i = 1; i < polls.length; i++) expect(at(polls[i]) - at(polls[i - 1])).toBeGreaterThanOrEqual(990);
    expect(
      emu()
        .traffic.mutating()
        .map((e) => e.method),
    ).toEqual(['PUT']);
  }, 180_000);

  test.each(['before', 'after'] as const)(
    'a certificate rotation whose PUT is reset once (%s Azure acted): updated, the new certificate in place, no DELETE',
    async (when) => {
      expect((await run(tlsInputs(emu().ca.issue({ commonName: 'scoring.contoso.com' })))).outputs.result).toBe(
        'attached',
      );
      const second = emu().ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
      emu().traffic.clear();
      emu().faults.add({ match: { method: 'PUT', kind: 'arm', path: /\/computes\/aks-prod$/ }, action: lost(when) });
      const r = await run(tlsInputs(second));
      expect(r.exitCode).toBe(0);
      expect(r.outputs.result).toBe('updated');
      expect(r.stdout).toContain('Azure may or may not have acted on it, so it is read back.');
      const puts = emu().traffic.mutating();
      // Reset before Azure acted: sent again. After: recognised as done, not sent again.
      expect(puts.map((e) => `${e.method} ${e.fault ?? e.status}`)).toEqual(
        when === 'before' ? ['PUT reset', 'PUT 201'] : ['PUT answer-lost'],
      );
      const compute = computeOf(emu())!;
      expect(compute.properties.provisioningState).toBe('Succeeded');
      expect(compute.tags?.['tls-certificate-sha256']).toBe(fingerprintOf(second.certPem));
      expect((await servedCertificate(emu(), DEMO.clusters.prod))?.fingerprintSha256).toBe(
        fingerprintOf(second.certPem),
      );
    },
    180_000,
  );

  test.each(['before', 'after'] as const)(
    "a kubernetes compute's extension PATCH reset once (%s Azure acted): updated, the new certificate in the extension, no DELETE",
    async (when) => {
      const kubernetes = { 'compute-type': 'kubernetes', 'compute-name': 'k8s-prod' };
      expect((await run({ ...kubernetes, ...tlsInputs(scoringCertificate(emu())) })).outputs.result).toBe('attached');
      const second = scoringCertificate(emu());
      emu().traffic.clear();
      emu().faults.add({ match: { method: 'PATCH', kind: 'arm' }, action: lost(when) });
      const r = await run({ ...kubernetes, ...tlsInputs(second) });
      expect(r.exitCode).toBe(0);
      expect(r.outputs.result).toBe('updated');
      expect(writes(emu())).toEqual(when === 'before' ? ['PATCH extension', 'PATCH extension'] : ['PATCH extension']);
      const extension = extensionOf(emu())!;
      expect(extension.provisioningState).toBe('Succeeded');
      expect(extension.configurationSettings['aksAmlAttach.tlsCertificateSha256']).toBe(fingerprintOf(second.certPem));
      expect(Buffer.from(extension.configurationProtectedSettings['scoringFe.sslKey'], 'base64').toString()).toBe(
        second.keyPem,
      );
    },
    180_000,
  );
});
