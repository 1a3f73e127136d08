/**
 * migrate-from, the documented v1 → v2 coexistence path (Azure/AML-Kubernetes
 * docs/attach-compute-on-aks-v1-cluster.md) as pure decisions: the pre-flight of the v1 compute
 * (ARM) and of the cluster (namespace, azureml-fe), then the three steps, each with what it
 * changes or why it is already done. The v1 compute is never detached or deleted here.
 */
import { sameResourceId, type ManagedClusterId } from '../azure/arm-id';
import { StateError } from '../contract/errors';
import type { DesiredState } from '../desired/model';
import { FRONT_END_DEPLOYMENT, type ClusterView } from '../cluster/coexistence';
import { COEXISTENCE_SETTING } from '../extension/settings';
import type { ObservedKubernetesState } from '../observe/kubernetes';
import type { ObservedCompute } from '../observe/model';
import type { KubernetesPlan } from './kubernetes-plan';

export interface MigrationStep {
  readonly title: string;
  /** What the step changes, or why nothing (already done). */
  readonly change: string;
  readonly needed: boolean;
}

export interface MigrationPlan {
  /** The v1 compute as read before the run; it stays attached. */
  readonly v1: ObservedCompute;
  readonly namespace: string;
  /** Step 1 has to write the annotation. */
  readonly annotate: boolean;
  readonly steps: readonly MigrationStep[];
}

const NOTHING = 'nothing was changed';

/** Before any cluster read or write: the v1 compute exists, is AKS, is bound to this very cluster and Succeeded. */
export function checkMigrationSource(
  desired: DesiredState,
  observed: ObservedKubernetesState,
  cluster: ManagedClusterId,
): ObservedCompute {
  const name = desired.kubernetes?.migrateFrom ?? '';
  const v1 = observed.migrateFrom;
  const onCluster = observed.v1Computes.map((c) => `'${c.name}'`).join(', ');
  const hint = onCluster
    ? `The v1 AKS compute attached to cluster ${cluster.name} in this workspace: ${onCluster}.`
    : `No v1 AKS compute of workspace ${desired.target.workspaceName} is attached to cluster ${cluster.name}: without one there is nothing to migrate from; leave migrate-from empty.`;
  if (!v1)
    throw new StateError(
      `migrate-from: compute '${name}' does not exist in workspace ${desired.target.workspaceName}; ${NOTHING}`,
      `${hint} Once the v1 compute is detached (the migration's last step), leave migrate-from out: the cluster is then a plain v2 cluster.`,
    );
  if (v1.computeType.toUpperCase() !== 'AKS')
    throw new StateError(
      `migrate-from: compute '${v1.name}' is of type ${v1.computeType}, not a v1 AKS compute; ${NOTHING}`,
      hint,
    );
  if (!sameResourceId(v1.clusterId, cluster.id))
    throw new StateError(
      `migrate-from: compute '${v1.name}' is bound to cluster ${v1.clusterId ?? '(none)'}, not to ${cluster.id} (aks-resource-id); ${NOTHING}`,
      'The v2 compute is set up beside the v1 one on the same cluster: give the aks-resource-id of the cluster the v1 compute is attached to, or the v1 compute of this cluster in migrate-from.',
    );
  if (v1.provisioningState.toLowerCase() !== 'succeeded')
    throw new StateError(
      `migrate-from: compute '${v1.name}' is ${v1.provisioningState}, not Succeeded; ${NOTHING}`,
      v1.provisioningErrors.length
        ? `Its errors: ${v1.provisioningErrors.join('; ')}. Repair it first (compute-type: aks, operation: refresh), then re-run.`
        : 'Re-run once it is Succeeded.',
    );
  return v1;
}

/** Any v2 attach: the namespace must exist (Azure ML does not create it). */
export function checkNamespace(desired: DesiredState, cluster: ManagedClusterId, view: ClusterView): void {
  const namespace = desired.kubernetes?.namespace ?? 'default';
  if (view.namespaceExists !== false) return;
  throw new StateError(
    `namespace ${namespace} does not exist on cluster ${cluster.name}; the Kubernetes compute was not attached and ${NOTHING}`,
    `Azure ML attaches a Kubernetes compute to an existing namespace and does not create it: create it (kubectl create namespace ${namespace}) or choose an existing one in namespace, then re-run.`,
  );
}

