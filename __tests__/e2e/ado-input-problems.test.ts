/**
 * The Azure DevOps task with inputs missing reports every problem in one run, the service
 * connection's together with the others (as the GitHub Action lists every missing input), and
 * sends no request; the job token is scrubbed from what it prints.
 */
import { type Emulator } from '../../emulator';
import { DEMO } from '../../testkit/demo-world';
import { runTask } from '../../testkit/run-task';
import { SecretScanner, visibleOf } from '../../testkit/secret-scan';
import { startWorld } from '../../testkit/world';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startWorld();
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.traffic.clear());

const invalid = (errors: string[]) =>
  errors.filter((e) => e.startsWith('Invalid input: ')).map((e) => e.slice('Invalid input: '.length).split(':')[0]);

test('a task with no inputs at all lists the service connection and every required input', async () => {
  const r = await runTask(emulator, {}, { env: { INPUT_AZURESUBSCRIPTION: '' } });
  expect(r.completed).toBe('Failed');
  expect(invalid(r.errors)).toEqual(['azureSubscription', 'resourceGroup', 'workspaceName', 'computeName']);
  expect(r.errors.join('\n')).toMatch(
    /azureSubscription: required: the name of an Azure Resource Manager service connection/,
  );
  expect(r.errors.join('\n')).toMatch(/computeName: is required; a compute name has 3-24/);
  // The subscription would come with the connection: not reported while the connection is missing.
  expect(r.errors.join('\n')).not.toMatch(/subscriptionId/);
  expect(r.stdout).toMatch(/4 problem\(s\) with the inputs; nothing was changed\./);
  expect(emulator.traffic.all()).toEqual([]);
  expect(new SecretScanner().addDemoSecrets().scan(visibleOf(r))).toEqual([]);
});

test('a connection that is not found, with a bad subscription id and compute name: all three', async () => {
  const r = await runTask(
    emulator,
    { resourceGroup: 'demo-rg', workspaceName: 'demo-ws', computeName: '9bad', subscriptionId: 'nope' },
    { env: { INPUT_AZURESUBSCRIPTION: 'no-such-connection' } },
  );
  expect(r.completed).toBe('Failed');
  expect(invalid(r.errors)).toEqual(['azureSubscription', 'subscriptionId', 'computeName']);
  expect(r.errors.join('\n')).toMatch(/service connection 'no-such-connection' was not found/);
  expect(emulator.traffic.all()).toEqual([]);
});

test('the job access token given by mistake as an input value is scrubbed from the errors and the summary', async () => {
  const r = await runTask(emulator, {
    resourceGroup: 'demo-rg',
    workspaceName: 'demo-ws',
    computeName: 'aks-prod',
    operation: DEMO.adoSystemAccessToken,
  });
  expect(r.completed).toBe('Failed');
  expect(r.errors.join('\n')).toContain("operation: '***' is not one of: ensure, refresh, detach");
  // What the product writes (errors, summary); task-lib's own echo of the input is the agent's to mask.
  expect(new SecretScanner().addDemoSecrets().scan({ errors: r.errors.join('\n'), summary: r.summary })).toEqual([]);
});
