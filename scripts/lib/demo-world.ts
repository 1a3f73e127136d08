/** The demo world as the tests, the demo and the benchmark use it: inputs that point at it, and computes seeded into it. */
import type { Emulator } from '../../emulator';
import { DEMO } from '../../emulator/demo-seed';

/** GitHub inputs for a service principal with a secret, the emulator as a custom cloud. */
export function githubInputs(emulator: { url: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'client-id': DEMO.clientId,
    'tenant-id': DEMO.tenantId,
    'client-secret': DEMO.clientSecret,
    'subscription-id': DEMO.subscriptionId,
    'arm-endpoint': emulator.url,
    'authority-host': emulator.url,
    'resource-group': DEMO.resourceGroup,
    'workspace-name': DEMO.workspaceName,
    'compute-name': 'aks-prod',
    'aks-resource-id': DEMO.clusters.prod,
    ...extra,
  };
}

export interface AttachedComputeOptions {
  name?: string;
  clusterId?: string;
  provisioningState?: string;
  /** AKS properties over the defaults (FastProd, public IP, TLS disabled). */
  aks?: Record<string, unknown>;
  tags?: Record<string, string>;
  /** What the cluster's azuremlfessl secret serves. */
  tls?: { certPem: string; keyPem: string };
}

/** Seeds a compute of the demo workspace as an attach by this product would leave it. */
export function seedAttachedCompute(emulator: Emulator, options: AttachedComputeOptions = {}): void {
  emulator.state.putCompute({
    subscriptionId: DEMO.subscriptionId,
    resourceGroup: DEMO.resourceGroup,
    workspaceName: DEMO.workspaceName,
    name: options.name ?? 'aks-prod',
    tags: options.tags ?? { 'managed-by': 'aks-aml-attach' },
    properties: {
      computeType: 'AKS',
      resourceId: options.clusterId ?? DEMO.clusters.prod,
      provisioningState: options.provisioningState ?? 'Succeeded',
      isAttachedCompute: true,
      properties: { clusterPurpose: 'FastProd', loadBalancerType: 'PublicIp', sslConfiguration: { status: 'Disabled' }, ...options.aks },
    },
    tls: options.tls,
  });
}
