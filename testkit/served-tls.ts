/**
 * What a cluster of the emulator serves: its azuremlfessl secret read through the emulated
 * Kubernetes API (as kubectl would, with the cluster user's token), parsed.
 */
import { readFileSync } from 'node:fs';
import type { Emulator } from '../emulator';
import { clusterKey } from '../emulator/k8s/api-server';
import { KubernetesApiError, readSecretData } from '../src/core/cluster/k8s-secret';
import { describeCertificate, type CertificateInfo } from '../src/core/tls/certificate';

/** The certificate in the cluster's azuremlfessl secret, or undefined when there is none. */
export async function servedCertificate(emulator: Emulator, clusterId: string): Promise<CertificateInfo | undefined> {
  const cluster = emulator.state.getManagedCluster(clusterId);
  if (!cluster) throw new Error(`no cluster ${clusterId} in the emulator`);
  const access = {
    contextName: cluster.name,
    server: `${emulator.url}/k8s/${clusterKey(cluster)}`,
    caPem: readFileSync(emulator.caCertPath, 'utf8'),
    token: cluster.userToken,
  };
  try {
    const data = await readSecretData(access, 'default', 'azuremlfessl', { attempts: 1 });
    return describeCertificate(Buffer.from(data['cert.pem'], 'base64').toString('utf8'));
  } catch (error) {
    if (error instanceof KubernetesApiError && error.status === 404) return undefined;
    throw error;
  }
}
