/**
 * What a v2 attach and the v1 → v2 coexistence path read on the cluster itself, with the cluster
 * credential the product already reads `azuremlfessl` with: whether the compute's namespace exists
 * (the attach does not create it), and the v1 scoring front end's Deployment `azureml-fe` in
 * namespace default: there, ready, and annotated `azureml-fe-enable-upgrade=true` (Azure/AML-Kubernetes
 * docs/attach-compute-on-aks-v1-cluster.md, step 1). Reads only; the write is execute/kubernetes/annotate.ts.
 */
import type { ManagedClusterId } from '../azure/arm-id';
import { CancelledError, StateError } from '../contract/errors';
import { clusterAccess, type ClusterReadContext, type ReadPurpose } from './frontend-secret';
import { KubernetesApiError, readObject } from './k8s-secret';
import type { KubeAccess } from './kubeconfig';

export const FRONT_END_DEPLOYMENT = {
  namespace: 'default',
  name: 'azureml-fe',
  path: 'apis/apps/v1/namespaces/default/deployments/azureml-fe',
  annotation: 'azureml-fe-enable-upgrade',
} as const;

export interface FrontEndView {
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly annotated: boolean;
}

export interface ClusterView {
  /** The credential read with, kept for the annotation write of the same run. */
  readonly access: KubeAccess;
  /** Whether the namespace asked about exists; undefined when it was not asked. */
  readonly namespaceExists?: boolean;
  /** The azureml-fe deployment; undefined when it does not exist or was not asked. */
  readonly frontEnd?: FrontEndView;
}

const READ: ReadPurpose = {
  label: 'the cluster could not be checked before the attach',
  outcome: 'nothing was changed',
  fallback:
    'Check it yourself (kubectl get namespace <namespace>; kubectl get deployment azureml-fe -n default) and make the cluster credential readable for this step.',
};

export async function readClusterView(
  ctx: ClusterReadContext,
  cluster: ManagedClusterId,
  ask: { readonly namespace?: string; readonly frontEnd: boolean },
): Promise<ClusterView> {
  const where = `${ask.namespace ? `namespace ${ask.namespace}` : ''}${ask.namespace && ask.frontEnd ? ' and ' : ''}${ask.frontEnd ? 'deployment azureml-fe (namespace default)' : ''} of cluster ${cluster.name}`;
  const access = await clusterAccess(ctx, cluster, where, READ);
  const read = async (path: string) => {
    try {
      return await readObject(access, path, { signal: ctx.signal });
    } catch (error) {
      if (!(error instanceof KubernetesApiError)) throw error;
      if (error.reason === 'ABORTED') throw new CancelledError('Nothing was changed.');
      throw new StateError(
        `${READ.label}: ${path.split('/').slice(-2).join(' ')} of cluster ${cluster.name} could not be read: ${error.message}; ${READ.outcome}`,
        error.status === 401 || error.status === 403
          ? `The cluster's Kubernetes RBAC must let this step's cluster credential read namespaces and deployments (on clusters with Azure RBAC for Kubernetes authorization: the built-in role "Azure Kubernetes Service RBAC Reader" at cluster scope). ${READ.fallback}`
          : READ.fallback,
      );
    }
  };
  const namespace = ask.namespace ? await read(`api/v1/namespaces/${encodeURIComponent(ask.namespace)}`) : undefined;
  const deployment = ask.frontEnd ? await read(FRONT_END_DEPLOYMENT.path) : undefined;
  return {
    access,
    ...(ask.namespace && { namespaceExists: namespace !== undefined }),
    ...(deployment && { frontEnd: frontEndView(deployment) }),
  };
}

function frontEndView(deployment: Record<string, unknown>): FrontEndView {
  const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const metadata = obj(deployment.metadata);
  const status = obj(deployment.status);
  const annotation = obj(metadata.annotations)[FRONT_END_DEPLOYMENT.annotation];
  return {
    replicas: num(obj(deployment.spec).replicas ?? status.replicas),
    readyReplicas: num(status.readyReplicas),
    annotated: typeof annotation === 'string' && annotation.trim().toLowerCase() === 'true',
  };
}