/** The three steps; throws when the v1 front end is missing or not ready (the coexistence path needs it up to date). */
export function planMigration(
  desired: DesiredState,
  plan: KubernetesPlan,
  v1: ObservedCompute,
  view: ClusterView,
  cluster: ManagedClusterId,
): MigrationPlan {
  const fe = view.frontEnd;
  const where = `deployment ${FRONT_END_DEPLOYMENT.name} (namespace ${FRONT_END_DEPLOYMENT.namespace}) of cluster ${cluster.name}`;
  if (!fe)
    throw new StateError(
      `migrate-from: ${where} does not exist, although compute '${v1.name}' is attached there; ${NOTHING}`,
      'The v1 scoring front end must run for the coexistence path. Repair the v1 compute first (compute-type: aks, operation: refresh), then re-run.',
    );
  if (fe.replicas === 0 || fe.readyReplicas < fe.replicas)
    throw new StateError(
      `migrate-from: ${where} is not ready (${fe.readyReplicas} of ${fe.replicas} replicas ready); ${NOTHING}`,
      'Microsoft requires the v1 azureml-fe to be up to date and running before the extension is installed beside it. Check it (kubectl rollout status deployment azureml-fe -n default) and re-run.',
    );
  const namespace = desired.kubernetes?.namespace ?? 'default';
  const name = desired.target.computeName;
  const ext = plan.extension;
  const settingSent =
    ext?.kind === 'install' || (ext?.kind === 'update' && ext.patch.configurationSettings?.[COEXISTENCE_SETTING]);
  const steps: MigrationStep[] = [
    fe.annotated
      ? {
          title: `annotate ${FRONT_END_DEPLOYMENT.name}`,
          change: `already annotated ${FRONT_END_DEPLOYMENT.annotation}=true: no write`,
          needed: false,
        }
      : {
          title: `annotate ${FRONT_END_DEPLOYMENT.name}`,
          change: `one Kubernetes PATCH adds the annotation ${FRONT_END_DEPLOYMENT.annotation}=true to ${where} (its metadata only: the v1 pods are not restarted)`,
          needed: true,
        },
    ext?.kind === 'install'
      ? {
          title: `install extension ${desired.kubernetes?.extensionName ?? 'azureml'}`,
          change: `the Azure ML extension is installed with ${COEXISTENCE_SETTING}=true, which lets it install beside the v1 azureml-fe; the v1 web services keep serving`,
          needed: true,
        }
      : {
          title: `extension ${desired.kubernetes?.extensionName ?? 'azureml'} with ${COEXISTENCE_SETTING}=true`,
          change: settingSent
            ? `one PATCH of the extension adds ${COEXISTENCE_SETTING}=true (in place; the v1 web services keep serving)`
            : ext
              ? `the extension already carries ${COEXISTENCE_SETTING}=true; its PATCH changes other settings only`
              : `the extension already carries ${COEXISTENCE_SETTING}=true: no write`,
          needed: !!ext,
        },
    plan.attach
      ? {
          title: `attach ${name}`,
          change: `compute '${name}' is attached as a Kubernetes compute in namespace ${namespace}, beside the v1 compute '${v1.name}' (which stays attached)`,
          needed: true,
        }
      : { title: `attach ${name}`, change: `compute '${name}' is attached already: unchanged`, needed: false },
  ];
  return { v1, namespace, annotate: !fe.annotated, steps };
}

/** The plan with the migration's steps: an annotation still to write makes an otherwise unchanged run an update. */
export function withMigration(plan: KubernetesPlan, migration: MigrationPlan): KubernetesPlan {
  if (!migration.annotate) return { ...plan, migration };
  return {
    ...plan,
    migration,
    action: plan.action === 'none' ? 'update' : plan.action,
    reasons: [
      ...plan.reasons,
      `deployment ${FRONT_END_DEPLOYMENT.name} (namespace ${FRONT_END_DEPLOYMENT.namespace}) lacks the annotation ${FRONT_END_DEPLOYMENT.annotation}=true`,
    ],
  };
}
