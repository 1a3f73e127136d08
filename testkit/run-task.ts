/**
 * Spawns the committed Azure DevOps bundle (dist/ado/index.js) with the environment an Azure
 * Pipelines agent gives a Node task — INPUT_<NAME> for every input (task.json defaults filled in,
 * empty filePath inputs set to the sources directory), the service connection as ENDPOINT_*
 * variables, SystemVssConnection's access token, SYSTEM_OIDCREQUESTURI, AGENT_TEMPDIRECTORY —
 * against the Azure emulator. Results are read from the ##vso logging commands on stdout, as the
 * agent reads them (a failed task may still exit 0: task.complete decides).
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandFromString } from 'azure-pipelines-task-lib/taskcommand';
import { selfSigned, type Emulator, type EmulatorSeed, type IssuedCertificate } from '../emulator';
import { demoSeed } from './demo-world';
import { DEMO } from './demo-world';
import { repoRoot } from '../scripts/lib/repo-root';
import { spawnBundle } from './spawn-bundle';

const root = repoRoot();
export const ADO_BUNDLE = path.join(root, 'dist', 'ado', 'index.js');
const task = JSON.parse(fs.readFileSync(path.join(root, 'task.json'), 'utf8')) as {
  inputs: { name: string; type: string; defaultValue?: string }[];
};

/** Connection ids: the WIF one must be the id the emulator's Azure DevOps knows (its OIDC subject). */
export const CONNECTION = { wif: DEMO.adoServiceConnectionId, other: '44444444-0000-4000-8000-00000000c0de' };
export const CERT_CLIENT_ID = '55555555-0000-4000-8000-00000000d3e0';
export const certificate: IssuedCertificate = selfSigned({ commonName: 'aks-aml-attach-deployer', keyType: 'rsa' });

/** The demo world plus a principal that signs in with a certificate. */
export function adoSeed(): EmulatorSeed {
  const s = demoSeed();
  s.tenants![0].principals.push({
    clientId: CERT_CLIENT_ID,
    displayName: 'cert-deployer',
    certificates: [certificate.certPem],
  });
  return s;
}

export interface Command {
  command: string;
  properties: Record<string, string>;
  message: string;
}
export interface TaskRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  commands: Command[];
  /** task.setvariable with isOutput=true. */
  outputs: Record<string, string>;
  /** result of task.complete, if any. */
  completed?: string;
  errors: string[];
  summary?: string;
  masked: string[];
}

export type Scheme = 'secret' | 'certificate' | 'wif' | 'managed-identity';

/** The service connection as the agent exposes it, for each authentication scheme. */
export function connectionEnv(
  emulator: Emulator,
  scheme: Scheme,
  overrides: { clientSecret?: string } = {},
): Record<string, string> {
  const id = scheme === 'wif' ? CONNECTION.wif : CONNECTION.other;
  const parameters: Record<string, string> = { tenantid: DEMO.tenantId };
  let schemeName = 'ServicePrincipal';
  if (scheme === 'secret')
    Object.assign(parameters, {
      serviceprincipalid: DEMO.clientId,
      authenticationType: 'spnKey',
      serviceprincipalkey: overrides.clientSecret ?? DEMO.clientSecret,
    });
  if (scheme === 'certificate')
    Object.assign(parameters, {
      serviceprincipalid: CERT_CLIENT_ID,
      authenticationType: 'spnCertificate',
      servicePrincipalCertificate: `${certificate.certPem}${certificate.keyPem}`,
    });
  if (scheme === 'wif') {
    schemeName = 'WorkloadIdentityFederation';
    Object.assign(parameters, {
      serviceprincipalid: DEMO.clientId,
      workloadIdentityFederationIssuer: emulator.oidcIssuers.azureDevOps,
      workloadIdentityFederationSubject: DEMO.adoSubject,
    });
  }
  if (scheme === 'managed-identity') schemeName = 'ManagedServiceIdentity';
  const data: Record<string, string> = {
    subscriptionId: DEMO.subscriptionId,
    subscriptionName: 'Demo subscription',
    environment: 'AzureCloud',
    scopeLevel: 'Subscription',
    environmentAuthorityUrl: `${emulator.url}/`,
    activeDirectoryAuthority: `${emulator.url}/`,
  };
  const env: Record<string, string> = {
    INPUT_AZURESUBSCRIPTION: id,
    [`ENDPOINT_URL_${id}`]: `${emulator.url}/`,
    [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ parameters, scheme: schemeName }),
    [`ENDPOINT_AUTH_SCHEME_${id}`]: schemeName,
  };
  for (const [k, v] of Object.entries(parameters)) env[`ENDPOINT_AUTH_PARAMETER_${id}_${k.toUpperCase()}`] = v;
  for (const [k, v] of Object.entries(data)) env[`ENDPOINT_DATA_${id}_${k.toUpperCase()}`] = v;
  if (scheme === 'managed-identity') {
    // The agent VM's identity, App Service style (what MSAL uses when these are set).
    env.IDENTITY_ENDPOINT = `${emulator.url}/msi/token`;
    env.IDENTITY_HEADER = 'msi-identity-header';
  }
  return env;
}

