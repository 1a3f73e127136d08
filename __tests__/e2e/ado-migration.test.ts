/** migrate-from through the bundled Azure DevOps task: set up beside v1, unchanged on a re-run, refusals before any write. */
import { runTask, adoSeed, type TaskRun } from '../../testkit/run-task';
import { emulatorPerTest } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';
import { extensionOf, keyScanner, writes } from '../../testkit/kubernetes';
import { computeOf } from '../../testkit/fault-kit';
import { deletes, frontEndAnnotations, kubernetesWrites, seedV1, V1, V2_NAMESPACE } from '../../testkit/migration';

const world = emulatorPerTest({
  seed: adoSeed,
  expectOperations: ['Compute_CreateOrUpdate', 'Compute_Get', 'Compute_List', 'Extensions_Create', 'Extensions_Get'],
});
const NAME = 'k8s-prod';
const inputs = (extra: Record<string, string> = {}) => ({
  resourceGroup: DEMO.resourceGroup,
  workspaceName: DEMO.workspaceName,
  computeName: NAME,
  aksResourceId: DEMO.clusters.prod,
  computeType: 'kubernetes',
  migrateFrom: V1,
  namespace: V2_NAMESPACE,
  tls: 'keep',
  ...extra,
});

function expectSucceeded(run: TaskRun): void {
  expect({ completed: run.completed, errors: run.errors }).toEqual({ completed: undefined, errors: [] });
}

test('migrateFrom sets v2 up beside v1 with its certificate; a re-run is unchanged with no ARM or Kubernetes write', async () => {
  const emulator = world();
  const v1Certificate = seedV1(emulator);
  const first = await runTask(emulator, inputs(), { env: { SYSTEM_DEBUG: 'true' } });
  expectSucceeded(first);
  expect(first.outputs.result).toBe('attached');
  expect(kubernetesWrites(emulator)).toEqual(['PATCH deployments/azureml-fe']);
  expect(writes(emulator)).toEqual(['PUT extension', 'PUT compute']);
  expect(deletes(emulator)).toEqual([]);
  expect(frontEndAnnotations(emulator)['azureml-fe-enable-upgrade']).toBe('true');
  expect(extensionOf(emulator)!.configurationSettings['scoringFe.enableUpgrade']).toBe('true');
  expect(
    Buffer.from(extensionOf(emulator)!.configurationProtectedSettings['scoringFe.sslCert'], 'base64').toString(),
  ).toBe(v1Certificate.chainPem);
  expect(computeOf(emulator, V1)!.properties.provisioningState).toBe('Succeeded');
  expect(first.summary).toMatch(/not segregated/);
  expect(
    keyScanner(emulator, [v1Certificate.keyPem]).scan({
      stdout: first.stdout,
      stderr: first.stderr,
      outputs: first.outputs,
      summary: first.summary,
    }),
  ).toEqual([]);

  emulator.traffic.clear();
  const again = await runTask(emulator, inputs());
  expectSucceeded(again);
  expect(again.outputs.result).toBe('unchanged');
  expect(writes(emulator)).toEqual([]);
  expect(kubernetesWrites(emulator)).toEqual([]);
});

test('refused before any write: a v1-attached cluster without migrateFrom, migrateFrom bound to another cluster, a missing namespace without migration', async () => {
  const emulator = world();
  seedV1(emulator);
  const without = await runTask(emulator, inputs({ migrateFrom: '', tls: 'disabled' }));
  expect(without.completed).toBe('Failed');
  expect(without.errors.join('\n')).toMatch(/still serves the v1 AKS compute 'aks-v1'/);
  expect(without.stdout).toMatch(/set migrate-from: aks-v1/);

  const elsewhere = await runTask(emulator, inputs({ aksResourceId: DEMO.clusters.small }));
  expect(elsewhere.completed).toBe('Failed');
  expect(elsewhere.errors.join('\n')).toMatch(
    /migrate-from: compute 'aks-v1' is bound to cluster .*aks-prod, not to .*aks-small/,
  );

  const noNamespace = await runTask(
    emulator,
    inputs({
      migrateFrom: '',
      tls: 'disabled',
      aksResourceId: DEMO.clusters.small,
      clusterPurpose: 'dev-test',
      namespace: 'not-there',
    }),
  );
  expect(noNamespace.completed).toBe('Failed');
  expect(noNamespace.errors.join('\n')).toMatch(/namespace not-there does not exist on cluster aks-small/);
  expect(writes(emulator)).toEqual([]);
  expect(kubernetesWrites(emulator)).toEqual([]);
});
