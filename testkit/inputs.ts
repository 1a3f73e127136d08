/** Builds an InputReader from a plain object, as both adapters would hand it to the core. */
import type { InputName, InputReader } from '../src/core/contract/inputs';
import type { ObservedCompute } from '../src/core/observe/model';

export const SUB = '00000000-0000-4000-8000-000000000001';
export const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/aks-prod`;

export function reader(values: Partial<Record<InputName, string>>): InputReader {
  return (name) => {
    const v = values[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
}

export function baseInputs(extra: Partial<Record<InputName, string>> = {}): Partial<Record<InputName, string>> {
  return {
    'subscription-id': SUB,
    'resource-group': 'ml-rg',
    'workspace-name': 'ml-ws',
    'compute-name': 'aks-prod',
    'aks-resource-id': CLUSTER_ID,
    ...extra,
  };
}

export const COMPUTE_ID = `/subscriptions/${SUB}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws/computes/aks-prod`;

/** An attached compute as observe() reports it: production, public IP, TLS disabled, unless overridden. */
export function observedCompute(over: Partial<ObservedCompute> = {}): ObservedCompute {
  return {
    id: COMPUTE_ID,
    name: 'aks-prod',
    location: 'eastus',
    computeType: 'AKS',
    provisioningState: 'Succeeded',
    provisioningErrors: [],
    clusterId: CLUSTER_ID,
    purpose: 'FastProd',
    loadBalancerType: 'PublicIp',
    tls: { status: 'Disabled' },
    tags: {},
    ...over,
  };
}
