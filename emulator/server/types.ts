/**
 * Shapes shared by the emulator's modules: the JSON seed, the mutable settings and the
 * internal records kept in state. ARM-visible JSON is built from these in arm-ml.ts and
 * containerservice.ts.
 */

// ---------------------------------------------------------------- seed (JSON-serialisable)

export interface FederatedCredentialSeed {
  /** Issuer URL the token must carry. Default: any issuer the emulator runs (GitHub or ADO). */
  issuer?: string;
  /** e.g. `repo:octo/app:ref:refs/heads/main` or `sc://org/project/connection`. */
  subject: string;
  /** Default: `api://AzureADTokenExchange`. */
  audiences?: string[];
}

export interface PrincipalSeed {
  /** Application (client) id. */
  clientId: string;
  /** Service principal object id (the `oid` of issued tokens). Default: derived from clientId. */
  objectId?: string;
  displayName?: string;
  /** Client secrets accepted for client_credentials. */
  secrets?: string[];
  /** PEM certificates registered for the app (ClientCertificateCredential assertions). */
  certificates?: string[];
  federatedCredentials?: FederatedCredentialSeed[];
  /** Accept any emulator-issued OIDC token as assertion, whatever its subject. */
  federated?: boolean;
  /**
   * A managed identity reachable through /msi/token: 'system' answers requests without a
   * client id, 'user' only requests naming its clientId / objectId.
   */
  managedIdentity?: 'system' | 'user';
}

export interface TenantSeed {
  tenantId: string;
  principals: PrincipalSeed[];
}

export interface WorkspaceSeed {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  friendlyName?: string;
  /** Principals (clientId or objectId) that get 403 AuthorizationFailed on this workspace. */
  deniedPrincipals?: string[];
}

export interface AgentPoolSeed {
  name: string;
  count: number;
  vmSize: string;
  mode?: 'System' | 'User';
  osType?: 'Linux' | 'Windows';
}

export interface ManagedClusterSeed {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** Default 1.30.6. */
  kubernetesVersion?: string;
  currentKubernetesVersion?: string;
  /** Shorthand for one System pool `nodepool1` (ignored when agentPools is given). Default 3. */
  nodeCount?: number;
  /** Default Standard_D3_v2. */
  vmSize?: string;
  agentPools?: AgentPoolSeed[];
  /** Default 'standard'. */
  loadBalancerSku?: 'standard' | 'basic';
  enablePrivateCluster?: boolean;
  enablePrivateClusterPublicFQDN?: boolean;
  authorizedIPRanges?: string[];
  provisioningState?: string;
  powerState?: 'Running' | 'Stopped';
  dnsPrefix?: string;
  nodeResourceGroup?: string;
  tags?: Record<string, string>;
  /** Principals (clientId or objectId) that get 403 AuthorizationFailed reading this cluster. */
  deniedPrincipals?: string[];
  /** Microsoft Entra integration: the user kubeconfig then signs in through kubelogin (exec), with no token of its own. */
  aadManaged?: boolean;
  /** No local accounts: listClusterAdminCredential is refused (AKS's BadRequest). */
  disableLocalAccounts?: boolean;
  /** Kubernetes namespaces besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  /** The cluster user's Kubernetes RBAC lets it read but not write (a PATCH answers 403 Forbidden). */
  kubernetesReadOnly?: boolean;
  /** The v1 azureml-fe deployment in namespace default, when one runs (see FrontEndDeployment). */
  frontEndDeployment?: Partial<FrontEndDeployment>;
}

/** The v1 scoring front end's Deployment `azureml-fe` in namespace default, as far as the coexistence path looks at it. */
export interface FrontEndDeployment {
  annotations: Record<string, string>;
  replicas: number;
  readyReplicas: number;
}

