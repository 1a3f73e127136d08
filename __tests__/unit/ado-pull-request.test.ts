/**
 * Which Azure Pipelines runs get a pull-request commenter, read from the agent's variables only:
 * PR validation builds of Azure Repos repositories do; CI, scheduled and manual builds get none;
 * other providers and missing variables or token are told why, without a request.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { organizationOf } from '../../src/ado/pull-request-threads';
import { ADO_PR, adoPullRequestEnv, loadAdoPlatform, type LoadedAdoPlatform } from '../../testkit/ado-pull-request';
import { DEMO } from '../../testkit/demo-world';

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ado-pr-unit-'));
const COLLECTION = 'https://dev.azure.com';
let loaded: LoadedAdoPlatform | undefined;
afterEach(() => loaded?.restore());
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

function target(overrides: Record<string, string> = {}, remove: string[] = []) {
  const env = adoPullRequestEnv(COLLECTION, overrides);
  for (const name of remove) delete env[name];
  loaded = loadAdoPlatform(env, tempDir);
  return loaded.platform.pullRequest();
}

it.each(['IndividualCI', 'BatchedCI', 'Schedule', 'Manual', 'ResourceTrigger', ''])(
  'Build.Reason %p is no pull-request run',
  (reason) => {
    expect(target({ BUILD_REASON: reason })).toEqual({ kind: 'none' });
  },
);

it('a PR build of an Azure Repos repository gets a commenter for that pull request, with the build results link', async () => {
  const found = target();
  expect(found.kind).toBe('pull-request');
  if (found.kind !== 'pull-request') return;
  const commenter = await found.open();
  expect(commenter.description).toBe(`pull request 12 of ${ADO_PR.project}/${ADO_PR.repositoryName}`);
  expect(commenter.maxBodyLength).toBe(150_000);
  expect(commenter.runUrl).toBe(`${COLLECTION}/emulator-org/emulator-project/_build/results?buildId=345`);
});

it('Build.Reason and provider are matched without regard to case', () => {
  expect(target({ BUILD_REASON: 'pullrequest', BUILD_REPOSITORY_PROVIDER: 'tfsgit' }).kind).toBe('pull-request');
});

it.each(['GitHub', 'GitHubEnterprise', 'Bitbucket', 'Git'])(
  'a PR build of a %s repository is unsupported: comments need Azure Repos',
  (provider) => {
    const found = target({ BUILD_REPOSITORY_PROVIDER: provider });
    expect(found.kind).toBe('unsupported');
    if (found.kind === 'unsupported') {
      expect(found.reason).toContain('Azure Repos');
      expect(found.reason).toContain(provider);
    }
  },
);

it('missing variables are named', () => {
  const found = target({}, ['SYSTEM_PULLREQUEST_PULLREQUESTID', 'BUILD_REPOSITORY_ID']);
  expect(found).toEqual({
    kind: 'unsupported',
    reason: expect.stringMatching(/Build\.Repository\.ID, System\.PullRequest\.PullRequestId/),
  });
});

it('the project name is enough when the project id is not given; the collection URI gets its slash', async () => {
  const found = target({ SYSTEM_COLLECTIONURI: 'https://dev.azure.com/emulator-org' }, ['SYSTEM_TEAMPROJECTID']);
  expect(found.kind).toBe('pull-request');
  if (found.kind === 'pull-request')
    expect((await found.open()).runUrl).toBe(
      'https://dev.azure.com/emulator-org/emulator-project/_build/results?buildId=345',
    );
});

it('without the job access token: unsupported, saying how to make System.AccessToken available', () => {
  const found = target({}, ['ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN']);
  expect(found.kind).toBe('unsupported');
  if (found.kind === 'unsupported') expect(found.reason).toMatch(/System\.AccessToken/);
});

it('System.AccessToken mapped into the environment is used when the endpoint has none', () => {
  const found = target({ SYSTEM_ACCESSTOKEN: 'mapped-access-token-value' }, [
    'ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN',
  ]);
  expect(found.kind).toBe('pull-request');
  expect(loaded!.stdout()).toContain('##vso[task.setsecret]mapped-access-token-value');
});

it('the token is registered as a secret and never echoed, also with System.Debug', () => {
  target({ SYSTEM_DEBUG: 'true' });
  const printed = loaded!
    .stdout()
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('##vso[task.setsecret]'));
  expect(loaded!.stdout()).toContain(`##vso[task.setsecret]${DEMO.adoSystemAccessToken}`);
  expect(printed.join('\n')).not.toContain(DEMO.adoSystemAccessToken);
});

it('a CI build reads no token at all', () => {
  target({ BUILD_REASON: 'IndividualCI' });
  expect(loaded!.stdout()).not.toContain('task.setsecret');
});

it.each([
  ['https://dev.azure.com/contoso/', 'contoso'],
  ['https://contoso.visualstudio.com/', 'contoso'],
  ['https://tfs.contoso.local/tfs/DefaultCollection/', 'DefaultCollection'],
])('the organization of %s is %s', (uri, org) => {
  expect(organizationOf(uri)).toBe(org);
});
