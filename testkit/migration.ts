/** The v1 → v2 migration tests' world: a v1 compute serving TLS on aks-prod, a namespace for v2, and what the cluster saw. */
import type { Emulator } from '../emulator';
import { DEMO, seedAttachedCompute } from './demo-world';
import { scoringCertificate } from './kubernetes';

export const V1 = 'aks-v1';
export const V2_NAMESPACE = 'ml-v2';

/** Seeds v1 compute aks-v1 on `clusterId` (TLS Enabled for scoring.contoso.com, its azuremlfessl serving that) and namespace ml-v2. */
export function seedV1(emulator: Emulator, clusterId: string = DEMO.clusters.prod) {
  const certificate = scoringCertificate(emulator);
  seedAttachedCompute(emulator, {
    name: V1,
    clusterId,
    aks: { sslConfiguration: { status: 'Enabled', cname: 'scoring.contoso.com' } },
    tls: { certPem: certificate.chainPem, keyPem: certificate.keyPem },
  });
  emulator.state.liveManagedCluster(DEMO.clusters.prod)!.namespaces.push(V2_NAMESPACE);
  return certificate;
}

/** Kubernetes API writes of the current traffic view, as `METHOD path-tail`. */
export function kubernetesWrites(emulator: Emulator): string[] {
  return emulator.traffic
    .filter({ kind: 'k8s' })
    .filter((e) => e.method !== 'GET')
    .map((e) => `${e.method} ${e.path.split('/').slice(-2).join('/')}`);
}

/** Every DELETE the emulator saw, of any kind. */
export function deletes(emulator: Emulator): string[] {
  return emulator.traffic
    .all()
    .filter((e) => e.method === 'DELETE')
    .map((e) => e.path);
}

export function frontEndAnnotations(emulator: Emulator, clusterId: string = DEMO.clusters.prod) {
  return emulator.state.getManagedCluster(clusterId)?.frontEndDeployment?.annotations ?? {};
}
