/** What the compute-type: kubernetes tests look at in the emulator: the extension, the compute, the writes. */
import type { Emulator } from '../emulator';
import { DEMO } from './demo-world';

export const EXTENSION = 'azureml';

export function extensionOf(emulator: Emulator, cluster: string = DEMO.clusters.prod, name = EXTENSION) {
  return emulator.state.getExtension(cluster, name);
}

export function computeOf(emulator: Emulator, name: string) {
  return emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, name);
}

/** The ARM writes of the current traffic view, as `METHOD resource-kind` (extension or compute). */
export function writes(emulator: Emulator): string[] {
  return emulator.traffic
    .mutating()
    .map(
      (e) =>
        `${e.method} ${/\/extensions\//i.test(e.path) ? 'extension' : /\/computes\//i.test(e.path) ? 'compute' : e.path}`,
    );
}

/** A certificate of the emulator's CA for the scoring name, with its key. */
export function scoringCertificate(emulator: Emulator, cname = 'scoring.contoso.com') {
  return emulator.ca.issue({ commonName: cname, dnsNames: [cname] });
}