/** A compute seeded directly, in any provisioning state. `resource` is ARM ComputeResource JSON. */
export interface ComputeSeed {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  name: string;
  /** Default: workspace location. */
  location?: string;
  tags?: Record<string, string>;
  /** Compute `properties` (computeType, resourceId, provisioningState, properties: AKS settings...). */
  properties: Record<string, unknown>;
  /** TLS material served by the cluster's azuremlfessl secret (never returned by ARM). */
  tls?: { certPem: string; keyPem: string };
}

/** A cluster extension (Microsoft.KubernetesConfiguration/extensions) seeded directly. */
export interface ExtensionSeed {
  /** ARM id of the managed cluster it is installed on. */
  clusterId: string;
  name: string;
  /** Default microsoft.azureml.kubernetes. */
  extensionType?: string;
  autoUpgradeMinorVersion?: boolean;
  /** Default stable. */
  releaseTrain?: string;
  version?: string;
  /** Default: the newest version of the release train. */
  currentVersion?: string;
  configurationSettings?: Record<string, string>;
  configurationProtectedSettings?: Record<string, string>;
  provisioningState?: string;
}

export interface KubernetesVersionSeed {
  version: string;
  isDefault?: boolean;
  isPreview?: boolean;
  patchVersions?: string[];
}

export interface EmulatorSeed {
  tenants?: TenantSeed[];
  workspaces?: WorkspaceSeed[];
  managedClusters?: ManagedClusterSeed[];
  computes?: ComputeSeed[];
  extensions?: ExtensionSeed[];
  /** Per location (lower-case). Missing locations get a built-in default list. */
  kubernetesVersions?: Record<string, KubernetesVersionSeed[]>;
  github?: {
    /** Bearer expected on /github-oidc/token. Default `gh-request-token`. */
    requestToken?: string;
    /** Default `repo:octo-org/octo-repo:ref:refs/heads/main`. */
    subject?: string;
    repository?: string;
    ref?: string;
  };
  azureDevOps?: {
    /** Bearer expected on /ado-oidc/. Default `ado-system-access-token`. */
    systemAccessToken?: string;
    organization?: string;
    project?: string;
    /** Service connection id → name, used for the subject `sc://org/project/name`. */
    serviceConnections?: Array<{ id: string; name: string }>;
  };
  managedIdentity?: {
    /** Value expected in X-IDENTITY-HEADER. Default `msi-identity-header`. */
    identityHeader?: string;
  };
}

// ---------------------------------------------------------------- settings

export interface ThrottleSettings {
  readsPerSecond: number;
  writesPerSecond: number;
  burst: number;
}

export interface OperationOutcome {
  code: string;
  message: string;
  /** ARM `error.details[]`: Azure often answers BadRequest and gives the reason only here. */
  details?: OperationOutcome[];
}

export interface EmulatorSettings {
  tokenLifetimeSeconds: number;
  oidcTokenLifetimeSeconds: number;
  attachMs: number;
  createMs: number;
  detachMs: number;
  /** null: no Retry-After header on LRO responses. */
  retryAfterSeconds: number | null;
  asyncHeaders: 'both' | 'azure-async-operation' | 'location';
  /** One-shot: the next long-running operation ends Failed with this error. */
  failNextOperation: OperationOutcome | null;
  /** One-shot: the next long-running operation ends Canceled. */
  cancelNextOperation: boolean;
  pageSize: number;
  /**
   * 'spec' (default): the answers the 2022-10-01 spec allows, as the emulator always gave them.
   * 'captured': the shapes Azure really sends (signed status URLs, no Location/Retry-After on
   * PUT, nulls, cname "" under Auto…; see emulator/arm/captured-shapes.ts).
   */
  responseShapes: 'spec' | 'captured';
  /** With captured shapes: how DELETE is answered; 'rotate' cycles 202, 200, 204. */
  capturedDeleteStatus: 200 | 202 | 204 | 'rotate';
  /** With captured shapes: how long after a renewal request azuremlfessl serves the renewed certificate (Azure: about 5 hours). */
  capturedRenewalDelayMs: number;
  throttle: ThrottleSettings | null;
  echoRequestBodyInErrors: boolean;
  /** How long an extension install or update runs. */
  extensionMs: number;
  /** Versions of each extension release train (lower-case train name), oldest first; the last one is "the newest". */
  extensionVersions: Record<string, string[]>;
}

