/**
 * The committed Azure DevOps bundle (dist/ado/index.js), spawned with the environment an Azure
 * Pipelines agent gives a Node task — INPUT_<NAME> for every input (task.json defaults filled in,
 * empty filePath inputs set to the sources directory), the service connection as ENDPOINT_*
 * variables, SystemVssConnection's access token, SYSTEM_OIDCREQUESTURI, AGENT_TEMPDIRECTORY —
 * against the Azure emulator. Results are read from the ##vso logging commands on stdout, as the
 * agent reads them (a failed task may still exit 0: task.complete decides).
 */
import type { Emulator } from '../../emulator';
import {
  adoSeed,
  CERT_CLIENT_ID,
  certificate,
  CONNECTION,
  runTask,
  type Scheme,
  type TaskRun,
} from '../../testkit/run-task';
import { startWorld } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';

const baseInputs = (extra: Record<string, string> = {}) => ({
  resourceGroup: DEMO.resourceGroup,
  workspaceName: DEMO.workspaceName,
  computeName: 'aks-prod',
  aksResourceId: DEMO.clusters.prod,
  ...extra,
});

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startWorld({ seed: adoSeed() });
});
afterEach(() => emulator.stop());

const mutating = () =>
  emulator.traffic
    .all()
    .filter(
      (e) => e.kind === 'arm' && ['PUT', 'DELETE', 'PATCH', 'POST'].includes(e.method) && !/\/list/i.test(e.path),
    );
const compute = (name = 'aks-prod') =>
  emulator.state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, name);

function expectSucceeded(run: TaskRun): void {
  expect({ completed: run.completed, errors: run.errors, stderr: run.stderr }).toEqual({
    completed: undefined,
    errors: [],
    stderr: '',
  });
  expect(run.exitCode).toBe(0);
}

