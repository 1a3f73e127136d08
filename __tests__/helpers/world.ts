/** An emulator with the demo world, and the inputs that point the product at it. */
import { DEMO, demoSeed, startEmulator, type Emulator, type EmulatorSeed, type EmulatorSettings } from '../../emulator';

export { DEMO };

export async function startWorld(options: { seed?: EmulatorSeed; settings?: Partial<EmulatorSettings> } = {}): Promise<Emulator> {
  return startEmulator({ seed: options.seed ?? demoSeed(), settings: { attachMs: 600, createMs: 900, detachMs: 400, retryAfterSeconds: null, ...options.settings } });
}

/** GitHub inputs: a service principal with a secret, the emulator as a custom cloud. */
export function githubInputs(emulator: Emulator, extra: Record<string, string> = {}): Record<string, string> {
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
