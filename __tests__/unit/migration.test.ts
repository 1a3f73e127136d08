/** migrate-from as tables: the inputs, the pre-flight of the v1 compute and the cluster, the three steps, and the coexistence kept. */
import { parseManagedClusterId } from '../../src/core/azure/arm-id';
import type { ClusterView } from '../../src/core/cluster/coexistence';
import type { InputName } from '../../src/core/contract/inputs';
import { readDesiredState } from '../../src/core/desired/read';
import { managedSettings } from '../../src/core/extension/settings';
import type { ObservedKubernetesState } from '../../src/core/observe/kubernetes';
import { planKubernetes } from '../../src/core/plan/kubernetes-plan';
import { checkMigrationSource, checkNamespace, planMigration, withMigration } from '../../src/core/plan/migration';
import { migrationSummary } from '../../src/core/report/migration-summary';
import type { RunReport } from '../../src/core/run';
import { baseInputs, CLUSTER_ID, observedCompute, reader } from '../../testkit/inputs';
import { observeKubernetes } from '../../src/core/observe/kubernetes';
import type { Extension, ExtensionGateway } from '../../src/core/azure/extension-gateway';
import type { ArmGateway } from '../../src/core/azure/gateway';
import { DeadlineError } from '../../src/core/contract/errors';
import { createVirtualClock } from '../../testkit/virtual-clock';
import { credentialsOnce } from '../../src/core/cluster/credentials-once';
import { recordingPlatform } from '../../testkit/recording-platform';

const cluster = parseManagedClusterId(CLUSTER_ID)!;
const desired = (extra: Partial<Record<InputName, string>> = {}) =>
  readDesiredState({
    readInput: reader(
      baseInputs({ 'compute-type': 'kubernetes', 'compute-name': 'k8s-prod', 'migrate-from': 'aks-v1', ...extra }),
    ),
    displayName: (n) => n,
  });
