/** compute-type: kubernetes through the bundled Azure DevOps task: install + attach, unchanged, rotation, refresh, detach, refusals. */
import { runTask, adoSeed, type TaskRun } from '../../testkit/run-task';
import { emulatorPerTest } from '../../testkit/world';
import { DEMO, seedAttachedCompute } from '../../testkit/demo-world';
import { extensionOf, keyScanner, scoringCertificate, writes } from '../../testkit/kubernetes';
import { computeOf } from '../../testkit/fault-kit';
import { EXTENSION_OPERATIONS, LIFECYCLE_OPERATIONS } from '../../testkit/referee';

const world = emulatorPerTest({ seed: adoSeed, expectOperations: [...LIFECYCLE_OPERATIONS, ...EXTENSION_OPERATIONS] });
const NAME = 'k8s-prod';
const inputs = (extra: Record<string, string> = {}) => ({
  resourceGroup: DEMO.resourceGroup,
  workspaceName: DEMO.workspaceName,
  computeName: NAME,
  aksResourceId: DEMO.clusters.prod,
  computeType: 'kubernetes',
  ...extra,
});
const tls = (c: { chainPem: string; keyPem: string }) => ({
  tls: 'custom',
  tlsCert: c.chainPem,
  tlsKey: c.keyPem,
  tlsCname: 'scoring.contoso.com',
});

function expectSucceeded(run: TaskRun): void {
  expect({ completed: run.completed, errors: run.errors }).toEqual({ completed: undefined, errors: [] });
}

test('install + attach, unchanged, rotation as one PATCH, refresh raising the version, detach; debug on, no key byte visible', async () => {
  const emulator = world();
  const first = scoringCertificate(emulator);
  const debug = { env: { SYSTEM_DEBUG: 'true' } };
  const attached = await runTask(emulator, inputs(tls(first)), debug);
  expectSucceeded(attached);
  expect(attached.outputs).toEqual(
    expect.objectContaining({
      result: 'attached',
      extensionId: expect.stringMatching(
        /managedClusters\/aks-prod\/providers\/Microsoft\.KubernetesConfiguration\/extensions\/azureml$/,
      ),
      tlsExpiresOn: expect.stringMatching(/^\d{4}-/),
    }),
  );
  expect(writes(emulator)).toEqual(['PUT extension', 'PUT compute']);

  emulator.traffic.clear();
  const unchanged = await runTask(emulator, inputs(tls(first)));
  expect(unchanged.outputs.result).toBe('unchanged');
  expect(writes(emulator)).toEqual([]);

  emulator.traffic.clear();
  const second = scoringCertificate(emulator);
  const rotated = await runTask(emulator, inputs(tls(second)), debug);
  expectSucceeded(rotated);
  expect(rotated.outputs.result).toBe('updated');
  expect(writes(emulator)).toEqual(['PATCH extension']);

  emulator.traffic.clear();
  emulator.settings.extensionVersions = { ...emulator.settings.extensionVersions, stable: ['1.1.64', '1.1.71'] };
  const refreshed = await runTask(emulator, inputs({ ...tls(second), operation: 'refresh' }));
  expect(refreshed.outputs.result).toBe('updated');
  expect(writes(emulator)).toEqual(['PATCH extension']);
  expect(extensionOf(emulator)!.currentVersion).toBe('1.1.71');

  emulator.traffic.clear();
  const detached = await runTask(emulator, inputs({ operation: 'detach' }));
  expect(detached.outputs.result).toBe('detached');
  expect(writes(emulator)).toEqual(['DELETE compute']);
  expect(computeOf(emulator, NAME)).toBeUndefined();
  expect(extensionOf(emulator)).toBeDefined();

  const scanner = keyScanner(emulator, [first.keyPem, second.keyPem]);
  for (const r of [attached, rotated])
    expect(scanner.scan({ stdout: r.stdout, stderr: r.stderr, outputs: r.outputs, summary: r.summary })).toEqual([]);
});

test('internal load balancer and dev-test on the 1-node cluster', async () => {
  const emulator = world();
  const r = await runTask(
    emulator,
    inputs({ aksResourceId: DEMO.clusters.small, clusterPurpose: 'dev-test', loadBalancerType: 'internal' }),
  );
  expectSucceeded(r);
  expect(r.outputs.result).toBe('attached');
  expect(extensionOf(emulator, DEMO.clusters.small)!.configurationSettings).toEqual(
    expect.objectContaining({
      clusterPurpose: 'DevTest',
      inferenceRouterHA: 'false',
      internalLoadBalancerProvider: 'azure',
    }),
  );
});

test('tls: auto refused under its camelCase name without a request; a v1-attached cluster refused without a write', async () => {
  const emulator = world();
  const auto = await runTask(emulator, inputs({ tls: 'auto', leafDomainLabel: 'myscoring' }));
  expect(auto.completed).toBe('Failed');
  expect(auto.errors.join('\n')).toMatch(/tls: 'auto' is not available with computeType: kubernetes/);
  expect(emulator.traffic.all().filter((e) => e.kind === 'arm')).toEqual([]);

  seedAttachedCompute(emulator, { name: 'aks-v1' });
  const v1 = await runTask(emulator, inputs());
  expect(v1.completed).toBe('Failed');
  expect(v1.errors.join('\n')).toMatch(/v1 AKS compute 'aks-v1'/);
  expect(writes(emulator)).toEqual([]);
});
