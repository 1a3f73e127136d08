/**
 * `npm run demo`: the whole job on one machine. Starts the embedded Azure Resource Manager
 * emulator and runs the committed GitHub Action bundle through attach → unchanged → refresh
 * (rotating to a new TLS certificate) → detach, printing what each run did.
 */
import { startEmulator, type Emulator } from '../emulator';
import { DEMO, demoSeed } from '../testkit/demo-world';
import { githubInputs } from '../testkit/demo-world';
import { runAction, type ActionRun } from '../testkit/run-action';

const BOLD = process.stdout.isTTY ? '\x1b[1m' : '';
const DIM = process.stdout.isTTY ? '\x1b[2m' : '';
const RESET = process.stdout.isTTY ? '\x1b[0m' : '';

function show(title: string, run: ActionRun, emulator: Emulator): void {
  const arm = emulator.traffic.all().filter((e) => e.kind === 'arm' || e.kind === 'lro');
  const byMethod = arm.reduce<Record<string, number>>(
    (acc, e) => ({ ...acc, [e.method]: (acc[e.method] ?? 0) + 1 }),
    {},
  );
  console.log(`\n${BOLD}== ${title}${RESET}`);
  for (const line of run.stdout.split('\n')) {
    if (!line || line.startsWith('::debug::') || line.startsWith('::add-mask::') || line.startsWith('::endgroup::'))
      continue;
    console.log(`${DIM}  | ${RESET}${line.replace(/^::group::/, '▸ ').replace(/^::(warning|error)[^:]*::/, '$1: ')}`);
  }
  const outputs = Object.entries(run.outputs)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n    ');
  console.log(
    `  exit code ${run.exitCode}, ${(run.durationMs / 1000).toFixed(1)} s; ARM requests: ${JSON.stringify(byMethod)}`,
  );
  console.log(`  outputs:\n    ${outputs}`);
  if (run.stderr.trim()) console.log(`  stderr: ${run.stderr.trim()}`);
}

async function main(): Promise<void> {
  const emulator = await startEmulator({
    seed: demoSeed(),
    settings: { attachMs: 3000, detachMs: 1500, retryAfterSeconds: 1 },
  });
  console.log(
    `Emulated Azure (ARM + Microsoft Entra) at ${emulator.url}; workspace ${DEMO.workspaceName}, clusters aks-prod and aks-small.`,
  );
  const certificate = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
  const steps: Array<[string, Record<string, string>]> = [
    ['1. ensure: attach aks-prod (production, public load balancer)', {}],
    ['2. ensure again: nothing to change, no write request', {}],
    [
      '3. refresh with a custom TLS certificate: detach, then reattach',
      {
        operation: 'refresh',
        tls: 'custom',
        'tls-cert': certificate.chainPem,
        'tls-key': certificate.keyPem,
        'tls-cname': 'scoring.contoso.com',
      },
    ],
    [
      '4. dry run of a purpose change: the plan, nothing sent',
      {
        tls: 'custom',
        'tls-cert': certificate.chainPem,
        'tls-key': certificate.keyPem,
        'tls-cname': 'scoring.contoso.com',
        'cluster-purpose': 'dev-test',
        'dry-run': 'true',
      },
    ],
    ['5. detach: the compute goes, the AKS cluster stays', { operation: 'detach' }],
  ];
  let failed = false;
  try {
    for (const [title, extra] of steps) {
      emulator.traffic.clear();
      const run = await runAction({ inputs: githubInputs(emulator, extra), caCertPath: emulator.caCertPath });
      show(title, run, emulator);
      failed ||= run.exitCode !== 0;
    }
    const cluster = emulator.state.getManagedCluster(DEMO.clusters.prod);
    console.log(`\nThe AKS cluster aks-prod still exists after the detach: ${cluster ? 'yes' : 'NO'}.`);
  } finally {
    await emulator.stop();
  }
  if (failed) {
    console.error('A demo step failed.');
    process.exitCode = 1;
  }
}

void main();
