/**
 * The emulator's world: tenants/principals, workspaces, managed clusters and computes.
 * Public accessors hand out deep copies (tests must not mutate the world by accident);
 * the `live*` methods give the modules the records themselves.
 */
import * as crypto from 'node:crypto';
import { computeId, key, managedClusterId, parseManagedClusterId, workspaceId } from '../arm/ids';
import type {
  ComputeRecord,
  ComputeSeed,
  EmulatorSeed,
  ExtensionRecord,
  ExtensionSeed,
  KubernetesVersionSeed,
  ManagedClusterRecord,
  ManagedClusterSeed,
  PrincipalRecord,
  PrincipalSeed,
  WorkspaceRecord,
  WorkspaceSeed,
} from './types';

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Deterministic GUID-looking id from a name, so seeds need not invent object ids. */
export function guidFrom(text: string): string {
  const h = crypto.createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const DEFAULT_K8S_VERSIONS: KubernetesVersionSeed[] = [
  { version: '1.29', patchVersions: ['1.29.9', '1.29.10'] },
  { version: '1.30', isDefault: true, patchVersions: ['1.30.5', '1.30.6'] },
  { version: '1.31', patchVersions: ['1.31.1', '1.31.2'] },
];

export interface StateSnapshot {
  principals: PrincipalRecord[];
  workspaces: WorkspaceRecord[];
  managedClusters: ManagedClusterRecord[];
  computes: ComputeRecord[];
  extensions: ExtensionRecord[];
}

export class EmulatorState {
  private readonly principals = new Map<string, PrincipalRecord>();
  private readonly workspaces = new Map<string, WorkspaceRecord>();
  private readonly clusters = new Map<string, ManagedClusterRecord>();
  private readonly computes = new Map<string, ComputeRecord>();
  private readonly extensions = new Map<string, ExtensionRecord>();
  private readonly k8sVersions: Record<string, KubernetesVersionSeed[]>;
  readonly github: { requestToken: string; subject: string; repository: string; ref: string };
  readonly azureDevOps: {
    systemAccessToken: string;
    organization: string;
    project: string;
    serviceConnections: Array<{ id: string; name: string }>;
  };
  readonly identityHeader: string;

  constructor(seed: EmulatorSeed = {}) {
    for (const t of seed.tenants ?? []) for (const p of t.principals) this.putPrincipal(t.tenantId, p);
    for (const w of seed.workspaces ?? []) this.putWorkspace(w);
    for (const c of seed.managedClusters ?? []) this.putManagedCluster(c);
    for (const c of seed.computes ?? []) this.putCompute(c);
    for (const e of seed.extensions ?? []) this.putExtension(e);
    this.k8sVersions = Object.fromEntries(
      Object.entries(seed.kubernetesVersions ?? {}).map(([loc, v]) => [loc.toLowerCase(), v]),
    );
    const gh = seed.github ?? {};
    const repository = gh.repository ?? 'octo-org/octo-repo';
    const ref = gh.ref ?? 'refs/heads/main';
    this.github = {
      requestToken: gh.requestToken ?? 'gh-request-token',
      repository,
      ref,
      subject: gh.subject ?? `repo:${repository}:ref:${ref}`,
    };
    const ado = seed.azureDevOps ?? {};
    this.azureDevOps = {
      systemAccessToken: ado.systemAccessToken ?? 'ado-system-access-token',
      organization: ado.organization ?? 'emulator-org',
      project: ado.project ?? 'emulator-project',
      serviceConnections: ado.serviceConnections ?? [],
    };
    this.identityHeader = seed.managedIdentity?.identityHeader ?? 'msi-identity-header';
  }

  // ------------------------------------------------------------ principals

  putPrincipal(tenantId: string, p: PrincipalSeed): PrincipalRecord {
    const rec: PrincipalRecord = {
      tenantId,
      clientId: p.clientId,
      objectId: p.objectId ?? guidFrom(`oid:${tenantId}:${p.clientId}`),
      displayName: p.displayName ?? p.clientId,
      secrets: [...(p.secrets ?? [])],
      certificates: [...(p.certificates ?? [])],
      federatedCredentials: clone(p.federatedCredentials ?? []),
      federated: p.federated ?? false,
      managedIdentity: p.managedIdentity,
    };
    this.principals.set(key(tenantId, p.clientId), rec);
    return clone(rec);
  }

  livePrincipal(tenantId: string, clientId: string): PrincipalRecord | undefined {
    return this.principals.get(key(tenantId, clientId));
  }

  /** Any principal with this client id, whatever the tenant (for `common`/`organizations`). */
  livePrincipalByClientId(clientId: string): PrincipalRecord | undefined {
    for (const p of this.principals.values()) if (p.clientId.toLowerCase() === clientId.toLowerCase()) return p;
    return undefined;
  }

  liveManagedIdentity(q: { clientId?: string; objectId?: string; resourceId?: string }): PrincipalRecord | undefined {
    const mis = [...this.principals.values()].filter((p) => p.managedIdentity);
    if (q.clientId) return mis.find((p) => p.clientId.toLowerCase() === q.clientId!.toLowerCase());
    if (q.objectId) return mis.find((p) => p.objectId.toLowerCase() === q.objectId!.toLowerCase());
    if (q.resourceId) return mis.find((p) => p.displayName.toLowerCase() === q.resourceId!.toLowerCase());
    return mis.find((p) => p.managedIdentity === 'system');
  }

  hasTenant(tenantId: string): boolean {
    const t = tenantId.toLowerCase();
    for (const p of this.principals.values()) if (p.tenantId.toLowerCase() === t) return true;
    return false;
  }

  // ------------------------------------------------------------ workspaces

  putWorkspace(w: WorkspaceSeed): WorkspaceRecord {
    const rec: WorkspaceRecord = {
      subscriptionId: w.subscriptionId,
      resourceGroup: w.resourceGroup,
      name: w.name,
      location: w.location,
      tags: { ...(w.tags ?? {}) },
      friendlyName: w.friendlyName ?? w.name,
      workspaceId: guidFrom(`ws:${key(w.subscriptionId, w.resourceGroup, w.name)}`),
      deniedPrincipals: [...(w.deniedPrincipals ?? [])],
    };
    this.workspaces.set(key(workspaceId(w.subscriptionId, w.resourceGroup, w.name)), rec);
    return clone(rec);
  }

  liveWorkspace(sub: string, rg: string, ws: string): WorkspaceRecord | undefined {
    return this.workspaces.get(key(workspaceId(sub, rg, ws)));
  }

  getWorkspace(sub: string, rg: string, ws: string): WorkspaceRecord | undefined {
    return clone(this.liveWorkspace(sub, rg, ws));
  }

  /** ARM has no resource-group objects here: a group exists when something lives in it. */
  hasResourceGroup(sub: string, rg: string): boolean {
    const prefix = `/subscriptions/${sub}/resourcegroups/${rg}/`.toLowerCase();
    return [...this.workspaces.keys(), ...this.clusters.keys()].some((k) => k.startsWith(prefix));
  }

  // ------------------------------------------------------------ managed clusters

  putManagedCluster(c: ManagedClusterSeed): ManagedClusterRecord {
    const version = c.kubernetesVersion ?? '1.30.6';
    const dnsPrefix = c.dnsPrefix ?? `${c.name}-dns`.slice(0, 54);
    const pools = (
      c.agentPools ?? [{ name: 'nodepool1', count: c.nodeCount ?? 3, vmSize: c.vmSize ?? 'Standard_D3_v2' }]
    ).map((p) => ({
      name: p.name,
      count: p.count,
      vmSize: p.vmSize,
      mode: p.mode ?? 'System',
      osType: p.osType ?? 'Linux',
    }));
    const existing = this.liveManagedClusterByParts(c.subscriptionId, c.resourceGroup, c.name);
    const rec: ManagedClusterRecord = {
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      name: c.name,
      location: c.location,
      kubernetesVersion: version,
      currentKubernetesVersion: c.currentKubernetesVersion ?? version,
      agentPools: pools,
      loadBalancerSku: c.loadBalancerSku ?? 'standard',
      enablePrivateCluster: c.enablePrivateCluster ?? false,
      enablePrivateClusterPublicFQDN: c.enablePrivateClusterPublicFQDN ?? false,
      authorizedIPRanges: [...(c.authorizedIPRanges ?? [])],
      provisioningState: c.provisioningState ?? 'Succeeded',
      powerState: c.powerState ?? 'Running',
      dnsPrefix,
      fqdnSuffix: existing?.fqdnSuffix ?? crypto.randomBytes(4).toString('hex'),
      nodeResourceGroup: c.nodeResourceGroup ?? `MC_${c.resourceGroup}_${c.name}_${c.location}`,
      tags: { ...(c.tags ?? {}) },
      deniedPrincipals: [...(c.deniedPrincipals ?? [])],
      aadManaged: c.aadManaged ?? false,
      disableLocalAccounts: c.disableLocalAccounts ?? false,
      namespaces: [...(c.namespaces ?? existing?.namespaces ?? [])],
      kubernetesReadOnly: c.kubernetesReadOnly ?? false,
      frontEndDeployment: c.frontEndDeployment
        ? { annotations: {}, replicas: 2, readyReplicas: 2, ...c.frontEndDeployment }
        : existing?.frontEndDeployment,
      userToken: existing?.userToken ?? crypto.randomBytes(24).toString('base64url'),
      adminToken: existing?.adminToken ?? crypto.randomBytes(24).toString('base64url'),
    };
    this.clusters.set(key(managedClusterId(c.subscriptionId, c.resourceGroup, c.name)), rec);
    return clone(rec);
  }

  liveManagedClusterByParts(sub: string, rg: string, name: string): ManagedClusterRecord | undefined {
    return this.clusters.get(key(managedClusterId(sub, rg, name)));
  }

  liveManagedCluster(id: string): ManagedClusterRecord | undefined {
    const p = parseManagedClusterId(id);
    return p ? this.liveManagedClusterByParts(p.subscriptionId, p.resourceGroup, p.name) : undefined;
  }

  getManagedCluster(id: string): ManagedClusterRecord | undefined {
    return clone(this.liveManagedCluster(id));
  }

  deleteManagedCluster(id: string): boolean {
    const p = parseManagedClusterId(id);
    return p ? this.clusters.delete(key(managedClusterId(p.subscriptionId, p.resourceGroup, p.name))) : false;
  }

  allLiveManagedClusters(): ManagedClusterRecord[] {
    return [...this.clusters.values()];
  }

  kubernetesVersions(location: string): KubernetesVersionSeed[] {
    return this.k8sVersions[location.toLowerCase()] ?? DEFAULT_K8S_VERSIONS;
  }

  // ------------------------------------------------------------ computes

  /** Seed or overwrite a compute directly (no validation, no operation). */
  putCompute(c: ComputeSeed): ComputeRecord {
    const ws = this.liveWorkspace(c.subscriptionId, c.resourceGroup, c.workspaceName);
    const props = clone<Record<string, unknown>>(c.properties);
    const inner = props.properties as Record<string, unknown> | undefined;
    const ssl = inner?.sslConfiguration as Record<string, unknown> | undefined;
    let tls = c.tls ? { ...c.tls } : undefined;
    if (ssl && (ssl.cert !== undefined || ssl.key !== undefined)) {
      // Secrets never live in the ARM view; keep them as TLS material instead.
      if (!tls && typeof ssl.cert === 'string' && typeof ssl.key === 'string')
        tls = { certPem: ssl.cert, keyPem: ssl.key };
      delete ssl.cert;
      delete ssl.key;
    }
    const now = new Date().toISOString();
    props.computeType ??= 'AKS';
    props.provisioningState ??= 'Succeeded';
    props.createdOn ??= now;
    props.modifiedOn ??= now;
    const rec: ComputeRecord = {
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      workspaceName: c.workspaceName,
      name: c.name,
      location: c.location ?? ws?.location ?? 'eastus',
      tags: c.tags ? { ...c.tags } : undefined,
      properties: props,
      tls,
    };
    this.computes.set(key(computeId(c.subscriptionId, c.resourceGroup, c.workspaceName, c.name)), rec);
    return clone(rec);
  }

  liveCompute(sub: string, rg: string, ws: string, name: string): ComputeRecord | undefined {
    return this.computes.get(key(computeId(sub, rg, ws, name)));
  }

  getCompute(sub: string, rg: string, ws: string, name: string): ComputeRecord | undefined {
    return clone(this.liveCompute(sub, rg, ws, name));
  }

  liveComputesOf(sub: string, rg: string, ws: string): ComputeRecord[] {
    const prefix = key(workspaceId(sub, rg, ws)) + '/computes/';
    return [...this.computes.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  }

  listComputes(sub: string, rg: string, ws: string): ComputeRecord[] {
    return clone(this.liveComputesOf(sub, rg, ws));
  }

  allLiveComputes(): ComputeRecord[] {
    return [...this.computes.values()];
  }

  deleteCompute(sub: string, rg: string, ws: string, name: string): boolean {
    return this.computes.delete(key(computeId(sub, rg, ws, name)));
  }

  /** Force a provisioning state (and optionally an error), e.g. to seed a Failed compute. */
  setComputeState(
    sub: string,
    rg: string,
    ws: string,
    name: string,
    provisioningState: string,
    error?: { code: string; message: string },
  ): void {
    const c = this.liveCompute(sub, rg, ws, name);
    if (!c) throw new Error(`setComputeState: no compute ${computeId(sub, rg, ws, name)}`);
    c.properties.provisioningState = provisioningState;
    c.properties.modifiedOn = new Date().toISOString();
    if (error) c.properties.provisioningErrors = [{ error: { code: error.code, message: error.message } }];
    else if (provisioningState !== 'Failed') delete c.properties.provisioningErrors;
  }

  // ------------------------------------------------------------ cluster extensions

  /** Seed or overwrite an extension directly (no validation, no operation). */
  putExtension(e: ExtensionSeed): ExtensionRecord {
    const rec: ExtensionRecord = {
      clusterId: e.clusterId,
      name: e.name,
      extensionType: e.extensionType ?? 'microsoft.azureml.kubernetes',
      autoUpgradeMinorVersion: e.autoUpgradeMinorVersion ?? true,
      releaseTrain: e.releaseTrain ?? 'stable',
      version: e.version,
      currentVersion: e.currentVersion ?? e.version,
      configurationSettings: { ...(e.configurationSettings ?? {}) },
      configurationProtectedSettings: { ...(e.configurationProtectedSettings ?? {}) },
      provisioningState: e.provisioningState ?? 'Succeeded',
      statuses: [],
    };
    this.extensions.set(key(e.clusterId, 'extensions', e.name), rec);
    return clone(rec);
  }

  liveExtension(clusterId: string, name: string): ExtensionRecord | undefined {
    return this.extensions.get(key(clusterId, 'extensions', name));
  }

  /** A copy, protected settings included (tests check what was applied). */
  getExtension(clusterId: string, name: string): ExtensionRecord | undefined {
    return clone(this.liveExtension(clusterId, name));
  }

  liveExtensionsOf(clusterId: string): ExtensionRecord[] {
    const prefix = key(clusterId, 'extensions') + '/';
    return [...this.extensions.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  }

  deleteExtension(clusterId: string, name: string): boolean {
    return this.extensions.delete(key(clusterId, 'extensions', name));
  }

  snapshot(): StateSnapshot {
    return clone({
      principals: [...this.principals.values()],
      workspaces: [...this.workspaces.values()],
      managedClusters: [...this.clusters.values()],
      computes: [...this.computes.values()],
      extensions: [...this.extensions.values()],
    });
  }
}
