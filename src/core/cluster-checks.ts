/**
 * Pre-flight checks of the AKS cluster that is about to be attached, against the limitations of
 * the how-to. Runs only when the plan attaches a cluster, before any change. (Being completed.)
 */
import type { ArmGateway } from './azure/gateway';
import type { DesiredState } from './desired';
import type { Plan } from './plan';
import type { Platform } from './platform';

export interface ClusterCheckContext {
  readonly gateway: ArmGateway;
  readonly platform: Platform;
  readonly desired: DesiredState;
  readonly plan: Plan;
}

export async function checkTargetCluster(_ctx: ClusterCheckContext): Promise<void> {
  // Filled in by the cluster-aware work: existence, access, purpose vs size, private FQDN, load balancer, version.
}
