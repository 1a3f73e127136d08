/** GitHub inputs that point the action at an emulator with the demo world (service principal with a secret). */
import { DEMO } from '../../emulator/demo-seed';

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
