/**
 * `npm run demo`: the whole job on one machine. Starts the embedded Azure Resource Manager
 * emulator and runs the committed GitHub Action bundle through attach → unchanged → refresh
 * with a TLS certificate → a new certificate updated in place → dry run → detach, printing
 * what each run did.
 */
import { execFileSync } from 'node:child_process';
import { startEmulator, type Emulator } from '../emulator';
import { DEMO, demoSeed } from '../testkit/demo-world';
import { INPUTS, type InputDefinition } from '../src/core/contract/inputs';
import { githubInputs } from '../testkit/demo-world';
import { installedNode24 } from './lib/node24';
import { runAction, type ActionRun } from '../testkit/run-action';

const BOLD = process.stdout.isTTY ? '\x1b[1m' : '';
const DIM = process.stdout.isTTY ? '\x1b[2m' : '';
const RESET = process.stdout.isTTY ? '\x1b[0m' : '';

const SECRET_INPUTS = new Set<string>(
  (INPUTS as readonly InputDefinition[]).filter((i) => i.secret).map((i) => i.name),
);

/** The step's inputs: secrets as ***, PEM text as its first line and length. */
function showInputs(inputs: Record<string, string>): void {
  console.log('  inputs:');
  for (const [name, value] of Object.entries(inputs)) {
    const shown = SECRET_INPUTS.has(name)
      ? '***'
      : value.startsWith('-----BEGIN')
        ? `${value.split('\n')[0]} … (${value.split('\n').length} lines)`
        : value;
    console.log(`    ${name}: ${shown}`);
  }
}

function show(title: string, inputs: Record<string, string>, run: ActionRun, emulator: Emulator): void {
  const arm = emulator.traffic.all().filter((e) => e.kind === 'arm' || e.kind === 'lro');
  const byMethod = arm.reduce<Record<string, number>>(
    (acc, e) => ({ ...acc, [e.method]: (acc[e.method] ?? 0) + 1 }),
    {},
  );
  console.log(`\n${BOLD}== ${title}${RESET}`);
  showInputs(inputs);
  for (const line of run.stdout.split('\n')) {
    if (!line || line.startsWith('::debug::') || line.startsWith('::add-mask::') || line.startsWith('::endgroup::'))
      continue;
    console.log(`${DIM}  | ${RESET}${line.replace(/^::group::/, '▸ ').replace(/^::(warning|error)[^:]*::/, '$1: ')}`);
  }
  const asFound = run.outputs.result === 'detached' || run.outputs.result === 'planned';
  const outputs = Object.entries(run.outputs)
    .map(
      ([k, v]) =>
        `${k}=${v}${asFound && k === 'provisioning-state' ? ` (the state as found, before this step${run.outputs.result === 'detached' ? '; the compute is gone now' : ''})` : ''}`,
    )
    .join('\n    ');
  console.log(
    `  exit code ${String(run.exitCode)}, ${(run.durationMs / 1000).toFixed(1)} s; ARM requests: ${JSON.stringify(byMethod)}`,
  );
  console.log(`  outputs:\n    ${outputs}`);
  if (run.stderr.trim()) console.log(`  stderr: ${run.stderr.trim()}`);
}

async function main(): Promise<void> {
  const emulator = await startEmulator({
    seed: demoSeed(),
    settings: { attachMs: 3000, detachMs: 1500, retryAfterSeconds: 1 },
  });
  const node24 = installedNode24();
  const nodePath = node24 ?? process.execPath;
  const nodeVersion = execFileSync(nodePath, ['--version'], { encoding: 'utf8' }).trim();
  console.log(
    `Emulated Azure (ARM + Microsoft Entra) at ${emulator.url}; workspace ${DEMO.workspaceName}, cluster aks-prod.`,
  );
  console.log(
    node24
      ? `The bundle runs on Node ${nodeVersion} (${node24}), as action.yml's node24 says.`
      : `The bundle runs on this Node, ${nodeVersion}: Node 24 is not installed in .tools/ (npm test installs it, Linux x64 only; action.yml says node24).`,
  );
  const certificate = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
  const rotated = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
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
      '4. ensure with a new certificate: updated in place, web services stay attached (one PUT, no DELETE)',
      {
        tls: 'custom',
        'tls-cert': rotated.chainPem,
        'tls-key': rotated.keyPem,
        'tls-cname': 'scoring.contoso.com',
      },
    ],
    [
      '5. dry run of a purpose change: the plan, nothing sent',
      {
        tls: 'custom',
        'tls-cert': rotated.chainPem,
        'tls-key': rotated.keyPem,
        'tls-cname': 'scoring.contoso.com',
        'cluster-purpose': 'dev-test',
        'dry-run': 'true',
      },
    ],
    ['6. detach: the compute goes, the AKS cluster stays', { operation: 'detach' }],
  ];
  let failed = false;
  try {
    for (const [title, extra] of steps) {
      emulator.traffic.clear();
      const inputs = githubInputs(emulator, extra);
      const run = await runAction({ inputs, caCertPath: emulator.caCertPath, nodePath });
      show(title, inputs, run, emulator);
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
