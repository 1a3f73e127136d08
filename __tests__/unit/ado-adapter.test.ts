/**
 * The Azure Pipelines Platform and input reader, checked on the logging commands they print.
 * task-lib reads INPUT_* when first imported, so each case loads a fresh copy.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INPUTS, type InputName } from '../../src/core/contract/inputs';
import { maskSecret, SecretRedactor } from '../../src/core/contract/secrets';
import type * as InputsModule from '../../src/ado/inputs';
import type * as PlatformModule from '../../src/ado/platform';

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ado-adapter-test-'));
let baseEnv: NodeJS.ProcessEnv;
let stdout: string[];

function resetEnv(): void {
  for (const key of Object.keys(process.env)) if (!(key in baseEnv)) delete process.env[key];
  Object.assign(process.env, baseEnv);
}
beforeEach(() => {
  baseEnv = { ...process.env };
  delete baseEnv.SYSTEM_DEBUG;
  stdout = [];
});
afterEach(() => {
  jest.restoreAllMocks();
  resetEnv();
});
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

function load(env: Record<string, string> = {}): { inputs: typeof InputsModule; platform: typeof PlatformModule } {
  resetEnv();
  Object.assign(process.env, { AGENT_TEMPDIRECTORY: tempDir, ...env });
  delete (global as Record<string, unknown>)['_vsts_task_lib_loaded'];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  const before = { e: process.listeners('uncaughtException'), r: process.listeners('unhandledRejection') };
  let modules!: { inputs: typeof InputsModule; platform: typeof PlatformModule };
  jest.isolateModules(() => {
    modules = { inputs: require('../../src/ado/inputs'), platform: require('../../src/ado/platform') };
  });
  for (const l of process.listeners('uncaughtException'))
    if (!before.e.includes(l)) process.off('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection'))
    if (!before.r.includes(l)) process.off('unhandledRejection', l);
  stdout.length = 0; // task-lib's own start-up debug lines
  return modules;
}

const lines = () =>
  stdout
    .join('')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
const commands = (name: string) => lines().filter((l) => l.startsWith(`##vso[${name}`));

describe('Platform over task-lib', () => {
  it('sets output variables under their camelCase names with isOutput=true', () => {
    const platform = load().platform.createAdoPlatform();
    platform.setOutput('result', 'attached');
    platform.setOutput(
      'compute-id',
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/computes/aks1',
    );
    platform.setOutput(
      'cluster-id',
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c',
    );
    platform.setOutput('provisioning-state', 'Succeeded');
    platform.setOutput('endpoint', '20.1.2.3');
    const set = commands('task.setvariable');
    expect(set).toHaveLength(5);
    for (const [name, value] of [
      ['result', 'attached'],
      ['computeId', '/subscriptions/s/'],
      ['clusterId', '/subscriptions/s/'],
      ['provisioningState', 'Succeeded'],
      ['endpoint', '20.1.2.3'],
    ]) {
      const line = set.find((l) => l.includes(`variable=${name};`));
      expect(line).toMatch(/isOutput=true;/);
      expect(line).toMatch(/issecret=false;/);
      expect(line?.split(']')[1]).toContain(value);
    }
  });

  it('prints info plainly, warnings and errors as issues with their title, debug as task.debug', () => {
    const platform = load().platform.createAdoPlatform();
    platform.info('plain line');
    platform.warning('careful', { title: 'Drift' });
    platform.error('broken', { title: 'Azure' });
    platform.debug('details');
    expect(lines()).toContain('plain line');
    expect(lines()).toContainEqual(expect.stringMatching(/^##vso\[task\.issue type=warning;.*\]Drift: careful$/));
    expect(lines()).toContainEqual(expect.stringMatching(/^##vso\[task\.issue type=error;.*\]Azure: broken$/));
    expect(lines()).toContain('##vso[task.debug]details');
  });

  it('reports debug mode from SYSTEM_DEBUG', () => {
    expect(load().platform.createAdoPlatform().isDebug()).toBe(false);
    expect(load({ SYSTEM_DEBUG: 'true' }).platform.createAdoPlatform().isDebug()).toBe(true);
    expect(load({ SYSTEM_DEBUG: 'True' }).platform.createAdoPlatform().isDebug()).toBe(true);
  });

  it('wraps a group in ##[group] / ##[endgroup], also when the body throws', async () => {
    const platform = load().platform.createAdoPlatform();
    await expect(platform.group('Plan', async () => 42)).resolves.toBe(42);
    await expect(platform.group('Boom', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(lines()).toEqual(['##[group]Plan', '##[endgroup]', '##[group]Boom', '##[endgroup]']);
  });

  it('masks single lines with task.setsecret; a multi-line value line by line through maskSecret', () => {
    const platform = load().platform.createAdoPlatform();
    platform.maskLine('s3cr3t-value');
    maskSecret(platform, '-----BEGIN PRIVATE KEY-----\nAAAABBBBCCCC\nDDDDEEEEFFFF\n-----END PRIVATE KEY-----\n');
    expect(commands('task.setsecret')).toEqual([
      '##vso[task.setsecret]s3cr3t-value',
      '##vso[task.setsecret]AAAABBBBCCCC',
      '##vso[task.setsecret]DDDDEEEEFFFF',
    ]);
  });

  it('writes the summary to a file in the agent temp directory and uploads it', async () => {
    const platform = load().platform.createAdoPlatform();
    await platform.writeSummary('## Attached\n\n| a | b |\n');
    const [upload] = commands('task.uploadsummary');
    const file = upload.slice('##vso[task.uploadsummary]'.length);
    expect(path.dirname(file)).toBe(tempDir);
    expect(fs.readFileSync(file, 'utf8')).toBe('## Attached\n\n| a | b |\n');
  });

  it('fails the task with task.complete result=Failed', () => {
    load().platform.createAdoPlatform().fail('it broke');
    expect(lines()).toContain('##vso[task.complete result=Failed;]it broke');
  });
});

describe('input reader', () => {
  const sourcesDir = path.join(tempDir, 's');

  it('maps every kebab-case input to its camelCase task input, trimmed; empty reads as undefined', () => {
    const env: Record<string, string> = {};
    for (const def of INPUTS)
      if ('ado' in def && def.ado) env[`INPUT_${def.ado.toUpperCase()}`] = `  value-of-${def.ado}  `;
    env.INPUT_LOCATION = '   ';
    const { inputs, platform } = load(env);
    const read = inputs.createAdoInputReader(new SecretRedactor(platform.createAdoPlatform()));
    for (const def of INPUTS) {
      const expected =
        !('ado' in def) || !def.ado ? undefined : def.ado === 'location' ? undefined : `value-of-${def.ado}`;
      expect({ name: def.name, value: read(def.name) }).toEqual({ name: def.name, value: expected });
    }
  });

  it('never reads GitHub-only inputs (authentication comes from the service connection)', () => {
    const { inputs, platform } = load({
      INPUT_CREDS: '{"clientSecret":"x"}',
      INPUT_CLIENT_ID: 'c',
      INPUT_ENVIRONMENT: 'AzureChinaCloud',
    });
    const read = inputs.createAdoInputReader(new SecretRedactor(platform.createAdoPlatform()));
    for (const name of [
      'creds',
      'client-id',
      'tenant-id',
      'client-secret',
      'environment',
      'arm-endpoint',
      'authority-host',
    ] as InputName[]) {
      expect(read(name)).toBeUndefined();
    }
  });

  it('shows camelCase names in messages', () => {
    const { inputs } = load();
    expect(inputs.adoDisplayName('tls-cert-file')).toBe('tlsCertFile');
    expect(inputs.adoDisplayName('dry-run')).toBe('dryRun');
    expect(inputs.adoDisplayName('compute-name')).toBe('computeName');
  });

  it('reads an empty filePath input (which the agent fills with the sources directory) as undefined', () => {
    const { inputs, platform } = load({
      BUILD_SOURCESDIRECTORY: sourcesDir,
      SYSTEM_DEFAULTWORKINGDIRECTORY: sourcesDir,
      INPUT_TLSCERTFILE: sourcesDir,
      INPUT_TLSKEYFILE: path.join(sourcesDir, 'tls', 'key.pem'),
    });
    const read = inputs.createAdoInputReader(new SecretRedactor(platform.createAdoPlatform()));
    expect(read('tls-cert-file')).toBeUndefined();
    expect(read('tls-key-file')).toBe(path.join(sourcesDir, 'tls', 'key.pem'));
  });

  it('masks a secret input line by line as it reads it, once, and task-lib never echoes it', () => {
    const keyLines = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj'];
    const key = `-----BEGIN PRIVATE KEY-----\n${keyLines.join('\n')}\n-----END PRIVATE KEY-----`;
    const { inputs, platform } = load({ INPUT_TLSKEY: key, SYSTEM_DEBUG: 'true' });
    const read = inputs.createAdoInputReader(new SecretRedactor(platform.createAdoPlatform()));
    expect(read('tls-key')).toBe(key);
    expect(read('tls-key')).toBe(key);
    expect(commands('task.setsecret')).toEqual(keyLines.map((l) => `##vso[task.setsecret]${l}`));
    const escaped = keyLines.map((l) => l.replace(/%/g, '%AZP25'));
    for (const line of lines().filter((l) => !l.startsWith('##vso[task.setsecret]'))) {
      for (const secretLine of escaped) expect(line).not.toContain(secretLine);
    }
  });
});
