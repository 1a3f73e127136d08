/** The demo world as tests, the demo and the benchmark use it: one tenant, one workspace, two clusters; inputs that point at it; computes seeded into it. */
import type { EmulatorSeed } from '../emulator/server/types';
import type { Emulator } from '../emulator';

export const DEMO = {
  tenantId: '72f988bf-0000-4000-8000-00000000d3e0',
  subscriptionId: '00000000-0000-4000-8000-00000000d3e0',
  clientId: '11111111-0000-4000-8000-00000000d3e0',
  clientSecret: 'demo-client-secret-value',
  managedIdentityClientId: '22222222-0000-4000-8000-00000000d3e0',
  resourceGroup: 'demo-rg',
  workspaceName: 'demo-ws',
  location: 'eastus',
  githubRequestToken: 'gh-request-token',
  githubSubject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
  adoSystemAccessToken: 'ado-system-access-token',
  adoServiceConnectionId: '33333333-0000-4000-8000-00000000d3e0',
  adoSubject: 'sc://emulator-org/emulator-project/demo-connection',
  clusters: {
    prod: '/subscriptions/00000000-0000-4000-8000-00000000d3e0/resourceGroups/demo-rg/providers/Microsoft.ContainerService/managedClusters/aks-prod',
    small:
      '/subscriptions/00000000-0000-4000-8000-00000000d3e0/resourceGroups/demo-rg/providers/Microsoft.ContainerService/managedClusters/aks-small',
  },
} as const;

export function demoSeed(): EmulatorSeed {
  return {
    tenants: [
      {
        tenantId: DEMO.tenantId,
        principals: [
          {
            clientId: DEMO.clientId,
            displayName: 'demo-deployer',
            secrets: [DEMO.clientSecret],
            federatedCredentials: [{ subject: DEMO.githubSubject }, { subject: DEMO.adoSubject }],
          },
          { clientId: DEMO.managedIdentityClientId, displayName: 'demo-identity', managedIdentity: 'system' },
        ],
      },
    ],
    workspaces: [
      {
        subscriptionId: DEMO.subscriptionId,
        resourceGroup: DEMO.resourceGroup,
        name: DEMO.workspaceName,
        location: DEMO.location,
      },
    ],
    managedClusters: [
      {
        subscriptionId: DEMO.subscriptionId,
        resourceGroup: DEMO.resourceGroup,
        name: 'aks-prod',
        location: DEMO.location,
        kubernetesVersion: '1.30.6',
        agentPools: [{ name: 'nodepool1', count: 3, vmSize: 'Standard_D3_v2', mode: 'System', osType: 'Linux' }],
        loadBalancerSku: 'standard',
      },
      {
        subscriptionId: DEMO.subscriptionId,
        resourceGroup: DEMO.resourceGroup,
        name: 'aks-small',
        location: DEMO.location,
        kubernetesVersion: '1.30.6',
        agentPools: [{ name: 'nodepool1', count: 1, vmSize: 'Standard_D3_v2', mode: 'System', osType: 'Linux' }],
        loadBalancerSku: 'standard',
      },
    ],
    github: { requestToken: DEMO.githubRequestToken },
    azureDevOps: {
      systemAccessToken: DEMO.adoSystemAccessToken,
      serviceConnections: [{ id: DEMO.adoServiceConnectionId, name: 'demo-connection' }],
    },
  };
}

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
      properties: {
        clusterPurpose: 'FastProd',
        loadBalancerType: 'PublicIp',
        sslConfiguration: { status: 'Disabled' },
        ...options.aks,
      },
    },
    tls: options.tls,
  });
}