test('attach, unchanged, refresh, detach: output variables, summary and the requests each makes', async () => {
  const attached = await runTask(emulator, baseInputs());
  expectSucceeded(attached);
  expect(attached.outputs).toEqual({
    result: 'attached',
    computeId: expect.stringMatching(/\/workspaces\/demo-ws\/computes\/aks-prod$/),
    clusterId: expect.stringMatching(/managedClusters\/aks-prod$/i),
    provisioningState: 'Succeeded',
    endpoint: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
  });
  const setvariable = attached.commands.filter((c) => c.command === 'task.setvariable');
  expect(setvariable.every((c) => c.properties.isOutput === 'true' && c.properties.issecret === 'false')).toBe(true);
  expect(attached.summary).toContain('attached');
  expect(attached.stdout).toMatch(/^##\[group\]/m);
  expect(compute()).toBeDefined();

  emulator.traffic.clear();
  const unchanged = await runTask(emulator, baseInputs());
  expectSucceeded(unchanged);
  expect(unchanged.outputs.result).toBe('unchanged');
  expect(mutating()).toHaveLength(0);

  emulator.traffic.clear();
  const refreshed = await runTask(emulator, baseInputs({ operation: 'refresh' }));
  expectSucceeded(refreshed);
  expect(refreshed.outputs.result).toBe('reattached');
  expect(mutating().map((e) => e.method)).toEqual(['DELETE', 'PUT']);

  emulator.traffic.clear();
  const detached = await runTask(emulator, baseInputs({ operation: 'detach' }));
  expectSucceeded(detached);
  expect(detached.outputs.result).toBe('detached');
  expect(detached.outputs.computeId).toMatch(/computes\/aks-prod$/);
  expect(compute()).toBeUndefined();
  expect(emulator.state.getManagedCluster(DEMO.clusters.prod)).toBeDefined();
  expect(emulator.traffic.all().some((e) => /underlyingResourceAction=Delete/i.test(e.url))).toBe(false);
});

test('invalid inputs: one error per problem under its camelCase name, task failed, not a single request', async () => {
  const run = await runTask(emulator, baseInputs({ computeName: '9bad', tls: 'auto', clusterPurpose: 'prod' }));
  expect(run.completed).toBe('Failed');
  const problems = run.errors.filter((e) => e.startsWith('Invalid input: '));
  expect(problems).toHaveLength(3);
  expect(problems.join('\n')).toMatch(/Invalid input: computeName: /);
  expect(problems.join('\n')).toMatch(/Invalid input: clusterPurpose: /);
  expect(problems.join('\n')).toMatch(/leafDomainLabel/);
  expect(problems.join('\n')).not.toMatch(/compute-name|cluster-purpose|leaf-domain-label/);
  expect(emulator.traffic.all()).toHaveLength(0);
});

test('a service connection with an unsupported scheme fails on azureSubscription before any request', async () => {
  const run = await runTask(emulator, baseInputs(), {
    env: { [`ENDPOINT_AUTH_SCHEME_${CONNECTION.other}`]: 'UsernamePassword' },
  });
  expect(run.completed).toBe('Failed');
  expect(run.errors.join('\n')).toMatch(
    /azureSubscription: .*UsernamePassword.*WorkloadIdentityFederation, ServicePrincipal, ManagedServiceIdentity/,
  );
  expect(emulator.traffic.all()).toHaveLength(0);
});

test('an Azure failure is reported with its code, message and the state left; the task fails', async () => {
  emulator.settings.failNextOperation = { code: 'ClusterPurposeMismatch', message: 'the cluster has too few nodes' };
  const run = await runTask(emulator, baseInputs());
  expect(run.completed).toBe('Failed');
  expect(run.errors.join('\n')).toMatch(/ClusterPurposeMismatch: the cluster has too few nodes/);
  expect(run.errors.join('\n')).toMatch(/Re-running/);
});

describe.each<[Scheme, () => void]>([
  ['secret', () => expect(emulator.tokenRequests(DEMO.clientId)).toBeGreaterThanOrEqual(1)],
  ['certificate', () => expect(emulator.tokenRequests(CERT_CLIENT_ID)).toBeGreaterThanOrEqual(1)],
  [
    'wif',
    () =>
      expect(
        emulator.traffic.all().filter((e) => e.kind === 'oidc' && e.method === 'POST').length,
      ).toBeGreaterThanOrEqual(1),
  ],
  [
    'managed-identity',
    () => expect(emulator.traffic.all().filter((e) => e.kind === 'msi').length).toBeGreaterThanOrEqual(1),
  ],
])('service connection scheme %s', (scheme, authenticatedThisWay) => {
  test('authenticates end to end and attaches; the subscription comes from the connection', async () => {
    const run = await runTask(emulator, baseInputs(), { scheme });
    expectSucceeded(run);
    expect(run.outputs.result).toBe('attached');
    authenticatedThisWay();
    expect(
      emulator.traffic.all().some((e) => e.kind === 'arm' && e.path.includes(`/subscriptions/${DEMO.subscriptionId}/`)),
    ).toBe(true);
  });
});

test('workload identity federation asks the agent OIDC endpoint with the connection id and the job token', async () => {
  const run = await runTask(emulator, baseInputs(), { scheme: 'wif' });
  expectSucceeded(run);
  const oidc = emulator.traffic.all().filter((e) => e.kind === 'oidc' && e.method === 'POST');
  expect(oidc[0].query.serviceConnectionId).toBe(CONNECTION.wif);
  expect(oidc[0].requestHeaders.authorization).toBe(`Bearer ${DEMO.adoSystemAccessToken}`);
});

test('secret scan with SYSTEM_DEBUG=true: no secret, key line or token in stdout or stderr', async () => {
  const tlsCert = emulator.ca.issue({ commonName: 'scoring.contoso.com', dnsNames: ['scoring.contoso.com'] });
  const tls = { tls: 'custom', tlsCert: tlsCert.chainPem, tlsKey: tlsCert.keyPem, tlsCname: 'scoring.contoso.com' };
  const keyLines = (pem: string) =>
    pem
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('-----'));

  const runs: [string, TaskRun, string[]][] = [];
  const secretRun = await runTask(emulator, baseInputs(tls), { env: { SYSTEM_DEBUG: 'true' } });
  runs.push(['secret', secretRun, [DEMO.clientSecret, ...keyLines(tlsCert.keyPem)]]);
  const certRun = await runTask(emulator, baseInputs({ ...tls, operation: 'refresh' }), {
    scheme: 'certificate',
    env: { SYSTEM_DEBUG: 'true' },
  });
  runs.push(['certificate', certRun, [...keyLines(certificate.keyPem), ...keyLines(tlsCert.keyPem)]]);
  const wifRun = await runTask(emulator, baseInputs({ operation: 'detach' }), {
    scheme: 'wif',
    env: { SYSTEM_DEBUG: 'true' },
  });
  runs.push(['wif', wifRun, [DEMO.adoSystemAccessToken]]);
  const wrongSecret = await runTask(emulator, baseInputs(), {
    clientSecret: 'wrong-secret-value-123',
    env: { SYSTEM_DEBUG: 'true' },
  });
  runs.push(['wrong secret', wrongSecret, ['wrong-secret-value-123']]);

  expect(secretRun.outputs.result).toBe('attached');
  expect(certRun.outputs.result).toBe('reattached');
  expect(wifRun.outputs.result).toBe('detached');
  expect(wrongSecret.completed).toBe('Failed');
  expect(wrongSecret.errors.join('\n')).toMatch(/AADSTS7000215|invalid_client/);

  for (const [name, run, secrets] of runs) {
    // Debug output was on: task-lib's own debug lines are there.
    expect(run.stdout).toContain('##vso[task.debug]');
    // The agent consumes ##vso[task.setsecret] (it never reaches the log); everything else must be clean.
    const visible = (run.stdout + '\n' + run.stderr)
      .split(/\r?\n/)
      .filter((l) => !l.startsWith('##vso[task.setsecret]'))
      .join('\n');
    for (const secret of secrets) {
      expect({ run: name, secret: secret.slice(0, 6), masked: run.masked.includes(secret) }).toEqual({
        run: name,
        secret: secret.slice(0, 6),
        masked: true,
      });
      expect({ run: name, secret: secret.slice(0, 6), leaked: visible.includes(secret) }).toEqual({
        run: name,
        secret: secret.slice(0, 6),
        leaked: false,
      });
    }
    // No bearer token of any kind (emulator tokens, OIDC tokens) is printed.
    expect({ run: name, jwt: /eyJ[\w-]{8,}\.[\w-]{8,}\./.test(visible) }).toEqual({ run: name, jwt: false });
  }
});
