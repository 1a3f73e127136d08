/**
 * A certificate rotation side by side, in one run: the same attached compute gets a new custom
 * certificate by detach + reattach (operation: refresh) and by an update in place (ensure). For
 * each: the seconds the compute is not attached (absent, Deleting, or a new attachment not yet
 * serving; an update keeps serving while Updating) sampled from the emulator's state every 50 ms,
 * and the ARM requests the run made (ARM + operation status).
 */
import { startEmulator, type Emulator, type IssuedCertificate } from '../../emulator';
import { DEMO, demoSeed, githubInputs, seedAttachedCompute } from '../../testkit/demo-world';
import { describeCertificate } from '../../src/core/tls/certificate';
import { runGithubBundle } from './proc';

export interface RotationSide {
  readonly how: 'detach + reattach (operation: refresh)' | 'in place (ensure)';
  readonly result: string;
  readonly wallMs: number;
  readonly notAttachedMs: number;
  readonly armRequests: number;
  readonly writes: string;
}

const SAMPLE_MS = 50;

function attachedNow(emulator: Emulator): boolean {
  const c = emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod');
  if (!c || c.properties.provisioningState === 'Deleting') return false;
  // An attachment serves once Azure ML has reported its scoring front end (systemServices).
  const aks = c.properties.properties as Record<string, unknown> | undefined;
  return Array.isArray(aks?.systemServices) && aks.systemServices.length > 0;
}

async function rotate(how: RotationSide['how'], scale: number): Promise<RotationSide> {
  const emulator = await startEmulator({
    seed: demoSeed(),
    settings: { attachMs: Math.round(20_000 * scale), detachMs: Math.round(5_000 * scale), retryAfterSeconds: null },
  });
  try {
    const next = seedWithCertificate(emulator);
    emulator.traffic.clear();
    let notAttachedMs = 0;
    const sampler = setInterval(() => {
      if (!attachedNow(emulator)) notAttachedMs += SAMPLE_MS;
    }, SAMPLE_MS);
    const run = await runGithubBundle({
      inputs: rotationInputs(emulator, next, how === 'in place (ensure)' ? 'ensure' : 'refresh'),
      caCertPath: emulator.caCertPath,
    });
    clearInterval(sampler);
    const traffic = emulator.traffic.all();
    return {
      how,
      result: run.outputs.result ?? `failed (exit ${String(run.exitCode)})`,
      wallMs: run.exitedAt - run.spawnedAt,
      notAttachedMs,
      armRequests: traffic.filter((e) => e.kind === 'arm' || e.kind === 'lro').length,
      writes: traffic
        .filter((e) => e.kind === 'arm' && ['PUT', 'DELETE'].includes(e.method))
        .map((e) => `${e.method} ${e.status}`)
        .join(', '),
    };
  } finally {
    await emulator.stop();
  }
}

/** Seeds aks-prod attached with a custom certificate (its fingerprint tagged) and returns the next certificate. */
export function seedWithCertificate(emulator: Emulator): IssuedCertificate {
  const issue = () => emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
  const old = issue();
  seedAttachedCompute(emulator, {
    aks: {
      sslConfiguration: { status: 'Enabled', cname: 'scoring.contoso.com' },
      systemServices: [{ systemServiceType: 'ScoringFrontEnd', publicIpAddress: '20.1.2.3', version: '1.0.0' }],
    },
    tags: {
      'managed-by': 'aks-aml-attach',
      'tls-certificate-sha256': describeCertificate(old.chainPem).fingerprintSha256,
    },
    tls: { certPem: old.chainPem, keyPem: old.keyPem },
  });
  return issue();
}

/** The GitHub inputs that give aks-prod the certificate `next`. */
export function rotationInputs(emulator: Emulator, next: IssuedCertificate, operation: 'ensure' | 'refresh') {
  return githubInputs(emulator, {
    tls: 'custom',
    'tls-cert': next.chainPem,
    'tls-key': next.keyPem,
    'tls-cname': 'scoring.contoso.com',
    operation,
  });
}

export async function measureRotation(scale: number): Promise<RotationSide[]> {
  return [await rotate('detach + reattach (operation: refresh)', scale), await rotate('in place (ensure)', scale)];
}

export function rotationLines(sides: readonly RotationSide[]): string[] {
  return [
    '| Certificate rotation | Result | Wall time | Not attached | ARM requests | Writes |',
    '|---|---|---|---|---|---|',
    ...sides.map(
      (r) =>
        `| ${r.how} | ${r.result} | ${(r.wallMs / 1000).toFixed(1)} s | ${(r.notAttachedMs / 1000).toFixed(1)} s | ${r.armRequests} | ${r.writes} |`,
    ),
  ];
}
