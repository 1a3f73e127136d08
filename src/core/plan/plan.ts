/**
 * The product's judgement, as a pure function: (desired, observed) → plan. No I/O here; most
 * tests live at this level, as tables that read like the how-to's rules.
 */
import { sameResourceId } from '../azure/arm-id';
import type { ClusterPurpose, DesiredState, DesiredTls, LoadBalancerType } from '../desired/model';
import { StateError } from '../contract/errors';
import { isTransitional, type ObservedCompute, type ObservedState } from '../observe/model';
import { attachRequest } from './attach-request';
import { settingDrift } from './drift';
import { inPlaceUpdate, updateConsequences, type UpdateRequest } from './in-place';
import { renewalOf, withRenewalTag } from './renewal';

export type { UpdateRequest } from './in-place';
export type PlanAction = 'none' | 'attach' | 'create' | 'update' | 'reattach' | 'detach' | 'absent';

export interface Drift {
  readonly setting: string;
  readonly from: string;
  readonly to: string;
}

/** TLS as it will be sent: resolved (`keep` has become the cluster's own certificate). */
export type TlsRequest =
  | { readonly status: 'Disabled' }
  | { readonly status: 'Auto'; readonly leafDomainLabel: string; readonly overwriteExistingDomain: boolean }
  | {
      readonly status: 'Enabled';
      readonly certPem: string;
      readonly keyPem: string;
      readonly cname: string;
      readonly fingerprintSha256: string;
      readonly expiresOn: Date;
    };

