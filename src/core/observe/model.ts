/** What the product found in Azure, as plain data the planner can reason about. */
import type { ComputeResource } from '@azure/arm-machinelearning';

export type TlsStatus = 'Disabled' | 'Enabled' | 'Auto';

export interface ObservedTls {
  readonly status: TlsStatus;
  readonly cname?: string;
  readonly leafDomainLabel?: string;
  readonly overwriteExistingDomain?: boolean;
}

export interface ObservedCompute {
  readonly id: string;
  readonly name: string;
  readonly location?: string;
  readonly computeType: string;
  readonly provisioningState: string;
  readonly provisioningErrors: readonly string[];
  readonly clusterId?: string;
  readonly isAttachedCompute?: boolean;
  readonly purpose?: string;
  readonly loadBalancerType?: string;
  readonly loadBalancerSubnet?: string;
  readonly tls: ObservedTls;
  /** SHA-256 of the certificate this product attached, recorded in a compute tag (ARM never returns the certificate). */
  readonly tlsFingerprint?: string;
  readonly tlsExpiresOn?: string;
  readonly scoringIp?: string;
  readonly clusterFqdn?: string;
  readonly agentCount?: number;
  readonly vmSize?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Kubernetes computes: the namespace, and the Azure ML extension of the cluster (observe/kubernetes.ts). */
  readonly namespace?: string;
  readonly extension?: { readonly id: string; readonly version?: string; readonly releaseTrain?: string };
}

export interface ObservedState {
  readonly compute?: ObservedCompute;
  /** The compute exactly as GET returned it: an update in place sends it back with only the changed settings replaced. */
  readonly resource?: ComputeResource;
  /** Other computes of the workspace bound to the cluster that is to be attached. */
  readonly otherBindings: ReadonlyArray<{ readonly name: string; readonly id: string }>;
  /** Region of the workspace, read only when a compute has to be attached or created from scratch. */
  readonly workspaceLocation?: string;
}

/** Compute tags this product writes. Tag names avoid the characters ARM forbids (<>%&\?/). */
export const TAGS = {
  fingerprint: 'tls-certificate-sha256',
  expiresOn: 'tls-certificate-expires-on',
  /** When a renewal of the Microsoft-generated certificate was requested (plan/renewal.ts): not repeated for 24 hours. */
  renewalRequestedAt: 'tls-renewal-requested-at',
  managedBy: 'managed-by',
} as const;
export const MANAGED_BY_VALUE = 'aks-aml-attach';

export const TRANSITIONAL_STATES = ['Creating', 'Updating', 'Deleting'] as const;

export function isTransitional(state: string): boolean {
  return (TRANSITIONAL_STATES as readonly string[]).some((s) => s.toLowerCase() === state.toLowerCase());
}
