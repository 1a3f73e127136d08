/**
 * The documented cause of a failed (re)attach: azureml-fe resources an earlier attachment left in
 * the cluster. Microsoft's how-to (MicrosoftDocs/azure-docs PR #86416) lists them for removal
 * before attaching again, and only when no web service is active. This module only names them
 * and, where the cluster credentials are available, lists which exist (read-only GETs); it never
 * deletes anything.
 */
import type { ManagedClusterId } from '../azure/arm-id';
import { CancelledError, StateError } from '../contract/errors';
import { clusterAccess, type ClusterReadContext, type ReadPurpose } from './frontend-secret';
import { KubernetesApiError, objectExists } from './k8s-secret';

export const FRONT_END_RESOURCES = [
  { kind: 'serviceaccount', name: 'azureml-fe', path: 'api/v1/namespaces/default/serviceaccounts/azureml-fe' },
  {
    kind: 'clusterrole',
    name: 'azureml-fe-role',
    path: 'apis/rbac.authorization.k8s.io/v1/clusterroles/azureml-fe-role',
  },
  {
    kind: 'clusterrolebinding',
    name: 'azureml-fe-binding',
    path: 'apis/rbac.authorization.k8s.io/v1/clusterrolebindings/azureml-fe-binding',
  },
  { kind: 'service', name: 'azureml-fe', path: 'api/v1/namespaces/default/services/azureml-fe' },
  { kind: 'service', name: 'azureml-fe-int-http', path: 'api/v1/namespaces/default/services/azureml-fe-int-http' },
  { kind: 'deployment', name: 'azureml-fe', path: 'apis/apps/v1/namespaces/default/deployments/azureml-fe' },
  { kind: 'secret', name: 'azuremlfessl', path: 'api/v1/namespaces/default/secrets/azuremlfessl' },
  { kind: 'configmap', name: 'azuremlfeconfig', path: 'api/v1/namespaces/default/configmaps/azuremlfeconfig' },
] as const;

const LISTING: ReadPurpose = {
  label: 'the azureml-fe resources could not be listed',
  outcome: 'check them yourself',
  fallback:
    'kubectl get sa,svc,deploy,secret,cm -n default | grep azureml; kubectl get clusterrole,clusterrolebinding | grep azureml-fe',
};

const named = (r: (typeof FRONT_END_RESOURCES)[number]) => `${r.kind} ${r.name}`;

/** The cause to check, in the how-to's words, with what exists now when it could be read. */
export async function frontEndLeftoversNote(
  ctx: ClusterReadContext | undefined,
  clusterId: ManagedClusterId,
): Promise<string> {
  const cause =
    `A documented cause to check: azureml-fe resources an earlier attachment left in namespace default of cluster ${clusterId.name} ` +
    `(${FRONT_END_RESOURCES.map(named).join(', ')}). Microsoft's how-to says to remove them before attaching again, ` +
    'and only when no web service is active on the cluster (kubectl delete sa azureml-fe; kubectl delete clusterrole azureml-fe-role; kubectl delete clusterrolebinding azureml-fe-binding; kubectl delete svc azureml-fe azureml-fe-int-http; kubectl delete deploy azureml-fe; kubectl delete secret azuremlfessl; kubectl delete cm azuremlfeconfig). This step never deletes them.';
  if (!ctx) return cause;
  return `${cause}\n${await listLeftovers(ctx, clusterId)}`;
}

async function listLeftovers(ctx: ClusterReadContext, clusterId: ManagedClusterId): Promise<string> {
  try {
    const access = await clusterAccess(
      ctx,
      clusterId,
      `the azureml-fe resources of cluster ${clusterId.name}`,
      LISTING,
    );
    const found: string[] = [];
    for (const resource of FRONT_END_RESOURCES)
      if (await objectExists(access, resource.path, { signal: ctx.signal, attempts: 1, timeoutMs: 5_000 }))
        found.push(named(resource));
    return found.length > 0
      ? `Found in cluster ${clusterId.name} now: ${found.join(', ')}.`
      : `None of them exists in cluster ${clusterId.name} now.`;
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    if (error instanceof StateError) return error.message;
    if (error instanceof KubernetesApiError)
      return `${LISTING.label} (${error.message}); ${LISTING.outcome}: ${LISTING.fallback}`;
    throw error;
  }
}
