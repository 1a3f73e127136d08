/**
 * The emulator's captured-shapes renewal (emulator/arm/captured-renewal.ts), through the real SDK
 * pipeline: `sslConfiguration.renew: true` lays a renewed certificate down only when the served
 * one expires within 70 days, and azuremlfessl serves it only after settings.capturedRenewalDelayMs.
 */
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { DEMO, seedAttachedCompute } from '../../testkit/demo-world';
import { RG, startHarness, WS, type Harness } from '../../testkit/emulator-clients';
import { servedCertificate } from '../../testkit/served-tls';

const DAY = 86_400_000;
const FQDN = 'contosoab12cd.eastus.cloudapp.azure.com';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ settings: { responseShapes: 'captured' } });
});
afterAll(() => h.close());

const computeUrl = () =>
  `${h.emu.url}/subscriptions/${DEMO.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/computes/aks-prod?api-version=2022-10-01`;

async function send(method: 'GET' | 'PUT', body?: unknown): Promise<Record<string, any>> {
  const request = createPipelineRequest({
    url: computeUrl(),
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: createHttpHeaders({ 'content-type': 'application/json' }),
  });
  const r = await h.ml.sendRequest(request);
  expect(r.status).toBeLessThan(300);
  return JSON.parse(r.bodyAsText ?? '{}') as Record<string, any>;
}

/** A PUT of the compute as GET returned it, with renew: true, waited for. */
async function renew(): Promise<void> {
  const current = await send('GET');
  const aks = current.properties.properties;
  aks.sslConfiguration = { status: 'Auto', leafDomainLabel: 'contoso', renew: true };
  delete aks.systemServices;
  await send('PUT', {
    location: current.location,
    tags: current.tags,
    properties: { ...current.properties, provisioningState: undefined },
  });
  for (let i = 0; i < 100 && (await send('GET')).properties.provisioningState !== 'Succeeded'; i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

const expiresOnServed = async () => (await servedCertificate(h.emu, DEMO.clusters.prod))!.validTo.getTime();

test.each([
  [10, 'laid down, served after the delay'],
  [80, 'ignored: not within 70 days'],
])('%s days left: %s', async (daysLeft) => {
  h.emu.settings.capturedRenewalDelayMs = 5 * 3_600_000;
  const cert = h.emu.ca.issue({ commonName: FQDN, dnsNames: [FQDN], notAfter: new Date(Date.now() + daysLeft * DAY) });
  seedAttachedCompute(h.emu, {
    aks: { sslConfiguration: { status: 'Auto', leafDomainLabel: 'contoso', cname: '' }, clusterFqdn: FQDN },
    tls: cert,
  });
  const old = await expiresOnServed();
  await renew();
  expect(await expiresOnServed()).toBe(old);
  h.emu.settings.capturedRenewalDelayMs = 0; // the 5 hours have passed
  const after = await expiresOnServed();
  if (daysLeft > 70) expect(after).toBe(old);
  else expect(after).toBeGreaterThan(Date.now() + 300 * DAY);
});
