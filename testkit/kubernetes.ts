/** What the compute-type: kubernetes tests look at in the emulator: the extension, the compute, the writes. */
import type { Emulator } from '../emulator';
import { DEMO, githubInputs } from './demo-world';
import { runAction, type ActionRun } from './run-action';
import { SecretScanner } from './secret-scan';

export const EXTENSION = 'azureml';

export function extensionOf(emulator: Emulator, cluster: string = DEMO.clusters.prod, name = EXTENSION) {
  return emulator.state.getExtension(cluster, name);
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

/** A scanner for everything secret the emulator saw, plus each TLS key in PEM and in base64 (as the extension takes it). */
export function keyScanner(emulator: Emulator, keys: string[]): SecretScanner {
  const scanner = new SecretScanner().addDemoSecrets().addEmulator(emulator);
  keys.forEach((key, i) =>
    scanner.addPem(`TLS key ${i + 1}`, key).add(`TLS key ${i + 1} base64`, Buffer.from(key).toString('base64')),
  );
  return scanner;
}

/** The bundled action with compute-type: kubernetes for compute `name` (k8s-prod unless given in extra). */
export function runKubernetesAction(
  emulator: Emulator,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction({
    inputs: githubInputs(emulator, { 'compute-type': 'kubernetes', 'compute-name': 'k8s-prod', ...extra }),
    caCertPath: emulator.caCertPath,
    env,
  });
}