export interface AttachRequest {
  readonly computeName: string;
  readonly location: string;
  /** Absent: Azure ML creates a new cluster. */
  readonly clusterId?: string;
  readonly create?: {
    readonly agentCount: number;
    readonly vmSize: string;
    readonly network?: { subnetId?: string; serviceCidr?: string; dnsServiceIp?: string; dockerBridgeCidr?: string };
  };
  readonly purpose: ClusterPurpose;
  readonly loadBalancerType: LoadBalancerType;
  readonly loadBalancerSubnet?: string;
  readonly tls: TlsRequest;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface Plan {
  readonly action: PlanAction;
  /** The desired settings: set when the action attaches or creates (also after the detach of a reattach), or updates. */
  readonly attach?: AttachRequest;
  /** Set when the action updates the compute in place. */
  readonly update?: UpdateRequest;
  readonly reasons: readonly string[];
  readonly drift: readonly Drift[];
  readonly consequences: readonly string[];
}

/** Desired state whose `tls: keep` has been resolved from the cluster's secret. */
export type ResolvedTls = Exclude<DesiredTls, { mode: 'keep' }>;

/** A compute left Failed or Canceled by an earlier operation is repaired by a reattach. */
const BROKEN_STATES = ['failed', 'canceled'];

export function planChange(
  desired: DesiredState,
  observed: ObservedState,
  resolvedTls?: ResolvedTls,
  now: Date = new Date(),
): Plan {
  const compute = observed.compute;
  const name = desired.target.computeName;
  if (compute && compute.computeType.toUpperCase() !== 'AKS') {
    throw new StateError(
      `compute '${name}' exists and is of type ${compute.computeType}, not AKS; this tool only manages AKS inference computes`,
      'Choose another compute-name, or remove that compute yourself.',
    );
  }
  if (compute && isTransitional(compute.provisioningState)) {
    // The runner waits for a settled state before planning; reaching here is a programming error.
    throw new StateError(`compute '${name}' is still ${compute.provisioningState}`);
  }

  if (desired.operation === 'detach' || !desired.compute) {
    return compute
      ? { action: 'detach', reasons: ['operation: detach'], drift: [], consequences: detachConsequences(compute) }
      : {
          action: 'absent',
          reasons: [`compute '${name}' does not exist in the workspace`],
          drift: [],
          consequences: [],
        };
  }

  const want = desired.compute;
  const tls = resolvedTls ?? (want.tls.mode === 'keep' ? undefined : want.tls);
  if (!tls) throw new StateError('tls: keep was not resolved from the cluster before planning');

  if (!compute) {
    const clusterId = want.source.mode === 'attach' ? want.source.cluster.id : undefined;
    refuseSecondBinding(observed, clusterId, name);
    const action = want.source.mode === 'attach' ? 'attach' : 'create';
    return {
      action,
      attach: attachRequest(desired, want, tls, undefined, observed.workspaceLocation),
      reasons: [`compute '${name}' does not exist in the workspace`],
      drift: [],
      consequences:
        action === 'create'
          ? [
              'Azure ML creates a new AKS cluster (typically about 10 minutes); it is billed to the subscription and is not deleted by detach',
            ]
          : ['Azure ML installs its components on the cluster (typically about 5 minutes)'],
    };
  }

  const boundCluster = compute.clusterId;
  const wantedCluster = want.source.mode === 'attach' ? want.source.cluster.id : boundCluster;
  const drift: Drift[] = [];
  const reasons: string[] = [];
  if (want.source.mode === 'attach' && !sameResourceId(boundCluster, wantedCluster)) {
    if (!desired.replace) {
      throw new StateError(
        `compute '${name}' is bound to cluster ${boundCluster ?? '(none)'}, not to ${wantedCluster ?? '(none)'}; nothing was changed`,
        'Set replace: true to detach it and attach the new cluster, or choose another compute-name.',
      );
    }
    refuseSecondBinding(observed, wantedCluster, name);
    drift.push({ setting: 'aks-resource-id', from: boundCluster ?? '(none)', to: wantedCluster! });
  }
  drift.push(...settingDrift(compute, want, tls));

  const broken = BROKEN_STATES.includes(compute.provisioningState.toLowerCase());
  if (broken) {
    reasons.push(
      `provisioning state is ${compute.provisioningState}${compute.provisioningErrors.length ? ` (${compute.provisioningErrors.join('; ')})` : ''}`,
    );
  }
  if (desired.operation === 'refresh')
    reasons.push('operation: refresh always detaches and reattaches (updates the Azure ML components on the cluster)');
  reasons.push(...drift.map((d) => `${d.setting}: ${d.from} → ${d.to}`));
  const renewal = renewalOf(desired, compute, want, tls, drift, now);
  if (renewal.kind === 'due') reasons.push(renewal.reason);

  if (reasons.length === 0) {
    return {
      action: 'none',
      reasons: [
        `compute '${name}' is attached to ${boundCluster ?? '(no cluster)'} with the desired settings`,
        ...(renewal.kind === 'pending' ? [renewal.reason] : []),
      ],
      drift: [],
      consequences: [],
    };
  }
  const update = inPlaceUpdate(desired, observed.resource, drift, broken, renewal.kind === 'due');
  const request = attachRequest(desired, want, tls, compute, observed.workspaceLocation, wantedCluster);
  const attach = { ...request, tags: withRenewalTag(request.tags, renewal, update?.renew === true, now) };
  if (update)
    return { action: 'update', attach, update, reasons, drift, consequences: updateConsequences(update, tls, drift) };
  return {
    action: 'reattach',
    attach,
    reasons,
    drift,
    consequences: reattachConsequences(tls, compute),
  };
}

function refuseSecondBinding(observed: ObservedState, clusterId: string | undefined, name: string): void {
  const others = observed.otherBindings.filter((b) => b.name.toLowerCase() !== name.toLowerCase());
  if (clusterId && others.length > 0) {
    throw new StateError(
      `cluster ${clusterId} is already attached to this workspace as compute ${others.map((o) => `'${o.name}'`).join(', ')}; a second attach would break the first; nothing was changed`,
      `Use compute-name: ${others[0].name}, or detach that compute first.`,
    );
  }
}

function detachConsequences(compute: ObservedCompute): string[] {
  return [
    `web services deployed to compute '${compute.name}' stop being reachable through the workspace; the AKS cluster${compute.clusterId ? ` ${compute.clusterId}` : ''} is not deleted`,
  ];
}

function reattachConsequences(tls: ResolvedTls, compute: ObservedCompute): string[] {
  const out = [
    `the scoring endpoint of '${compute.name}' is unavailable from the detach until the reattach completes (typically a few minutes)`,
  ];
  if (tls.mode === 'custom')
    out.push(`the scoring IP may change: check the endpoint output and update the DNS record for ${tls.cname}`);
  if (tls.mode === 'auto') out.push('Azure ML issues a new certificate and DNS name for the leaf domain label');
  return out;
}
