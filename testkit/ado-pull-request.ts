/**
 * An Azure Pipelines pull-request validation build, as the agent describes it to a task: the
 * predefined variables (as environment variables) that name the pull request, and an in-process
 * loader of the ADO Platform over a fresh task-lib that reads them (task-lib reads the
 * environment once, when first imported).
 */
import type * as PlatformModule from '../src/ado/platform';
import { DEMO } from './demo-world';

export const ADO_PR = {
  organization: 'emulator-org',
  project: 'emulator-project',
  projectId: '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c',
  repositoryId: 'c9a7e1f0-5b4d-4f61-9a43-0d3c2b1a7e55',
  repositoryName: 'inference-clusters',
  pullRequestId: 12,
  buildId: '345',
};

/** The variables of a PR build of an Azure Repos repository whose collection is `${emulatorUrl}/emulator-org/`. */
export function adoPullRequestEnv(emulatorUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    BUILD_REASON: 'PullRequest',
    BUILD_REPOSITORY_PROVIDER: 'TfsGit',
    SYSTEM_COLLECTIONURI: `${emulatorUrl}/${ADO_PR.organization}/`,
    SYSTEM_TEAMPROJECT: ADO_PR.project,
    SYSTEM_TEAMPROJECTID: ADO_PR.projectId,
    BUILD_REPOSITORY_ID: ADO_PR.repositoryId,
    BUILD_REPOSITORY_NAME: ADO_PR.repositoryName,
    SYSTEM_PULLREQUEST_PULLREQUESTID: String(ADO_PR.pullRequestId),
    BUILD_BUILDID: ADO_PR.buildId,
    ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: DEMO.adoSystemAccessToken,
    ...overrides,
  };
}

/** Variable names the loader clears before each load, so that a case sees only what it sets. */
const PR_VARIABLES = Object.keys(adoPullRequestEnv('https://x')).concat([
  'SYSTEM_ACCESSTOKEN',
  'SYSTEM_DEBUG',
  'AGENT_PROXYURL',
  'AGENT_PROXYUSERNAME',
  'AGENT_PROXYPASSWORD',
  'AGENT_PROXYBYPASSLIST',
  'HTTPS_PROXY',
  'https_proxy',
  'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI',
  'AKS_AML_REQUEST_TIMEOUT_MS',
]);

export interface LoadedAdoPlatform {
  platform: ReturnType<typeof PlatformModule.createAdoPlatform>;
  /** What task-lib and the platform printed since the load (logging commands included). */
  stdout: () => string;
  /** Puts the environment and stdout back. */
  restore: () => void;
}

/**
 * The ADO Platform over a task-lib that has just read `env` (plus AGENT_TEMPDIRECTORY), with
 * stdout captured. Call restore() when done (afterEach).
 */
export function loadAdoPlatform(env: Record<string, string>, tempDir: string): LoadedAdoPlatform {
  const saved = { ...process.env };
  for (const name of PR_VARIABLES) delete process.env[name];
  Object.assign(process.env, { AGENT_TEMPDIRECTORY: tempDir, ...env });
  delete (global as Record<string, unknown>)['_vsts_task_lib_loaded'];
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const before = { e: process.listeners('uncaughtException'), r: process.listeners('unhandledRejection') };
  let module!: typeof PlatformModule;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy per load, on purpose
    module = require('../src/ado/platform') as typeof PlatformModule;
  });
  // task-lib installs process-wide handlers on load; a test process keeps its own.
  for (const l of process.listeners('uncaughtException'))
    if (!before.e.includes(l)) process.off('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection'))
    if (!before.r.includes(l)) process.off('unhandledRejection', l);
  written.length = 0;
  return {
    platform: module.createAdoPlatform(),
    stdout: () => written.join(''),
    restore: () => {
      write.mockRestore();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    },
  };
}
