/** Shared set-up for the emulator suite: a demo world, the CA trusted in-process, SDK clients. */
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { startEmulator, trustCaInProcess, type Emulator, type EmulatorOptions } from '../emulator';
import { DEMO, demoSeed } from './demo-world';

/** Fast operations; no Retry-After so the SDK poller uses updateIntervalInMs. */
export const FAST = { attachMs: 150, createMs: 200, detachMs: 100, retryAfterSeconds: null } as const;
export const POLL = { updateIntervalInMs: 50 };

export interface Harness {
  emu: Emulator;
  credential: TokenCredential;
  ml: AzureMachineLearningWorkspaces;
  cs: ContainerServiceClient;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ seed: demoSeed(), ...options, settings: { ...FAST, ...(options.settings ?? {}) } });
  const untrust = trustCaInProcess(emu.caCertPem);
  const credential = new ClientSecretCredential(DEMO.tenantId, DEMO.clientId, DEMO.clientSecret, {
    authorityHost: emu.url,
    // Without this MSAL asks login.microsoftonline.com for instance metadata (unreachable here).
    disableInstanceDiscovery: true,
  });
  const retryOptions = { maxRetries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 200 };
  const ml = new AzureMachineLearningWorkspaces(credential, DEMO.subscriptionId, { endpoint: emu.url, retryOptions });
  const cs = new ContainerServiceClient(credential, DEMO.subscriptionId, { endpoint: emu.url, retryOptions });
  return {
    emu,
    credential,
    ml,
    cs,
    async close() {
      untrust();
      await emu.stop();
    },
  };
}

export const RG = DEMO.resourceGroup;
export const WS = DEMO.workspaceName;
