/**
 * Pre-flight checks of the AKS cluster that is about to be attached, against the limitations of
 * the how-to. Runs only when the plan attaches a cluster, before any change: every finding is
 * printed, warnings become annotations, and any failure stops the run with all of them listed.
 */
import type { KubernetesVersionListResult, ManagedCluster } from '@azure/arm-containerservice';
import { parseManagedClusterId, type ManagedClusterId } from '../azure/arm-id';
import type { ClusterReader } from '../azure/gateway';
import { evaluateCluster, type ClusterFinding } from './rules';
import type { DesiredState } from '../desired/model';
import { AzureError, StateError } from '../contract/errors';
import type { AttachRequest } from '../plan/plan';
import type { Platform } from '../contract/platform';

export type { ClusterFinding } from './rules';

export interface ClusterCheckContext {
  readonly gateway: ClusterReader;
  readonly platform: Platform;
  readonly desired: DesiredState;
  /** What is about to be attached (a v1 plan, or the v2 attach of compute-type: kubernetes). */
  readonly plan: { readonly attach?: Pick<AttachRequest, 'clusterId' | 'purpose' | 'loadBalancerType'> };
  /** The cluster, when the caller has read it already. */
  readonly cluster?: ManagedCluster;
}

const LABEL: Record<ClusterFinding['level'], string> = { pass: 'ok', warning: 'warning', failure: 'FAILED' };

/** Returns the findings (all printed already); throws StateError when any of them is a failure. */
export async function checkTargetCluster(ctx: ClusterCheckContext): Promise<readonly ClusterFinding[]> {
  const request = ctx.plan.attach;
  if (!request?.clusterId) return [];
  const id = parseManagedClusterId(request.clusterId);
  if (!id) throw new StateError(`'${request.clusterId}' is not the ARM id of an AKS cluster; nothing was changed`);

  const cluster = ctx.cluster ?? (await readCluster(ctx.gateway, id));
  const { versions, versionsUnavailable } = await readVersions(ctx.gateway, id, cluster);
  const findings = evaluateCluster(cluster, {
    purpose: request.purpose,
    loadBalancerType: request.loadBalancerType,
    versions,
    versionsUnavailable,
  });

  ctx.platform.info(`Cluster ${id.id}:`);
  for (const f of findings) {
    ctx.platform.info(`  [${LABEL[f.level]}] ${f.rule}: ${f.message}`);
    if (f.level === 'warning')
      ctx.platform.warning(f.hint ? `${f.message}. ${f.hint}` : f.message, { title: `Cluster check: ${f.rule}` });
  }
  const failures = findings.filter((f) => f.level === 'failure');
  if (failures.length > 0) throw failureError(id, failures);
  return findings;
}

async function readCluster(gateway: ClusterReader, id: ManagedClusterId): Promise<ManagedCluster> {
  let cluster: ManagedCluster | undefined;
  try {
    cluster = await gateway.getManagedCluster(id);
  } catch (error) {
    if (error instanceof AzureError && error.statusCode === 403) {
      throw new StateError(
        `the credential of this step may not read AKS cluster ${id.id} (${error.code}); nothing was changed`,
        "Attaching a cluster from another subscription needs the Contributor role on the cluster (the how-to's limitation); " +
          `grant it to this step's identity (az role assignment create --role Contributor --assignee <client-id> --scope ${id.id}) and re-run.`,
      );
    }
    throw error;
  }
  if (!cluster) {
    throw new StateError(
      `AKS cluster ${id.id} does not exist (no such cluster in subscription ${id.subscriptionId}, resource group ${id.resourceGroup}); nothing was changed`,
      'Check aks-resource-id (az aks show -g <group> -n <name> --query id prints it). A compute whose cluster was deleted can only be detached (operation: detach).',
    );
  }
  return cluster;
}

/** The version rule is advisory when the list cannot be read: Azure ML checks the version itself. */
async function readVersions(
  gateway: ClusterReader,
  id: ManagedClusterId,
  cluster: ManagedCluster,
): Promise<{ versions?: KubernetesVersionListResult; versionsUnavailable?: string }> {
  try {
    return { versions: await gateway.listKubernetesVersions(id.subscriptionId, cluster.location) };
  } catch (error) {
    if (error instanceof AzureError) return { versionsUnavailable: error.code };
    throw error;
  }
}

function failureError(id: ManagedClusterId, failures: readonly ClusterFinding[]): StateError {
  const advice = (f: ClusterFinding) => (f.hint ? `${f.message}. ${f.hint}` : f.message);
  if (failures.length === 1) {
    return new StateError(
      `AKS cluster ${id.name} cannot be attached: ${failures[0].message}; nothing was changed`,
      failures[0].hint,
    );
  }
  return new StateError(
    `AKS cluster ${id.name} cannot be attached (${failures.length} problems); nothing was changed`,
    failures.map((f) => `- ${f.rule}: ${advice(f)}`).join('\n'),
  );
}
