/**
 * npm run bench [-- options]: how much time and how many ARM requests the tool adds to what Azure
 * takes, measured on the built bundles (dist/) against the emulator, beside the SDK's default
 * poller doing the same runs. See BENCHMARKS.md for the last results and what each figure means.
 *
 *   --write [path]   write the Markdown report (default BENCHMARKS.md) besides printing it
 *   --scale <x>      multiply every emulated operation length (default 1: 8-60 s operations)
 *   --quick          --scale 0.2, 3 start-up rounds, a fleet of 5
 *   --no-fleet --no-startup --no-scenarios --no-faults   skip a part
 *   --startup-runs <n>   start-up samples per variant (default 10)
 *   --fleet-size <n>     default 20
 *   --baseline <rev>     also measure the start-up of the bundles committed at <rev> (before/after in one run)
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { runFleet, type FleetOptions } from './bench/fleet';
import { ROOT, snapshotDist, systemNode } from './bench/proc';
import { renderMarkdown, type Results } from './bench/report';
import { runScenario, scenarios } from './bench/scenarios';
import { COMPARED_DURATIONS_MS, extrapolate } from './bench/schedule';
import { measureRotation, rotationLines } from './bench/rotation';
import { faultLines, measureFaults } from './bench/faults';
import {
  baselineVariants,
  composition,
  measureStartup,
  node24,
  nodeFloorMs,
  nodeVersion,
  variantsFor,
} from './bench/startup';

function parseArgs(argv: string[]) {
  const has = (flag: string) => argv.includes(flag);
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : undefined;
  };
  const quick = has('--quick');
  return {
    write: has('--write') ? (value('--write') ?? 'BENCHMARKS.md') : undefined,
    scale: Number(value('--scale') ?? (quick ? 0.2 : 1)),
    fleet: !has('--no-fleet'),
    startup: !has('--no-startup'),
    scenarios: !has('--no-scenarios'),
    faults: !has('--no-faults'),
    startupRuns: Number(value('--startup-runs') ?? (quick ? 3 : 10)),
    fleetSize: Number(value('--fleet-size') ?? (quick ? 5 : 20)),
    baseline: value('--baseline'),
  };
}

function machine(): Results['machine'] {
  const cpu =
    /model name\s*:\s*(.*)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ??
    os.cpus()[0]?.model ??
    'unknown';
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    if (execSync('git status --porcelain -- src dist package.json', { cwd: ROOT, encoding: 'utf8' }).trim())
      commit += ' with uncommitted changes to src/, dist/ or package.json';
  } catch {
    // not a git checkout
  }
  let nproc = os.cpus().length;
  try {
    nproc = Number(execSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // os.cpus() then
  }
  const n24 = node24();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit,
    nproc,
    cpu: cpu.trim(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: nodeVersion(systemNode()),
    node24: n24 && nodeVersion(n24) !== nodeVersion(systemNode()) ? nodeVersion(n24) : undefined,
    loadBefore: os.loadavg(),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (!existsSync(join(ROOT, 'dist/github/index.js')))
    throw new Error('dist/github/index.js is missing: run npm run build first');
  const started = Date.now();
  const results: Results = { machine: machine(), scale: args.scale, scenarios: [], extrapolation: [], durationMs: 0 };
  results.machine.bundleSha256 = snapshotDist();
  log(
    `bench: bundles run on ${systemNode()} (${results.machine.node}), ${results.machine.nproc} CPUs, ${results.machine.cpu}`,
  );

  results.extrapolation = [
    ...(await extrapolate(COMPARED_DURATIONS_MS, [null])),
    ...(await extrapolate([30_000, 120_000, 300_000, 600_000], [15, 30])),
  ];

  if (args.startup) {
    const built = composition(log);
    results.bundles = { github: built.github, ado: built.ado };
    const variants = [...variantsFor(built.minifiedGithub), ...(args.baseline ? baselineVariants(args.baseline) : [])];
    log(`start-up: ${variants.length} variants × ${args.startupRuns} runs`);
    const floors = [{ node: nodeVersion(systemNode()), ms: nodeFloorMs(systemNode(), 10) }];
    const n24 = node24();
    if (n24 && nodeVersion(n24) !== floors[0].node) floors.push({ node: nodeVersion(n24), ms: nodeFloorMs(n24, 10) });
    results.startup = {
      results: await measureStartup(variants, args.startupRuns, log),
      nodeFloor: floors,
      runs: args.startupRuns,
    };
  }

  if (args.scenarios) {
    for (const scenario of scenarios(args.scale)) {
      log(`scenario: ${scenario.title} (this tool and SDK default, side by side)`);
      const r = await runScenario(scenario);
      log(
        `  this tool: ${r.product.result}, ${(r.product.wallMs / 1000).toFixed(1)} s, ${r.product.metrics.arm} ARM requests; SDK: ${r.sdk.result}, ${(r.sdk.wallMs / 1000).toFixed(1)} s, ${r.sdk.metrics.arm} ARM requests`,
      );
      results.scenarios.push(r);
    }
  }

  if (args.scenarios) {
    log('certificate rotation: detach + reattach versus in place');
    results.rotation = await measureRotation(args.scale);
    for (const line of rotationLines(results.rotation)) log(`  ${line}`);
  }

  if (args.faults) {
    results.faults = await measureFaults(log);
    for (const line of faultLines(results.faults)) log(`  ${line}`);
  }

  if (args.fleet) {
    const options: FleetOptions = {
      size: args.fleetSize,
      throttle: { readsPerSecond: 5, writesPerSecond: 2, burst: 20 },
      settings: {
        detachMs: Math.round(5000 * args.scale),
        attachMs: Math.round(20_000 * args.scale),
        retryAfterSeconds: null,
      },
    };
    log(`fleet: ${options.size} refreshes at once, this tool`);
    const product = await runFleet('product', options);
    log(`fleet: ${options.size} refreshes at once, SDK default`);
    const sdk = await runFleet('sdk', options);
    results.fleet = { options, product, sdk };
  }

  results.machine.loadAfter = os.loadavg();
  results.durationMs = Date.now() - started;
  const markdown = renderMarkdown(results);
  mkdirSync(join(ROOT, 'build/bench'), { recursive: true });
  writeFileSync(join(ROOT, 'build/bench/results.json'), JSON.stringify(results, null, 2));
  process.stdout.write(`${markdown}\n`);
  if (args.write) {
    writeFileSync(join(ROOT, args.write), `${markdown}\n`);
    log(`wrote ${args.write}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
