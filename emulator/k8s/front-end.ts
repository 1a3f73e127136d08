/**
 * The objects the v1 → v2 coexistence path looks at (Azure/AML-Kubernetes
 * docs/attach-compute-on-aks-v1-cluster.md): the namespaces of the cluster (a Kubernetes compute's
 * namespace must exist; the attach does not create it) and the v1 scoring front end's Deployment
 * `azureml-fe` in namespace default, whose `azureml-fe-enable-upgrade` annotation lets the Azure ML
 * extension take it over. GET namespace(s), GET and PATCH (JSON merge patch or strategic merge
 * patch of metadata.annotations) of the deployment.
 */
import { textOf } from '../server/text';
import { json, header, matchPath, type Reply, type RequestContext } from '../server/http';
import { managedClusterId } from '../arm/ids';
import type { EmulatorState } from '../server/state';
import type { FrontEndDeployment, ManagedClusterRecord } from '../server/types';

const BUILT_IN_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];
export const FRONT_END_ANNOTATION = 'azureml-fe-enable-upgrade';
const PATCH_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json'];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

export function k8sStatus(code: number, reason: string, message: string): Reply {
  return json(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

const idOf = (c: ManagedClusterRecord) => managedClusterId(c.subscriptionId, c.resourceGroup, c.name).toLowerCase();

/** Installed by a successful attach (kept after a detach), or there with a compute attached to the cluster now. */
export function hasFrontEnd(state: EmulatorState, cluster: ManagedClusterRecord): boolean {
  if (cluster.azuremlFrontEnd || cluster.frontEndDeployment) return true;
  return state
    .allLiveComputes()
    .some(
      (x) =>
        textOf(x.properties.resourceId).toLowerCase() === idOf(cluster) &&
        x.properties.provisioningState === 'Succeeded',
    );
}

/** The azureml-fe deployment of the cluster (defaults: two ready replicas, no annotation), or undefined without a front end. */
export function frontEndDeployment(
  state: EmulatorState,
  cluster: ManagedClusterRecord,
): FrontEndDeployment | undefined {
  if (!hasFrontEnd(state, cluster)) return undefined;
  cluster.frontEndDeployment ??= { annotations: {}, replicas: 2, readyReplicas: 2 };
  return cluster.frontEndDeployment;
}

/** Built-in namespaces, seeded ones, `azureml` once the extension is installed, `azureml-<workspace>` of v1 computes. */
export function namespacesOf(state: EmulatorState, cluster: ManagedClusterRecord): string[] {
  const names = new Set([...BUILT_IN_NAMESPACES, ...cluster.namespaces]);
  if (state.liveExtensionsOf(managedClusterId(cluster.subscriptionId, cluster.resourceGroup, cluster.name)).length)
    names.add('azureml');
  for (const c of state.allLiveComputes())
    if (c.properties.computeType === 'AKS' && textOf(c.properties.resourceId).toLowerCase() === idOf(cluster))
      names.add(`azureml-${c.workspaceName.toLowerCase()}`);
  return [...names].sort();
}

function namespaceObject(name: string): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, status: { phase: 'Active' } };
}

function deploymentObject(d: FrontEndDeployment): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'azureml-fe', namespace: 'default', annotations: { ...d.annotations } },
    spec: { replicas: d.replicas },
    status: {
      replicas: d.replicas,
      updatedReplicas: d.replicas,
      readyReplicas: d.readyReplicas,
      availableReplicas: d.readyReplicas,
    },
  };
}

/** Namespaces and the azureml-fe deployment; undefined for any other path. `writer`: the credential may write. */
export function clusterObject(
  state: EmulatorState,
  cluster: ManagedClusterRecord,
  ctx: RequestContext,
  segments: string[],
  writer: boolean,
): Reply | undefined {
  if (ctx.method === 'GET' && matchPath(segments, 'api/v1/namespaces')) {
    ctx.operationId = 'CoreV1_ListNamespace';
    return json(200, {
      apiVersion: 'v1',
      kind: 'NamespaceList',
      items: namespacesOf(state, cluster).map(namespaceObject),
    });
  }
  const ns = ctx.method === 'GET' ? matchPath(segments, 'api/v1/namespaces/{name}') : undefined;
  if (ns) {
    ctx.operationId = 'CoreV1_ReadNamespace';
    return namespacesOf(state, cluster).includes(ns.name)
      ? json(200, namespaceObject(ns.name))
      : k8sStatus(404, 'NotFound', `namespaces "${ns.name}" not found`);
  }
  const m = matchPath(segments, 'apis/apps/v1/namespaces/{ns}/deployments/{name}');
  if (!m || m.ns !== 'default' || m.name !== 'azureml-fe' || !['GET', 'PATCH'].includes(ctx.method)) return undefined;
  const deployment = frontEndDeployment(state, cluster);
  if (!deployment) return k8sStatus(404, 'NotFound', 'deployments.apps "azureml-fe" not found');
  if (ctx.method === 'GET') {
    ctx.operationId = 'AppsV1_ReadNamespacedDeployment';
    return json(200, deploymentObject(deployment));
  }
  ctx.operationId = 'AppsV1_PatchNamespacedDeployment';
  if (!writer)
    return k8sStatus(
      403,
      'Forbidden',
      'deployments.apps "azureml-fe" is forbidden: User "clusterUser" cannot patch resource "deployments" in API group "apps" in the namespace "default"',
    );
  const type = (header(ctx, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!PATCH_TYPES.includes(type))
    return k8sStatus(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    );
  const metadata = isObj(ctx.body) && isObj(ctx.body.metadata) ? ctx.body.metadata : undefined;
  const annotations = metadata && isObj(metadata.annotations) ? metadata.annotations : undefined;
  if (annotations === undefined || Object.keys(ctx.body as Json).some((k) => k !== 'metadata'))
    return k8sStatus(422, 'Invalid', 'this emulator patches metadata.annotations of azureml-fe only');
  for (const [key, value] of Object.entries(annotations)) {
    if (value === null) delete deployment.annotations[key];
    else if (typeof value === 'string') deployment.annotations[key] = value;
    else return k8sStatus(422, 'Invalid', `metadata.annotations.${key}: must be a string`);
  }
  return json(200, deploymentObject(deployment));
}
