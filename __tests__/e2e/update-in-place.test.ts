/**
 * Issue 10 through both bundles: TLS and load-balancer changes update the compute in place (one
 * PUT, no DELETE, web services stay attached); Microsoft certificates are renewed in place before
 * they expire; what still needs a detach and a reattach still gets one. Every exchange passes
 * the oav referee (which accepts sslConfiguration.renew on Compute_CreateOrUpdate requests only).
 */
import type { Emulator } from '../../emulator';
import { BUNDLES } from '../../testkit/bundles';
import { DEMO, seedAttachedCompute } from '../../testkit/demo-world';
import { refereeEachTest } from '../../testkit/referee';
import { servedCertificate } from '../../testkit/served-tls';

const DAY = 86_400_000;
const FQDN = 'contosoab12cd.eastus.cloudapp.azure.com';

describe.each(BUNDLES)('$name bundle', (bundle) => {
  let emulator: Emulator | undefined;
  refereeEachTest(() => emulator, { expectOperations: ['Compute_CreateOrUpdate', 'Compute_Get'] });
  beforeEach(async () => {
    emulator = await bundle.start();
  });
  const emu = () => emulator!;
  const run = (inputs: Record<string, string> = {}) => bundle.run(emu(), inputs);
  const compute = () => emu().state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod');
  const aks = () => compute()?.properties.properties as Record<string, any>;
  const writes = () =>
    emu()
      .traffic.all()
      .filter((e) => e.kind === 'arm' && ['PUT', 'DELETE', 'PATCH'].includes(e.method));
  const putBody = () => writes().find((e) => e.method === 'PUT')?.requestBody as Record<string, any>;
  const custom = (cert: { chainPem: string; keyPem: string }) => ({
    tls: 'custom',
    'tls-cert': cert.chainPem,
    'tls-key': cert.keyPem,
    'tls-cname': 'scoring.contoso.com',
  });
  const issue = (notAfter?: Date) =>
    emu().ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'], notAfter });

  test('a new certificate: updated with exactly one PUT and no DELETE; the new certificate is served', async () => {
    expect((await run(custom(issue()))).outputs.result).toBe('attached');
    const scoringIp = aks().systemServices[0].publicIpAddress;
    const second = issue(new Date(Date.now() + 400 * DAY));
    emu().traffic.clear();
    const rotated = await run(custom(second));
    expect(rotated.outputs.result).toBe('updated');
    expect(rotated.stdout).toContain('Plan: update in place; web services stay attached.');
    expect(writes().map((e) => e.method)).toEqual(['PUT']);
    expect(putBody().properties.resourceId).toBe(DEMO.clusters.prod);
    const served = await servedCertificate(emu(), DEMO.clusters.prod);
    expect(served?.fingerprintSha256).toBe(compute()?.tags?.['tls-certificate-sha256']);
    expect(served?.validTo.toISOString()).toBe(rotated.outputs['tls-expires-on']);
    expect(aks().systemServices[0].publicIpAddress).toBe(scoringIp);
    expect((await run(custom(second))).outputs.result).toBe('unchanged');
  });

  test('public → internal load balancer: updated in place, the endpoint becomes a private IP', async () => {
    seedAttachedCompute(emu());
    emu().traffic.clear();
    const r = await run({ 'load-balancer-type': 'internal', 'load-balancer-subnet': 'aks-subnet' });
    expect(r.outputs.result).toBe('updated');
    expect(writes().map((e) => e.method)).toEqual(['PUT']);
    expect(r.outputs.endpoint).toMatch(/^10\./);
    expect(aks()).toEqual(
      expect.objectContaining({ loadBalancerType: 'InternalLoadBalancer', loadBalancerSubnet: 'aks-subnet' }),
    );
  });

  test('public with TLS → internal (tls: disabled): one PUT changes both', async () => {
    expect((await run(custom(issue()))).outputs.result).toBe('attached');
    emu().traffic.clear();
    const r = await run({ 'load-balancer-type': 'internal', tls: 'disabled' });
    expect(r.outputs.result).toBe('updated');
    expect(writes().map((e) => e.method)).toEqual(['PUT']);
    expect(putBody().properties.properties).toEqual(
      expect.objectContaining({ loadBalancerType: 'InternalLoadBalancer', sslConfiguration: { status: 'Disabled' } }),
    );
    expect(putBody().tags['tls-certificate-sha256']).toBeUndefined();
    expect(r.outputs['tls-expires-on']).toBeUndefined();
    expect(await servedCertificate(emu(), DEMO.clusters.prod)).toBeUndefined();
  });

  test.each([
    ['cluster-purpose', { 'cluster-purpose': 'dev-test', 'aks-resource-id': DEMO.clusters.prod }, 'Succeeded', {}],
    ['a Failed compute', { 'load-balancer-type': 'internal' }, 'Failed', {}],
    ['operation: refresh', { operation: 'refresh' }, 'Succeeded', {}],
    ['replace (another cluster)', { replace: 'true' }, 'Succeeded', { clusterId: DEMO.clusters.small }],
  ])('%s still detaches and reattaches', async (_what, inputs, state, seed) => {
    seedAttachedCompute(emu(), { provisioningState: state, aks: { clusterPurpose: 'FastProd' }, ...seed });
    if ('clusterId' in seed) emu().state.liveManagedCluster(DEMO.clusters.small)!.agentPools[0].count = 3;
    emu().traffic.clear();
    const r = await run(inputs);
    expect(r.outputs.result).toBe('reattached');
    expect(writes().map((e) => e.method)).toEqual(['DELETE', 'PUT']);
  });

  test('an attach operation that fails names the azureml-fe leftovers and lists those found (read-only)', async () => {
    // An earlier attachment was detached: its azureml-fe resources are still in the cluster.
    emu().state.liveManagedCluster(DEMO.clusters.prod)!.azuremlFrontEnd = true;
    emu().settings.failNextOperation = { code: 'BadRequest', message: 'The request is invalid.' };
    const r = await run();
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/A documented cause to check: azureml-fe resources an earlier attachment left/);
    expect(r.stdout).toMatch(/only when no web service is active/);
    expect(r.stdout).toMatch(
      /Found in cluster aks-prod now: serviceaccount azureml-fe, clusterrole azureml-fe-role, clusterrolebinding azureml-fe-binding, service azureml-fe, service azureml-fe-int-http, deployment azureml-fe, configmap azuremlfeconfig\./,
    );
    const k8s = emu()
      .traffic.all()
      .filter((e) => e.kind === 'k8s');
    expect(k8s.length).toBeGreaterThanOrEqual(8);
    expect(k8s.every((e) => e.method === 'GET')).toBe(true);
  });

  describe('a Microsoft-generated (auto) certificate', () => {
    const seedAuto = (daysLeft: number) => {
      const cert = emu().ca.issue({
        commonName: FQDN,
        dnsNames: [FQDN],
        notAfter: new Date(Date.now() + daysLeft * DAY),
      });
      seedAttachedCompute(emu(), {
        aks: { sslConfiguration: { status: 'Auto', leafDomainLabel: 'contoso', cname: '' }, clusterFqdn: FQDN },
        tls: cert,
      });
      return cert;
    };
    const auto = { tls: 'auto', 'leaf-domain-label': 'contoso' };

    test('expiring in 10 days: renewed in place (renew: true), same DNS name, tls-expires-on the new date', async () => {
      seedAuto(10);
      emu().traffic.clear();
      const r = await run(auto);
      expect(r.outputs.result).toBe('updated');
      expect(writes().map((e) => e.method)).toEqual(['PUT']);
      expect(putBody().properties.properties.sslConfiguration).toEqual(
        expect.objectContaining({ status: 'Auto', leafDomainLabel: 'contoso', renew: true }),
      );
      expect(aks().clusterFqdn).toBe(FQDN);
      const served = await servedCertificate(emu(), DEMO.clusters.prod);
      expect(served?.dnsNames).toEqual([FQDN]);
      expect(served!.validTo.getTime()).toBeGreaterThan(Date.now() + 300 * DAY);
      expect(r.outputs['tls-expires-on']).toBe(served?.validTo.toISOString());
      expect(r.summary).toMatch(/days left/);
      expect(r.summary).not.toContain('Azure-managed');
    });

    test('200 days left: unchanged, tls-expires-on set', async () => {
      const cert = seedAuto(200);
      emu().traffic.clear();
      const r = await run(auto);
      expect(r.outputs.result).toBe('unchanged');
      expect(writes()).toEqual([]);
      const expected = new (require('node:crypto').X509Certificate)(cert.certPem).validTo;
      expect(new Date(r.outputs['tls-expires-on']).getTime()).toBe(new Date(expected).getTime());
    });
  });
});
