/**
 * The emulator as other processes see it: the CLI (compiled by tsc, as CI would run it) and a
 * child process that trusts the CA through NODE_EXTRA_CA_CERTS and uses the real SDK.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { DEMO, demoSeed } from '../../testkit/demo-world';

const repo = path.resolve(__dirname, '../..');
let outDir: string;
let cli: ChildProcess;
let started: { url: string; caCertPath: string };

beforeAll(async () => {
  // Inside the repo (.tmp/ is git-ignored) so the compiled files resolve node_modules.
  fs.mkdirSync(path.join(repo, '.tmp'), { recursive: true });
  outDir = fs.mkdtempSync(path.join(repo, '.tmp', 'emu-cli-'));
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '--ignoreConfig',
      'emulator/tools/cli.ts',
      '--outDir',
      outDir,
      '--rootDir',
      '.',
      '--module',
      'commonjs',
      '--target',
      'es2022',
      '--esModuleInterop',
      '--skipLibCheck',
      '--types',
      'node',
    ],
    { cwd: repo },
  );
  const seed = demoSeed();
  seed.workspaces![0].friendlyName = 'From the seed file';
  const seedFile = path.join(outDir, 'seed.json');
  fs.writeFileSync(seedFile, JSON.stringify(seed));
  cli = spawn(process.execPath, [path.join(outDir, 'emulator/tools/cli.js'), '--seed', seedFile], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: cli.stdout! }).once('line', resolve);
    cli.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
  });
  started = JSON.parse(firstLine);
}, 60_000);

afterAll(() => {
  if (cli.exitCode === null) cli.kill('SIGKILL');
  fs.rmSync(outDir, { recursive: true, force: true });
});

function runChild(script: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(process.execPath, ['-e', script], {
    cwd: repo,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sdkScript = `
const { ClientSecretCredential } = require('@azure/identity');
const { AzureMachineLearningWorkspaces } = require('@azure/arm-machinelearning');
const url = process.env.EMU_URL;
const cred = new ClientSecretCredential('${DEMO.tenantId}', '${DEMO.clientId}', '${DEMO.clientSecret}', { authorityHost: url, disableInstanceDiscovery: true });
const ml = new AzureMachineLearningWorkspaces(cred, '${DEMO.subscriptionId}', { endpoint: url, retryOptions: { maxRetries: 0 } });
ml.workspaces.get('${DEMO.resourceGroup}', '${DEMO.workspaceName}').then(
  (ws) => console.log('OK ' + ws.friendlyName),
  (e) => { console.log('FAIL ' + (e.code || e.message)); process.exit(1); });
`;

test('cli prints {url, caCertPath}; a child with NODE_EXTRA_CA_CERTS uses the SDK against it', () => {
  expect(started.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(fs.readFileSync(started.caCertPath, 'utf8')).toMatch(/BEGIN CERTIFICATE/);
  const ok = runChild(sdkScript, { EMU_URL: started.url, NODE_EXTRA_CA_CERTS: started.caCertPath });
  expect(ok.stdout.trim()).toBe('OK From the seed file');
  const untrusted = runChild(sdkScript, { EMU_URL: started.url, NODE_EXTRA_CA_CERTS: '' });
  expect(untrusted.status).toBe(1);
});

test('cli stops on SIGTERM and removes the CA file', async () => {
  const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
  cli.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(fs.existsSync(started.caCertPath)).toBe(false);
});