export const DEFAULT_SETTINGS: EmulatorSettings = {
  tokenLifetimeSeconds: 3600,
  oidcTokenLifetimeSeconds: 600,
  attachMs: 1500,
  createMs: 2500,
  detachMs: 1000,
  retryAfterSeconds: 1,
  asyncHeaders: 'both',
  failNextOperation: null,
  cancelNextOperation: false,
  pageSize: 50,
  responseShapes: 'spec',
  capturedDeleteStatus: 'rotate',
  capturedRenewalDelayMs: 5 * 3_600_000,
  throttle: null,
  echoRequestBodyInErrors: false,
  extensionMs: 800,
  extensionVersions: { stable: ['1.1.62', '1.1.64'], preview: ['1.2.0-preview.3'] },
};

// ---------------------------------------------------------------- internal records

export interface PrincipalRecord {
  tenantId: string;
  clientId: string;
  objectId: string;
  displayName: string;
  secrets: string[];
  certificates: string[];
  federatedCredentials: FederatedCredentialSeed[];
  federated: boolean;
  managedIdentity?: 'system' | 'user';
}

export interface WorkspaceRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  friendlyName: string;
  workspaceId: string;
  deniedPrincipals: string[];
}

export interface ManagedClusterRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  kubernetesVersion: string;
  currentKubernetesVersion: string;
  agentPools: Required<AgentPoolSeed>[];
  loadBalancerSku: 'standard' | 'basic';
  enablePrivateCluster: boolean;
  enablePrivateClusterPublicFQDN: boolean;
  authorizedIPRanges: string[];
  provisioningState: string;
  powerState: 'Running' | 'Stopped';
  dnsPrefix: string;
  fqdnSuffix: string;
  nodeResourceGroup: string;
  tags: Record<string, string>;
  deniedPrincipals: string[];
  aadManaged: boolean;
  disableLocalAccounts: boolean;
  /** Networking given when the emulator created the cluster for a compute. */
  network?: Record<string, unknown>;
  /** Azure ML installed its azureml-fe resources here (an attach succeeded); a detach leaves them. */
  azuremlFrontEnd?: boolean;
  /** Namespaces created on the cluster besides the built-in ones (namespaces.ts adds those). */
  namespaces: string[];
  kubernetesReadOnly: boolean;
  /** The azureml-fe deployment's annotations and readiness, once seeded or patched (else: the defaults). */
  frontEndDeployment?: FrontEndDeployment;
  /** Bearer tokens of the kubeconfigs handed out by listCluster*Credential. */
  userToken: string;
  adminToken: string;
}

export interface ExtensionRecord {
  clusterId: string;
  name: string;
  extensionType: string;
  autoUpgradeMinorVersion: boolean;
  releaseTrain: string;
  version?: string;
  currentVersion?: string;
  configurationSettings: Record<string, string>;
  /** Never in an ARM answer (x-ms-secret). */
  configurationProtectedSettings: Record<string, string>;
  provisioningState: string;
  errorInfo?: OperationOutcome;
  statuses: Array<{ code: string; displayStatus: string; level: string; message: string; time: string }>;
}

export interface ComputeRecord {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  /** ARM `properties` of the ComputeResource, without sslConfiguration.cert/key. */
  properties: Record<string, unknown>;
  tls?: { certPem: string; keyPem: string };
  /** With captured shapes: a renewed certificate laid down, served from `requestedAt` + settings.capturedRenewalDelayMs. */
  renewal?: { tls: { certPem: string; keyPem: string }; requestedAt: number };
}