export async function runTask(
  emulator: Emulator,
  inputs: Record<string, string>,
  options: {
    scheme?: Scheme;
    env?: Record<string, string>;
    clientSecret?: string;
    nodePath?: string;
    /** Another build of the task's bundle (the benchmark's baseline); default dist/ado/index.js. */
    bundle?: string;
    onSpawn?: (child: ChildProcess) => void;
  } = {},
): Promise<TaskRun> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ado-task-'));
  const agentTemp = path.join(work, '_temp');
  const sources = path.join(work, 's');
  fs.mkdirSync(agentTemp);
  fs.mkdirSync(sources);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? work,
    TF_BUILD: 'True',
    AGENT_TEMPDIRECTORY: agentTemp,
    AGENT_WORKFOLDER: work,
    AGENT_VERSION: '4.266.2',
    BUILD_SOURCESDIRECTORY: sources,
    SYSTEM_DEFAULTWORKINGDIRECTORY: sources,
    SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: 'https://dev.azure.com/emulator-org/',
    SYSTEM_HOSTTYPE: 'build',
    SYSTEM_OIDCREQUESTURI: `${emulator.url}/ado-oidc/emulator-org/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken`,
    ENDPOINT_URL_SYSTEMVSSCONNECTION: 'https://dev.azure.com/emulator-org/',
    ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION: 'OAuth',
    ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: DEMO.adoSystemAccessToken,
    NODE_EXTRA_CA_CERTS: emulator.caCertPath,
    ...connectionEnv(emulator, options.scheme ?? 'secret', { clientSecret: options.clientSecret }),
  };
  // The agent passes every input: given values, else task.json's default; an empty filePath input becomes the sources directory.
  for (const input of task.inputs) {
    if (input.name === 'azureSubscription') continue;
    const value = inputs[input.name] ?? input.defaultValue ?? (input.type === 'filePath' ? sources : '');
    env[`INPUT_${input.name.toUpperCase()}`] = value;
  }
  Object.assign(env, options.env);

  const { exitCode, stdout, stderr } = await spawnBundle({
    bundle: options.bundle ?? ADO_BUNDLE,
    cwd: sources,
    env,
    nodePath: options.nodePath,
    onSpawn: options.onSpawn,
  });
  const commands = stdout
    .split(/\r?\n/)
    .filter((l) => l.startsWith('##vso['))
    .map((l) => commandFromString(l) as unknown as Command);
  const outputs: Record<string, string> = {};
  for (const c of commands)
    if (c.command === 'task.setvariable' && c.properties.isOutput === 'true')
      outputs[c.properties.variable] = c.message;
  const summaryPath = commands.find((c) => c.command === 'task.uploadsummary')?.message;
  const run: TaskRun = {
    exitCode,
    stdout,
    stderr,
    commands,
    outputs,
    completed: commands.filter((c) => c.command === 'task.complete').pop()?.properties.result,
    errors: commands.filter((c) => c.command === 'task.issue' && c.properties.type === 'error').map((c) => c.message),
    summary: summaryPath && fs.existsSync(summaryPath) ? fs.readFileSync(summaryPath, 'utf8') : undefined,
    masked: commands.filter((c) => c.command === 'task.setsecret').map((c) => c.message),
  };
  fs.rmSync(work, { recursive: true, force: true });
  return run;
}