const v1 = observedCompute({ name: 'aks-v1' });
const extension = (settings: Record<string, string>) => ({
  id: `${CLUSTER_ID}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
  name: 'azureml',
  extensionType: 'microsoft.azureml.kubernetes',
  provisioningState: 'Succeeded',
  settings,
  problems: [],
});
const settings = (coexistence: boolean) =>
  managedSettings({
    cluster,
    location: 'eastus',
    purpose: 'FastProd',
    loadBalancerType: 'PublicIp',
    tls: { mode: 'disabled' },
    coexistence,
  });
const observed = (over: Partial<ObservedKubernetesState> = {}): ObservedKubernetesState => ({
  cluster: { location: 'eastus' },
  v1Computes: [{ name: 'aks-v1', id: v1.id }],
  migrateFrom: v1,
  workspaceLocation: 'eastus',
  ...over,
});
const view = (over: Partial<ClusterView> = {}): ClusterView => ({
  access: { contextName: 'c', server: 'https://k8s.example' },
  namespaceExists: true,
  frontEnd: { replicas: 2, readyReplicas: 2, annotated: false },
  ...over,
});

test('inputs: migrate-from only with compute-type kubernetes, not with detach, not the namespace of the v1 services; tls: keep only with it', () => {
  expect(desired({ namespace: 'ml-v2', tls: 'keep' }).kubernetes).toEqual({
    namespace: 'ml-v2',
    extensionName: 'azureml',
    migrateFrom: 'aks-v1',
  });
  expect(() => desired({ namespace: 'azureml-ml-ws' })).toThrow(
    /namespace: 'azureml-ml-ws' is where the v1 web services of workspace ml-ws live/,
  );
  expect(() => desired({ 'migrate-from': 'k8s-prod' })).toThrow(/migrate-from: names the compute to set up/);
  expect(() => desired({ operation: 'detach' })).toThrow(/migrate-from: does not apply with operation: detach/);
  expect(() => desired({ 'migrate-from': '', tls: 'keep' })).toThrow(
    /tls: 'keep' is not available with compute-type: kubernetes without migrate-from/,
  );
  expect(() =>
    readDesiredState({ readInput: reader(baseInputs({ 'migrate-from': 'aks-v1' })), displayName: (n) => n }),
  ).toThrow(/migrate-from: applies only with compute-type: kubernetes/);
});

test('pre-flight of the v1 compute: it exists, is AKS, is bound to this cluster and Succeeded', () => {
  const d = desired();
  expect(checkMigrationSource(d, observed(), cluster)).toBe(v1);
  expect(() => checkMigrationSource(d, observed({ migrateFrom: undefined }), cluster)).toThrow(
    /compute 'aks-v1' does not exist in workspace ml-ws/,
  );
  expect(() =>
    checkMigrationSource(d, observed({ migrateFrom: { ...v1, computeType: 'Kubernetes' } }), cluster),
  ).toThrow(/is of type Kubernetes, not a v1 AKS compute/);
  const other = CLUSTER_ID.replace('aks-prod', 'aks-other');
  expect(() => checkMigrationSource(d, observed({ migrateFrom: { ...v1, clusterId: other } }), cluster)).toThrow(
    /bound to cluster .*aks-other, not to .*aks-prod/,
  );
  expect(() =>
    checkMigrationSource(d, observed({ migrateFrom: { ...v1, provisioningState: 'Failed' } }), cluster),
  ).toThrow(/is Failed, not Succeeded/);
});

test('the three steps on a fresh cluster: annotate, install with scoringFe.enableUpgrade, attach; a missing namespace or a front end not ready stops it', () => {
  const d = desired({ namespace: 'ml-v2' });
  const plan = planKubernetes(d, observed());
  expect(plan.action).toBe('attach');
  expect(plan.extension?.kind === 'install' && plan.extension.body.configurationSettings).toMatchObject({
    'scoringFe.enableUpgrade': 'true',
  });
  const migration = planMigration(d, plan, v1, view(), cluster);
  expect(migration.annotate).toBe(true);
  expect(migration.steps.map((s) => [s.title, s.needed])).toEqual([
    ['annotate azureml-fe', true],
    ['install extension azureml', true],
    ['attach k8s-prod', true],
  ]);
  expect(() => checkNamespace(d, cluster, view({ namespaceExists: false }))).toThrow(
    /namespace ml-v2 does not exist on cluster aks-prod/,
  );
  expect(() => planMigration(d, plan, v1, view({ frontEnd: undefined }), cluster)).toThrow(/does not exist/);
  expect(() =>
    planMigration(d, plan, v1, view({ frontEnd: { replicas: 2, readyReplicas: 1, annotated: true } }), cluster),
  ).toThrow(/not ready \(1 of 2 replicas ready\)/);
});

test('an installed extension gets the setting by one PATCH; once everything is there nothing is written', () => {
  const d = desired({ namespace: 'ml-v2' });
  const k8s = observedCompute({ name: 'k8s-prod', computeType: 'Kubernetes', namespace: 'ml-v2' });
  const patched = planKubernetes(d, observed({ compute: k8s, extension: extension(settings(false)) }));
  expect(patched.extension).toEqual({
    kind: 'update',
    patch: { configurationSettings: { 'scoringFe.enableUpgrade': 'true' } },
  });
  const done = planKubernetes(d, observed({ compute: k8s, extension: extension(settings(true)) }));
  expect(done.action).toBe('none');
  const steps = planMigration(
    d,
    done,
    v1,
    view({ frontEnd: { replicas: 2, readyReplicas: 2, annotated: true } }),
    cluster,
  );
  expect(steps.annotate).toBe(false);
  expect(steps.steps.every((s) => !s.needed)).toBe(true);
  expect(withMigration(done, steps).action).toBe('none');
  // The annotation removed by hand: only that is written again.
  const again = planMigration(d, done, v1, view(), cluster);
  expect(again.steps.map((s) => s.needed)).toEqual([true, false, false]);
  expect(withMigration(done, again)).toMatchObject({
    action: 'update',
    reasons: expect.arrayContaining([expect.stringMatching(/lacks the annotation azureml-fe-enable-upgrade=true/)]),
  });
});

test('without migrate-from: a v1 cluster is refused, unless the extension already shares it; scoringFe.enableUpgrade is never stripped', () => {
  const plain = desired({ 'migrate-from': '' });
  expect(() => planKubernetes(plain, observed({ migrateFrom: undefined }))).toThrow(/set migrate-from: aks-v1/);
  const k8s = observedCompute({ name: 'k8s-prod', computeType: 'Kubernetes', namespace: 'default' });
  for (const operation of ['ensure', 'refresh']) {
    const plan = planKubernetes(
      desired({ 'migrate-from': '', operation }),
      observed({ migrateFrom: undefined, compute: k8s, extension: extension(settings(true)) }),
    );
    const sent = plan.extension?.kind === 'update' ? plan.extension.patch.configurationSettings : undefined;
    expect(sent?.['scoringFe.enableUpgrade'] ?? 'not sent').not.toBe('false');
    if (operation === 'ensure') expect(plan.action).toBe('none');
    else expect(sent?.['scoringFe.enableUpgrade']).toBe('true');
  }
  // After the v1 compute is detached: a plain v2 cluster, the setting still kept.
  const after = planKubernetes(
    plain,
    observed({ v1Computes: [], migrateFrom: undefined, compute: k8s, extension: extension(settings(true)) }),
  );
  expect(after.action).toBe('none');
});

test('the summary of a v1 detach says it is the last step of a migration', () => {
  const d = readDesiredState({ readInput: reader(baseInputs({ operation: 'detach' })), displayName: (n) => n });
  const report = { desired: d, plan: { action: 'detach' }, result: 'detached', before: v1 } as unknown as RunReport;
  expect(migrationSummary(report).join('\n')).toMatch(
    /the migration's last step, to take only once its v1 web services are redeployed as Kubernetes online endpoints/,
  );
  expect(migrationSummary({ ...report, result: 'absent' })).toEqual([]);
});

describe('an extension another operation is working on', () => {
  /** Observes with an extension whose states follow `states` (the last one repeats), on virtual time. */
  async function observeWith(states: string[], timeoutMs: number) {
    const clock = createVirtualClock(0);
    const platform = recordingPlatform();
    let reads = 0;
    const extensions = {
      getExtension: () => {
        const state = states[Math.min(reads++, states.length - 1)];
        return Promise.resolve({
          extensionType: 'microsoft.azureml.kubernetes',
          provisioningState: state,
        } as Extension);
      },
    } as unknown as ExtensionGateway;
    const gateway = {
      getCompute: () => Promise.resolve(undefined),
      listComputes: () => Promise.resolve([]),
      getManagedCluster: () => Promise.resolve({ location: 'eastus' }),
      getWorkspaceLocation: () => Promise.resolve('eastus'),
    } as unknown as ArmGateway;
    const execution = { gateway, platform, clock, computeName: 'k8s-prod', deadline: timeoutMs };
    const observing = observeKubernetes({ gateway, extensions, execution }, desired({ 'migrate-from': '' }), cluster);
    return { observing, platform, reads: () => reads, clock };
  }

  test('is read again until it has settled, within the timeout', async () => {
    const { observing, platform, reads } = await observeWith(['Updating', 'Updating', 'Succeeded'], 30 * 60_000);
    expect((await observing).extension?.provisioningState).toBe('Succeeded');
    expect(reads()).toBe(3);
    expect(platform.lines).toContain(
      'Extension azureml on cluster aks-prod is Updating (another operation is in progress); waiting for it to finish first.',
    );
  });

  test('a timeout says the step changed nothing and names the extension', async () => {
    const { observing } = await observeWith(['Creating'], 60_000);
    const error = await observing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as DeadlineError).message).toMatch(/extension 'azureml' on cluster aks-prod to leave Creating/);
    expect((error as DeadlineError).recovery).toMatch(/this step changed nothing/);
  });
});

test('the kubeconfig is listed once per cluster and run; a failed listing is asked for again', async () => {
  let calls = 0;
  const listing = credentialsOnce({
    getClusterUserKubeconfig: () => (++calls === 1 ? Promise.reject(new Error('throttled')) : Promise.resolve('kc')),
    getClusterAdminKubeconfig: () => Promise.resolve('admin'),
  });
  await expect(listing.getClusterUserKubeconfig(cluster)).rejects.toThrow('throttled');
  expect(await listing.getClusterUserKubeconfig(cluster)).toBe('kc');
  expect(await listing.getClusterUserKubeconfig({ ...cluster, id: cluster.id.toUpperCase() })).toBe('kc');
  expect(calls).toBe(2);
});
