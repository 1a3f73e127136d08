/** The desired state: what the user asked for, as plain checked data (built by read.ts). */
import type { ComputeTarget, ManagedClusterId } from '../azure/arm-id';

export type { ComputeTarget } from '../azure/arm-id';
import type { CertificateInfo } from '../tls/certificate';
import type { KeyVaultCertificateId } from '../keyvault/identifier';

export type Operation = 'ensure' | 'refresh' | 'detach';
export type ClusterPurpose = 'FastProd' | 'DevTest';
export type LoadBalancerType = 'PublicIp' | 'InternalLoadBalancer';

export interface NewClusterNetwork {
  readonly subnetId?: string;
  readonly serviceCidr?: string;
  readonly dnsServiceIp?: string;
  readonly dockerBridgeCidr?: string;
}

export type ClusterSource =
  | { readonly mode: 'attach'; readonly cluster: ManagedClusterId }
  | {
      readonly mode: 'create';
      readonly location?: string;
      readonly agentCount: number;
      readonly vmSize: string;
      readonly network?: NewClusterNetwork;
    };

export type DesiredTls =
  | { readonly mode: 'disabled' }
  | { readonly mode: 'auto'; readonly leafDomainLabel: string; readonly overwriteExistingDomain: boolean }
  | {
      readonly mode: 'custom';
      readonly certPem: string;
      readonly keyPem: string;
      readonly cname: string;
      readonly certificate: CertificateInfo;
      /** Where the certificate came from, with tls-certificate-id: the version applied. */
      readonly keyVault?: KeyVaultCertificateSource;
    }
  /** tls: custom with tls-certificate-id: resolved to `custom` from Key Vault before anything is read from ARM. */
  | { readonly mode: 'key-vault'; readonly certificateId: KeyVaultCertificateId; readonly cname?: string }
  /** Resolved to `custom` from the cluster's azuremlfessl secret before anything changes. */
  | { readonly mode: 'keep'; readonly cname?: string };

export interface KeyVaultCertificateSource {
  readonly vaultName: string;
  readonly name: string;
  readonly version: string;
}

export interface DesiredCompute {
  readonly source: ClusterSource;
  readonly purpose: ClusterPurpose;
  readonly loadBalancerType: LoadBalancerType;
  readonly loadBalancerSubnet?: string;
  readonly tls: DesiredTls;
  /** renew-within-days: renew (auto) or warn about (custom) a certificate expiring this soon; 0: never. */
  readonly renewWithinDays: number;
}

/** compute-type: kubernetes — the v2 compute, with the Azure ML extension on the cluster. */
export interface DesiredKubernetes {
  readonly namespace: string;
  readonly extensionName: string;
  /** migrate-from: the v1 AKS compute on the same cluster the v2 compute is set up beside. */
  readonly migrateFrom?: string;
}

export interface DesiredState {
  readonly target: ComputeTarget;
  readonly operation: Operation;
  /** Absent for `detach`, whose cluster and TLS inputs are ignored. */
  readonly compute?: DesiredCompute;
  /** Present with compute-type: kubernetes; absent for aks (v1, the default). */
  readonly kubernetes?: DesiredKubernetes;
  readonly replace: boolean;
  readonly dryRun: boolean;
  readonly timeoutMinutes: number;
  readonly warnings: readonly string[];
}

export const DEFAULT_AGENT_COUNT = 3;
export const DEFAULT_RENEW_WITHIN_DAYS = 30;
export const DEFAULT_VM_SIZE = 'Standard_D3_v2';
export const MIN_NODES: Record<ClusterPurpose, number> = { FastProd: 3, DevTest: 1 };
