/**
 * GitHub's own local runner for JavaScript actions, @github/local-action, runs the action's
 * sources (src/github/main.ts, its exported run()) with the documented .env.example against the
 * emulator: attach, then unchanged.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emulatorPerTest } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';

const ROOT = path.resolve(__dirname, '../..');
const current = emulatorPerTest({ expectOperations: ['Compute_CreateOrUpdate', 'Compute_Get', 'Workspaces_Get'] });

function localAction(
  envFile: string,
  caCertPath: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A clean environment: only what the documented command needs, no runner variables of the host.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      NODE_EXTRA_CA_CERTS: caCertPath,
    };
    const child = spawn('npx', ['--no-install', 'local-action', 'run', ROOT, 'src/github/main.ts', envFile], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const outputs = (stdout: string) =>
  Object.fromEntries([...stdout.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)].map((m) => [m[1], m[2]]));

test('npx local-action run . src/github/main.ts <.env.example pointed at the emulator>: attached, then unchanged', async () => {
  const emulator = current();
  const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  expect(example).toContain('https://127.0.0.1:8443');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-action-'));
  const envFile = path.join(dir, '.env');
  fs.writeFileSync(envFile, example.replaceAll('https://127.0.0.1:8443', emulator.url));
  try {
    const first = await localAction(envFile, emulator.caCertPath);
    expect(first.code).toBe(0);
    expect(outputs(first.stdout)).toEqual(
      expect.objectContaining({
        result: 'attached',
        'compute-id': expect.stringMatching(/\/computes\/aks-prod$/),
        'provisioning-state': 'Succeeded',
      }),
    );
    expect(
      emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod'),
    ).toBeDefined();
    expect(first.stdout).not.toContain(DEMO.clientSecret);

    const second = await localAction(envFile, emulator.caCertPath);
    expect(second.code).toBe(0);
    expect(outputs(second.stdout).result).toBe('unchanged');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
