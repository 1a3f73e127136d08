/** compute-type: kubernetes as tables: the settings the CLI sends, and the plan for each observed state. */
import { parseManagedClusterId } from '../../src/core/azure/arm-id';
import { readDesiredState } from '../../src/core/desired/read';
import { installBody, managedSettings, RECORD } from '../../src/core/extension/settings';
import type { ObservedKubernetesState } from '../../src/core/observe/kubernetes';
import { planKubernetes } from '../../src/core/plan/kubernetes-plan';
import { baseInputs, CLUSTER_ID, observedCompute, reader } from '../../testkit/inputs';
import type { InputName } from '../../src/core/contract/inputs';

const cluster = parseManagedClusterId(CLUSTER_ID)!;
const desired = (extra: Partial<Record<InputName, string>> = {}) =>
  readDesiredState({
    readInput: reader(baseInputs({ 'compute-type': 'kubernetes', ...extra })),
    displayName: (n) => n,
  });
const input = {
  cluster,
  location: 'EastUS',
  purpose: 'FastProd',
  loadBalancerType: 'PublicIp',
  tls: { mode: 'disabled' },
} as const;
const extension = (settings: Record<string, string>) => ({
  id: `${CLUSTER_ID}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
  name: 'azureml',
  extensionType: 'microsoft.azureml.kubernetes',
  provisioningState: 'Succeeded',
  currentVersion: '1.1.64',
  settings,
  problems: [],
});
const k8sCompute = observedCompute({ computeType: 'Kubernetes', namespace: 'default' });
const observed = (over: Partial<ObservedKubernetesState> = {}): ObservedKubernetesState => ({
  compute: k8sCompute,
  extension: extension(managedSettings(input)),
  cluster: { location: 'eastus' },
  v1Computes: [],
  ...over,
});

test('the install body is what az k8s-extension create sends for an AKS cluster', () => {
  const body = installBody(input);
  expect(body).toMatchObject({
    extensionType: 'microsoft.azureml.kubernetes',
    autoUpgradeMinorVersion: true,
    releaseTrain: 'stable',
    scope: { cluster: { releaseNamespace: 'azureml' } },
  });
  expect(body.configurationSettings).toMatchObject({
    enableInference: 'True',
    enableTraining: 'False',
    inferenceRouterServiceType: 'loadBalancer',
    allowInsecureConnections: 'True',
    cluster_name: CLUSTER_ID,
    clusterId: CLUSTER_ID,
    'prometheus.prometheusSpec.externalLabels.cluster_name': CLUSTER_ID,
    domain: 'eastus.cloudapp.azure.com',
    location: 'eastus',
    jobSchedulerLocation: 'eastus',
    cluster_name_friendly: 'aks-prod',
    'servicebus.enabled': 'false',
    'relayserver.enabled': 'false',
    'nginxIngress.enabled': 'true',
  });
  expect(body.configurationSettings).not.toHaveProperty('scoringFe.serviceType.internalLoadBalancer');
  expect(body.configurationProtectedSettings).toBeUndefined();
  const internal = installBody({ ...input, loadBalancerType: 'InternalLoadBalancer', purpose: 'DevTest' });
  expect(internal.configurationSettings).toMatchObject({
    internalLoadBalancerProvider: 'azure',
    'scoringFe.serviceType.internalLoadBalancer': 'True',
    clusterPurpose: 'DevTest',
    inferenceRouterHA: 'false',
  });
});

test.each([
  ['the extension is missing → install, compute exists → updated', { extension: undefined }, 'update', 'install'],
  ['nothing differs → none', {}, 'none', undefined],
  [
    'a setting drifted (internal LB) → PATCH in place',
    { extension: extension({ ...managedSettings(input), 'scoringFe.serviceType.internalLoadBalancer': 'True' }) },
    'update',
    'update',
  ],
  ['no compute → attach', { compute: undefined }, 'attach', undefined],
  ['a Failed compute → reattach', { compute: { ...k8sCompute, provisioningState: 'Failed' } }, 'reattach', undefined],
] as const)('%s', (_name, over, action, extensionKind) => {
  const plan = planKubernetes(desired(), observed(over));
  expect(plan.action).toBe(action);
  expect(plan.extension?.kind).toBe(extensionKind);
  expect(plan.detach).toBe(action === 'reattach');
});

test('a drifted setting is PATCHed alone; absent keys count as their defaults (case-insensitive)', () => {
  const settings: Record<string, string> = { ...managedSettings(input), clusterPurpose: 'fastprod' };
  delete settings['scoringFe.serviceType.internalLoadBalancer'];
  expect(planKubernetes(desired(), observed({ extension: extension(settings) })).action).toBe('none');
  const plan = planKubernetes(desired({ 'cluster-purpose': 'dev-test' }), observed());
  expect(plan.extension).toEqual({
    kind: 'update',
    patch: { configurationSettings: { clusterPurpose: 'DevTest', inferenceRouterHA: 'false' } },
  });
});

test('refresh PATCHes every managed setting with the release train, and never detaches', () => {
  const plan = planKubernetes(desired({ operation: 'refresh' }), observed());
  expect(plan.action).toBe('update');
  expect(plan.detach).toBe(false);
  expect(plan.extension).toMatchObject({
    kind: 'update',
    patch: { autoUpgradeMinorVersion: true, releaseTrain: 'stable' },
  });
});

test('refusals before any change: v1 AKS compute on the cluster, another cluster without replace, a v1 compute of that name', () => {
  expect(() => planKubernetes(desired(), observed({ v1Computes: [{ name: 'aks-v1', id: 'x' }] }))).toThrow(
    /still serves the v1 AKS compute 'aks-v1'[\s\S]*azureml-fe[\s\S]*scoringFe\.enableUpgrade=true/,
  );
  const elsewhere = { ...k8sCompute, clusterId: CLUSTER_ID.replace('aks-prod', 'aks-other') };
  expect(() => planKubernetes(desired(), observed({ compute: elsewhere }))).toThrow(/replace: true/);
  expect(planKubernetes(desired({ replace: 'true' }), observed({ compute: elsewhere })).action).toBe('reattach');
  expect(() => planKubernetes(desired(), observed({ compute: observedCompute() }))).toThrow(/type AKS, not Kubernetes/);
});

test('detach keeps the extension; the certificate record drives rotation', () => {
  const plan = planKubernetes(desired({ operation: 'detach' }), { compute: k8sCompute, v1Computes: [] });
  expect(plan.action).toBe('detach');
  expect(plan.extension).toBeUndefined();
  expect(plan.consequences.join(' ')).toMatch(/extension and the AKS cluster stay/);
  expect(RECORD.fingerprint).toMatch(/Sha256$/);
});

test('inputs: tls auto/keep, load-balancer-subnet and a missing cluster are refused for kubernetes, naming the input', () => {
  expect(() => desired({ tls: 'auto', 'leaf-domain-label': 'x' })).toThrow(/tls: 'auto' is not available/);
  expect(() => desired({ tls: 'keep' })).toThrow(/tls: 'keep' is not available/);
  expect(() => desired({ 'aks-resource-id': '' })).toThrow(
    /aks-resource-id: is required with compute-type: kubernetes/,
  );
  expect(() => readDesiredState({ readInput: reader(baseInputs({ namespace: 'ns' })), displayName: (n) => n })).toThrow(
    /namespace: applies only with compute-type: kubernetes/,
  );
  expect(desired({ namespace: 'team-a' }).kubernetes).toEqual({ namespace: 'team-a', extensionName: 'azureml' });
});
