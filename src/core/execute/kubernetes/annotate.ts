/**
 * Step 1 of the coexistence path: annotate the v1 azureml-fe deployment
 * `azureml-fe-enable-upgrade=true` (what `kubectl annotate deployment azureml-fe
 * azureml-fe-enable-upgrade=true -n default` does), as one JSON merge patch of its
 * metadata.annotations with the cluster credential of the run's reads. Other annotations, the
 * pod template and the v1 pods are left alone.
 */
import type { ManagedClusterId } from '../../azure/arm-id';
import { FRONT_END_DEPLOYMENT } from '../../cluster/coexistence';
import { KubernetesApiError, mergePatchObject } from '../../cluster/k8s-secret';
import type { KubeAccess } from '../../cluster/kubeconfig';
import { CancelledError, StateError } from '../../contract/errors';
import type { ExecutionContext, StepRecord } from '../context';

const NOTHING = 'nothing was changed';

export async function annotateFrontEnd(
  ctx: ExecutionContext,
  access: KubeAccess,
  cluster: ManagedClusterId,
): Promise<StepRecord> {
  const { name, namespace, path, annotation } = FRONT_END_DEPLOYMENT;
  return ctx.platform.group(`Annotate deployment ${name} on ${cluster.name}`, async () => {
    const startedAt = ctx.clock.now();
    try {
      await mergePatchObject(
        access,
        path,
        { metadata: { annotations: { [annotation]: 'true' } } },
        { signal: ctx.signal },
      );
    } catch (error) {
      if (!(error instanceof KubernetesApiError)) throw error;
      if (error.reason === 'ABORTED')
        throw new CancelledError('The annotation may or may not have been written; re-running the step checks it.');
      throw annotationError(error, cluster);
    }
    ctx.platform.info(`Annotated deployment ${name} (namespace ${namespace}) ${annotation}=true.`);
    return { step: 'annotate', durationMs: ctx.clock.now() - startedAt, polls: 0 };
  });
}

function annotationError(error: KubernetesApiError, cluster: ManagedClusterId): StateError {
  const manual = `Or annotate it yourself (kubectl annotate deployment ${FRONT_END_DEPLOYMENT.name} ${FRONT_END_DEPLOYMENT.annotation}=true -n ${FRONT_END_DEPLOYMENT.namespace}) and re-run: the step then skips this write.`;
  if (error.status === 401 || error.status === 403)
    return new StateError(
      `the cluster credential of this step may not patch deployments in namespace ${FRONT_END_DEPLOYMENT.namespace} of cluster ${cluster.name} (${error.status} ${error.reason}); the annotation was not written and ${NOTHING}`,
      [
        `Annotating ${FRONT_END_DEPLOYMENT.name} needs the Kubernetes permission "patch" on "deployments" (API group apps) in namespace ${FRONT_END_DEPLOYMENT.namespace}.`,
        `On a cluster with Azure RBAC for Kubernetes authorization, the built-in role "Azure Kubernetes Service RBAC Writer" grants it: az role assignment create --role "Azure Kubernetes Service RBAC Writer" --assignee <client-id> --scope ${cluster.id}/namespaces/${FRONT_END_DEPLOYMENT.namespace}.`,
        'With Kubernetes RBAC, bind a Role that allows patch on deployments in that namespace to the cluster user this step signs in as.',
        manual,
      ].join('\n'),
    );
  return new StateError(
    `the annotation ${FRONT_END_DEPLOYMENT.annotation}=true could not be written to deployment ${FRONT_END_DEPLOYMENT.name} of cluster ${cluster.name}: ${error.message}; ${NOTHING}`,
    error.status === undefined
      ? `The API server must be reachable from this agent (a private cluster only from its virtual network). ${manual}`
      : manual,
  );
}
