/**
 * The v2 `Kubernetes` compute of Microsoft.MachineLearningServices 2022-10-01 (example
 * KubernetesCompute.json): PUT attaches a managed cluster with properties.namespace (default
 * `default`; Azure does not check that it exists). The attach needs the Azure ML extension on the
 * cluster: without a Succeeded Microsoft.AzureML.Kubernetes extension the operation ends Failed
 * with ExtensionNotInstalled naming it (the docs' "extension not installed" failure). Several
 * Kubernetes computes may share a cluster (one per namespace), unlike AKS computes.
 */
import { denied } from './authz';
import { managedClusterId, parseManagedClusterId } from './ids';
import type { MlDeps } from './machine-learning';
import { renderCompute } from './machine-learning';
import { armError, json, type Reply, type RequestContext } from '../server/http';
import type { ComputeRecord, WorkspaceRecord } from '../server/types';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const WRITABLE = ['namespace', 'defaultInstanceType', 'instanceTypes', 'extensionInstanceReleaseTrain', 'vcName'];
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function isKubernetesPut(body: unknown): boolean {
  return isObj(body) && isObj(body.properties) && body.properties.computeType === 'Kubernetes';
}

export function putKubernetesCompute(ctx: RequestContext, deps: MlDeps, ws: WorkspaceRecord, name: string): Reply {
  const body = ctx.body as Json;
  const props = body.properties as Json;
  const inner = props.properties ?? {};
  if (!isObj(inner)) return armError(400, 'InvalidRequestContent', "'properties.properties' must be an object.");
  const k8s: Json = {};
  for (const k of WRITABLE)
    if (inner[k] !== undefined && inner[k] !== null) k8s[k] = JSON.parse(JSON.stringify(inner[k]));
  k8s.namespace ??= 'default';
  if (typeof k8s.namespace !== 'string' || !NAMESPACE.test(k8s.namespace))
    return armError(
      400,
      'InvalidRequestContent',
      `namespace '${String(k8s.namespace)}' is not a Kubernetes namespace name.`,
    );
  const resourceId = typeof props.resourceId === 'string' ? props.resourceId : '';
  const parsed = parseManagedClusterId(resourceId);
  if (!parsed)
    return armError(400, 'InvalidResourceId', `resourceId '${resourceId}' is not the ARM id of a managed cluster.`);
  const cluster = deps.state.liveManagedCluster(resourceId);
  if (!cluster) return armError(400, 'AksClusterNotFound', `The Kubernetes cluster '${resourceId}' was not found.`);
  const clusterId = managedClusterId(cluster.subscriptionId, cluster.resourceGroup, cluster.name);
  const deny = denied(ctx, cluster.deniedPrincipals, 'Microsoft.ContainerService/managedClusters/read', clusterId);
  if (deny) return deny;

  const now = new Date().toISOString();
  const properties: Json = {
    computeType: 'Kubernetes',
    computeLocation: cluster.location,
    provisioningState: 'Creating',
    resourceId: clusterId,
    isAttachedCompute: true,
    createdOn: now,
    modifiedOn: now,
    properties: k8s,
  };
  if (typeof props.description === 'string') properties.description = props.description;
  deps.state.putCompute({
    subscriptionId: ws.subscriptionId,
    resourceGroup: ws.resourceGroup,
    workspaceName: ws.name,
    name,
    location: typeof body.location === 'string' && body.location ? body.location : ws.location,
    tags: isObj(body.tags) ? (body.tags as Record<string, string>) : undefined,
    properties,
  });
  const rec = deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, name)!;
  const { headers } = deps.lro.start({
    subscriptionId: ws.subscriptionId,
    location: ws.location,
    kind: 'attach',
    durationMs: deps.settings().attachMs,
    complete: (forced) => finish(deps, ws, rec, clusterId, forced),
  });
  return json(201, renderCompute(rec), headers);
}

function finish(
  deps: MlDeps,
  ws: WorkspaceRecord,
  rec: ComputeRecord,
  clusterId: string,
  forced: { status: string; error?: { code: string; message: string } },
): { code: string; message: string } | undefined {
  if (deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, rec.name) !== rec)
    return { code: 'ResourceNotFound', message: `Compute '${rec.name}' disappeared during the operation.` };
  const failWith = (e: { code: string; message: string }, state = 'Failed') => {
    rec.properties.provisioningState = state;
    rec.properties.provisioningErrors = [{ error: { ...e } }];
    return e;
  };
  if (forced.status !== 'Succeeded')
    return failWith(forced.error!, forced.status === 'Canceled' ? 'Canceled' : 'Failed');
  const extension = deps.state
    .liveExtensionsOf(clusterId)
    .find(
      (e) => e.extensionType.toLowerCase() === 'microsoft.azureml.kubernetes' && e.provisioningState === 'Succeeded',
    );
  if (!extension)
    return failWith({
      code: 'ExtensionNotInstalled',
      message: `The Azure Machine Learning extension (Microsoft.AzureML.Kubernetes) is not installed on cluster '${clusterId}', or its installation has not succeeded. Install the extension (az k8s-extension create --extension-type Microsoft.AzureML.Kubernetes ...) before attaching the cluster.`,
    });
  const k8s = rec.properties.properties as Json;
  k8s.extensionInstanceReleaseTrain = extension.releaseTrain;
  rec.properties.provisioningState = 'Succeeded';
  rec.properties.modifiedOn = new Date().toISOString();
  delete rec.properties.provisioningErrors;
  return undefined;
}
