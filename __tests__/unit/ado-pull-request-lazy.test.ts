/**
 * The Azure DevOps thread client is evaluated only when a pull-request run opens its commenter:
 * CI builds, and PR builds that only looked at their variables, never load it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { adoPullRequestEnv, loadAdoPlatform, type LoadedAdoPlatform } from '../../testkit/ado-pull-request';

let evaluations = 0;
// Counts evaluations of the real module (its exports are the real ones).
jest.mock('../../src/ado/pull-request-threads', () => {
  evaluations++;
  return jest.requireActual('../../src/ado/pull-request-threads');
});

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ado-pr-lazy-'));
let loaded: LoadedAdoPlatform | undefined;
afterEach(() => loaded?.restore());
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }));

test('a CI build does not load the thread client', () => {
  loaded = loadAdoPlatform(adoPullRequestEnv('https://dev.azure.com', { BUILD_REASON: 'IndividualCI' }), tempDir);
  expect(loaded.platform.pullRequest()).toEqual({ kind: 'none' });
  expect(evaluations).toBe(0);
});

test('a PR build loads it when the commenter is opened, not before', async () => {
  loaded = loadAdoPlatform(adoPullRequestEnv('https://dev.azure.com'), tempDir);
  const target = loaded.platform.pullRequest();
  expect(target.kind).toBe('pull-request');
  expect(evaluations).toBe(0);
  if (target.kind === 'pull-request') await target.open();
  expect(evaluations).toBe(1);
});
