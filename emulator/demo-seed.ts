/** A small ready-made world for demos and tests: one tenant, one workspace, two clusters. */
import type { EmulatorSeed } from './types';

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
    small: '/subscriptions/00000000-0000-4000-8000-00000000d3e0/resourceGroups/demo-rg/providers/Microsoft.ContainerService/managedClusters/aks-small',
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
      { subscriptionId: DEMO.subscriptionId, resourceGroup: DEMO.resourceGroup, name: DEMO.workspaceName, location: DEMO.location },
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
