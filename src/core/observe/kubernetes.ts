/**
 * The observe stage of compute-type: kubernetes: the compute, the Azure ML extension on the
 * cluster (waited for while another operation runs on it), the cluster itself (region and nodes
 * for the settings and checks) and the workspace's computes on that cluster (a v1 AKS attachment
 * is refused unless migrate-from names it), and the migrate-from compute wherever it is bound.
 * Reads only.
 */
import type { ManagedCluster } from '@azure/arm-containerservice';
import type { ComputeGateway, ClusterReader } from '../azure/gateway';
import { sameResourceId, type ManagedClusterId } from '../azure/arm-id';
import type { Extension, ExtensionGateway } from '../azure/extension-gateway';
import { extensionResourceId } from '../azure/extension-gateway';
import type { DesiredState } from '../desired/model';
import { waitUntilSettled, waitWhileBusy } from '../execute/waiting';
import { RECORD } from '../extension/settings';
import { toObservedCompute } from './from-arm';
import { isTransitional, type ObservedCompute } from './model';

export interface ObservedExtension {
  readonly id: string;
  readonly name: string;
  readonly extensionType: string;
  readonly provisioningState: string;
  readonly currentVersion?: string;
  readonly releaseTrain?: string;
  readonly autoUpgradeMinorVersion?: boolean;
  readonly settings: Readonly<Record<string, string>>;
  /** errorInfo and error statuses, as "code: message". */
  readonly problems: readonly string[];
}

export interface ObservedKubernetesState {
  readonly compute?: ObservedCompute;
  readonly extension?: ObservedExtension;
  /** The cluster to attach; absent for detach. */
  readonly cluster?: ManagedCluster;
  /** v1 AKS computes of the workspace on that cluster. */
  readonly v1Computes: ReadonlyArray<{ readonly name: string; readonly id: string }>;
  /** migrate-from: the compute of that name in the workspace, whatever its type and cluster; absent when there is none. */
  readonly migrateFrom?: ObservedCompute;
  readonly workspaceLocation?: string;
}

export interface KubernetesObserveContext {
  readonly gateway: ComputeGateway & ClusterReader;
  readonly extensions: ExtensionGateway;
  readonly execution: Parameters<typeof waitUntilSettled>[0];
}

export async function observeKubernetes(
  ctx: KubernetesObserveContext,
  desired: DesiredState,
  cluster: ManagedClusterId | undefined,
): Promise<ObservedKubernetesState> {
  let resource = await ctx.gateway.getCompute();
  const state = resource?.properties?.provisioningState;
  if (resource && state && isTransitional(state)) {
    ctx.execution.platform.info(
      `Compute ${desired.target.computeName} is ${state} (another operation is in progress); waiting for it to finish first.`,
    );
    resource = await waitUntilSettled(ctx.execution, state);
  }
  const compute = resource ? toObservedCompute(resource) : undefined;
  if (!cluster || !desired.kubernetes) return { compute, v1Computes: [] };

  const [others, managedCluster, extension, workspaceLocation] = await Promise.all([
    ctx.gateway.listComputes(),
    ctx.gateway.getManagedCluster(cluster),
    settledExtension(ctx, cluster, desired.kubernetes.extensionName),
    compute ? Promise.resolve(undefined) : ctx.gateway.getWorkspaceLocation(),
  ]);
  const wanted = desired.kubernetes.migrateFrom?.toLowerCase();
  const source = wanted === undefined ? undefined : others.find((c) => c.name?.toLowerCase() === wanted);
  const v1Computes = others
    .filter(
      (c) => c.properties?.computeType === 'AKS' && sameResourceId(c.properties.resourceId ?? undefined, cluster.id),
    )
    .map((c) => ({ name: c.name ?? '', id: c.id ?? '' }));
  const observedExtension = extension && toObservedExtension(extension, cluster, desired.kubernetes.extensionName);
  return {
    compute: compute && observedExtension ? withExtensionView(compute, observedExtension) : compute,
    extension: observedExtension,
    cluster: managedCluster,
    v1Computes,
    workspaceLocation,
    ...(source && { migrateFrom: toObservedCompute(source) }),
  };
}

/** The extension once no operation runs on it: Creating, Updating or Deleting is waited for within timeout-minutes. */
async function settledExtension(
  ctx: KubernetesObserveContext,
  cluster: ManagedClusterId,
  name: string,
): Promise<Extension | undefined> {
  const first = await ctx.extensions.getExtension(cluster, name);
  const state = first?.provisioningState;
  if (!state || !isTransitional(state)) return first;
  ctx.execution.platform.info(
    `Extension ${name} on cluster ${cluster.name} is ${state} (another operation is in progress); waiting for it to finish first.`,
  );
  let reads = 0;
  return waitWhileBusy(ctx.execution, {
    what: `extension '${name}' on cluster ${cluster.name}`,
    label: `extension ${name}`,
    // The first look is the one just taken.
    read: async () => (reads++ === 0 ? first : await ctx.extensions.getExtension(cluster, name)),
    stateOf: (extension) => extension.provisioningState ?? undefined,
    recovery: (s) =>
      `Another operation on extension '${name}' is still running (state ${s}); this step changed nothing. Re-run the step once it has finished (az k8s-extension show --query provisioningState).`,
  });
}

export function toObservedExtension(e: Extension, cluster: ManagedClusterId, name: string): ObservedExtension {
  const problems = [
    ...(e.errorInfo?.code || e.errorInfo?.message
      ? [[e.errorInfo.code, e.errorInfo.message].filter(Boolean).join(': ')]
      : []),
    ...(e.statuses ?? [])
      .filter((s) => (s.level ?? '').toLowerCase() === 'error')
      .map((s) => [s.code, s.message].filter(Boolean).join(': ')),
  ];
  return {
    id: e.id ?? extensionResourceId(cluster, name),
    name: e.name ?? name,
    extensionType: e.extensionType ?? '',
    provisioningState: e.provisioningState ?? 'Unknown',
    currentVersion: e.currentVersion ?? e.version ?? undefined,
    releaseTrain: e.releaseTrain,
    autoUpgradeMinorVersion: e.autoUpgradeMinorVersion,
    settings: { ...(e.configurationSettings ?? {}) },
    problems: [...new Set(problems)],
  };
}

/** The compute as the summary shows it: purpose, load balancer and TLS live in the extension's settings. */
export function withExtensionView(compute: ObservedCompute, e: ObservedExtension): ObservedCompute {
  const s = e.settings;
  const tlsOn = (s.allowInsecureConnections ?? 'false').toLowerCase() !== 'true';
  return {
    ...compute,
    purpose: s.clusterPurpose ?? 'FastProd',
    loadBalancerType:
      (s['scoringFe.serviceType.internalLoadBalancer'] ?? '').toLowerCase() === 'true'
        ? 'InternalLoadBalancer'
        : 'PublicIp',
    tls: tlsOn ? { status: 'Enabled', cname: s.sslCname } : { status: 'Disabled' },
    tlsFingerprint: tlsOn ? s[RECORD.fingerprint] : undefined,
    tlsExpiresOn: tlsOn ? s[RECORD.expiresOn] : undefined,
    extension: { id: e.id, version: e.currentVersion, releaseTrain: e.releaseTrain },
  };
}
