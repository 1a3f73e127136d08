/**
 * Spawns the committed GitHub bundle exactly as the runner does: INPUT_<NAME> variables (upper
 * case, hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, RUNNER_TEMP, and the
 * emulator's CA through NODE_EXTRA_CA_CERTS.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../scripts/lib/repo-root';
import { spawnBundle } from './spawn-bundle';

export const GITHUB_BUNDLE = join(repoRoot(), 'dist/github/index.js');

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  durationMs: number;
}

export interface RunActionOptions {
  inputs: Record<string, string>;
  env?: Record<string, string>;
  caCertPath: string;
  /** Called with the child once spawned (to send signals). */
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
  /** Node binary to run the bundle with (default: this process's). */
  nodePath?: string;
}

/** Parses the file-command format of GITHUB_OUTPUT: `name<<DELIM\nvalue\nDELIM`. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
      out[m[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const [k, ...v] = lines[i].split('=');
      out[k] = v.join('=');
    }
  }
  return out;
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    NODE_EXTRA_CA_CERTS: options.caCertPath,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = Date.now();
  const { exitCode, stdout, stderr } = await spawnBundle({
    bundle: GITHUB_BUNDLE,
    env,
    nodePath: options.nodePath,
    onSpawn: options.onSpawn,
    timeoutMs: options.timeoutMs,
  });
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommands(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs: Date.now() - started,
  };
}
