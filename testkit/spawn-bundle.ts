/** Runs a committed bundle in a child Node process, as a runner or an agent starts a step. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface BundleProcess {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface SpawnBundleOptions {
  bundle: string;
  env: Record<string, string>;
  cwd?: string;
  /** Node binary to run the bundle with (default: this process's). */
  nodePath?: string;
  /** Called with the child once spawned (to send signals). */
  onSpawn?: (child: ChildProcess) => void;
  /** Killed after this long (default 120 s), so that a hung step cannot hang the tests. */
  timeoutMs?: number;
}

export function spawnBundle(options: SpawnBundleOptions): Promise<BundleProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.nodePath ?? process.execPath, [options.bundle], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    options.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}
