/**
 * Microsoft.MachineLearningServices 2022-10-01: Workspaces_Get and the AKS compute operations
 * (List, Get, CreateOrUpdate = create or attach, Delete = Detach/Delete, ListKeys), with the
 * rules of the how-to: one attach per cluster per workspace, 3 nodes for production, no TLS
 * behind an internal load balancer, TLS secrets never echoed back.
 */
import { textOf } from '../server/text';
import * as crypto from 'node:crypto';
import { denied } from './authz';
import { clusterFqdn } from './container-service';
import { armError, json, matchPath, queryParam, type Handler, type Reply, type RequestContext } from '../server/http';
import { computeId, managedClusterId, parseManagedClusterId, workspaceId } from './ids';
import { kubeconfigYaml, type K8sDeps } from '../k8s/api-server';
import { errorBody, type OperationRegistry } from './lro';
import { shapeMlReply } from './captured-shapes';
import { isKubernetesPut, putKubernetesCompute } from './kubernetes-compute';
import { isUpdate, updateCompute } from './compute-update';
import type { EmulatorState } from '../server/state';
import type {
  ComputeRecord,
  EmulatorSettings,
  ManagedClusterRecord,
  OperationOutcome,
  WorkspaceRecord,
} from '../server/types';

export interface MlDeps {
  state: EmulatorState;
  lro: OperationRegistry;
  settings: () => EmulatorSettings;
  k8s: K8sDeps;
  /** Issues the "Microsoft" certificate for an sslConfiguration.status Auto FQDN. */
  issueAutoCertificate: (fqdn: string) => { certPem: string; keyPem: string };
}

const COMPUTE_TYPE = 'Microsoft.MachineLearningServices/workspaces/computes';
const IN_PROGRESS = ['Creating', 'Updating', 'Deleting'];
const CLUSTER_PURPOSES = ['FastProd', 'DenseProd', 'DevTest'];
const LOAD_BALANCER_TYPES = ['PublicIp', 'InternalLoadBalancer'];
const SSL_STATUSES = ['Disabled', 'Enabled', 'Auto'];
const UNDERLYING_ACTIONS = ['Delete', 'Detach'];
const CIDR = /^([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[1-2][0-9]|3[0-2]))?$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$/;
const COMPUTE_NAME = /^[a-zA-Z](?:[a-zA-Z0-9-]{1,22})[a-zA-Z0-9]$/;
/** AKSSchema.properties fields a client may set (the rest are read-only or unknown). */
const AKS_WRITABLE = [
  'agentCount',
  'agentVmSize',
  'clusterPurpose',
  'sslConfiguration',
  'aksNetworkingConfiguration',
  'loadBalancerType',
  'loadBalancerSubnet',
  'clusterFqdn',
];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

export function randomAlnum(n: number): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.randomBytes(n), (b) => chars[b % chars.length]).join('');
}

// ---------------------------------------------------------------- rendering

export function renderWorkspace(w: WorkspaceRecord): Json {
  const rgId = `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}`;
  const short = w.name
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 12);
  return {
    id: workspaceId(w.subscriptionId, w.resourceGroup, w.name),
    name: w.name,
    type: 'Microsoft.MachineLearningServices/workspaces',
    location: w.location,
    tags: { ...w.tags },
    sku: { name: 'Basic', tier: 'Basic' },
    properties: {
      workspaceId: w.workspaceId,
      friendlyName: w.friendlyName,
      provisioningState: 'Succeeded',
      keyVault: `${rgId}/providers/Microsoft.KeyVault/vaults/kv${short}`,
      storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/st${short}`,
      applicationInsights: `${rgId}/providers/Microsoft.Insights/components/ai${short}`,
      discoveryUrl: `https://${w.location}.api.azureml.ms/discovery`,
      hbiWorkspace: false,
      publicNetworkAccess: 'Enabled',
      v1LegacyMode: false,
    },
  };
}

/** The ARM view of a compute. TLS cert/key are x-ms-secret: never in a response. */
export function renderCompute(c: ComputeRecord): Json {
  const properties = JSON.parse(JSON.stringify(c.properties)) as Json;
  const ssl = isObj(properties.properties) ? (properties.properties.sslConfiguration as Json | undefined) : undefined;
  if (isObj(ssl)) {
    delete ssl.cert;
    delete ssl.key;
  }
  const out: Json = {
    id: computeId(c.subscriptionId, c.resourceGroup, c.workspaceName, c.name),
    name: c.name,
    type: COMPUTE_TYPE,
    location: c.location,
  };
  if (c.tags) out.tags = { ...c.tags };
  out.properties = properties;
  return out;
}

// ---------------------------------------------------------------- routing

export function createMlHandler(deps: MlDeps): Handler {
  const route = createMlRoutes(deps);
  const capture = { state: deps.state, settings: deps.settings, finishNow: (url: string) => deps.lro.finishNow(url) };
  return async (ctx) => shapeMlReply(capture, ctx, await route(ctx));
}

function createMlRoutes(deps: MlDeps): Handler {
  const wsPattern =
    'subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}';
  return (ctx) => {
    const s = ctx.segments;
    let m = matchPath(s, wsPattern);
    if (m) {
      if (ctx.method !== 'GET') return undefined;
      ctx.operationId = 'Workspaces_Get';
      const ws = workspaceOr404(ctx, deps, m, 'Microsoft.MachineLearningServices/workspaces/read');
      return 'status' in ws ? ws : json(200, renderWorkspace(ws));
    }
    m = matchPath(s, `${wsPattern}/computes`);
    if (m) {
      if (ctx.method !== 'GET') return undefined;
      ctx.operationId = 'Compute_List';
      const ws = workspaceOr404(ctx, deps, m, 'Microsoft.MachineLearningServices/workspaces/computes/read');
      return 'status' in ws ? ws : list(ctx, deps, ws);
    }
    m = matchPath(s, `${wsPattern}/computes/{name}`);
    if (m) {
      const op = {
        GET: 'Compute_Get',
        PUT: 'Compute_CreateOrUpdate',
        DELETE: 'Compute_Delete',
        PATCH: 'Compute_Update',
      }[ctx.method];
      if (!op) return undefined;
      ctx.operationId = op;
      const action = ctx.method === 'GET' ? 'read' : ctx.method === 'DELETE' ? 'delete' : 'write';
      const ws = workspaceOr404(ctx, deps, m, `Microsoft.MachineLearningServices/workspaces/computes/${action}`);
      if ('status' in ws) return ws;
      if (ctx.method === 'GET') return getCompute(deps, ws, m.name);
      if (ctx.method === 'PUT') return putCompute(ctx, deps, ws, m.name);
      if (ctx.method === 'DELETE') return deleteCompute(ctx, deps, ws, m.name);
      return armError(
        400,
        'BadRequest',
        'Compute update (PATCH) only supports scale settings of AmlCompute; it is not available for AKS computes.',
      );
    }
    m = matchPath(s, `${wsPattern}/computes/{name}/listKeys`);
    if (m && ctx.method === 'POST') {
      ctx.operationId = 'Compute_ListKeys';
      const ws = workspaceOr404(ctx, deps, m, 'Microsoft.MachineLearningServices/workspaces/computes/listKeys/action');
      return 'status' in ws ? ws : listKeys(deps, ws, m.name);
    }
    return undefined;
  };
}

function workspaceOr404(
  ctx: RequestContext,
  deps: MlDeps,
  m: Record<string, string>,
  action: string,
): WorkspaceRecord | Reply {
  const ws = deps.state.liveWorkspace(m.sub, m.rg, m.ws);
  if (!ws) {
    if (!deps.state.hasResourceGroup(m.sub, m.rg)) {
      return armError(404, 'ResourceGroupNotFound', `Resource group '${m.rg}' could not be found.`);
    }
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.MachineLearningServices/workspaces/${m.ws}' under resource group '${m.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  return denied(ctx, ws.deniedPrincipals, action, workspaceId(ws.subscriptionId, ws.resourceGroup, ws.name)) ?? ws;
}

function computeNotFound(ws: WorkspaceRecord, name: string): Reply {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.MachineLearningServices/workspaces/${ws.name}/computes/${name}' under resource group '${ws.resourceGroup}' was not found.`,
  );
}

// ---------------------------------------------------------------- read operations

function list(ctx: RequestContext, deps: MlDeps, ws: WorkspaceRecord): Reply {
  const all = deps.state.liveComputesOf(ws.subscriptionId, ws.resourceGroup, ws.name);
  const pageSize = Math.max(1, deps.settings().pageSize);
  const skipToken = queryParam(ctx, '$skip');
  let offset = 0;
  if (skipToken) {
    try {
      offset =
        Number((JSON.parse(Buffer.from(skipToken, 'base64url').toString('utf8')) as { offset: number }).offset) || 0;
    } catch {
      return armError(400, 'InvalidSkipToken', `The $skip token '${skipToken}' is not valid.`);
    }
  }
  const page = all.slice(offset, offset + pageSize).map(renderCompute);
  const body: Json = { value: page };
  if (offset + pageSize < all.length) {
    const next = new URL(ctx.url.toString());
    next.search = '';
    next.searchParams.set('api-version', '2022-10-01');
    next.searchParams.set('$skip', Buffer.from(JSON.stringify({ offset: offset + pageSize })).toString('base64url'));
    body.nextLink = next.toString();
  }
  return json(200, body);
}

function getCompute(deps: MlDeps, ws: WorkspaceRecord, name: string): Reply {
  const c = deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, name);
  return c ? json(200, renderCompute(c)) : computeNotFound(ws, name);
}

function listKeys(deps: MlDeps, ws: WorkspaceRecord, name: string): Reply {
  const c = deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, name);
  if (!c) return computeNotFound(ws, name);
  const cluster =
    typeof c.properties.resourceId === 'string' ? deps.state.liveManagedCluster(c.properties.resourceId) : undefined;
  if (!cluster)
    return armError(400, 'AksClusterNotFound', `The AKS cluster of compute '${name}' does not exist any more.`);
  return json(200, {
    computeType: 'AKS',
    userKubeConfig: kubeconfigYaml(deps.k8s, cluster, 'user'),
    adminKubeConfig: kubeconfigYaml(deps.k8s, cluster, 'admin'),
    imagePullSecretName: null,
  });
}

// ---------------------------------------------------------------- PUT (create / attach)

export interface Validated {
  location: string;
  tags?: Record<string, string>;
  description?: string;
  disableLocalAuth?: boolean;
  aks: Json;
  tls?: { certPem: string; keyPem: string };
  attachTo?: ManagedClusterRecord;
}

function bad(code: string, message: string): Reply {
  return armError(400, code, message);
}

export function validatePut(ctx: RequestContext, deps: MlDeps, ws: WorkspaceRecord, name: string): Validated | Reply {
  if (!COMPUTE_NAME.test(name)) {
    return bad(
      'InvalidComputeName',
      `Compute name '${name}' is invalid: use 3-24 letters, digits and hyphens, starting with a letter and ending with a letter or digit.`,
    );
  }
  const body = ctx.body;
  if (!isObj(body))
    return bad(
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: a ComputeResource JSON object is required.',
    );
  const props = body.properties;
  if (!isObj(props))
    return bad('InvalidRequestContent', "The request content must contain 'properties' (a Compute object).");
  if (props.computeType !== 'AKS') {
    return bad(
      'InvalidComputeType',
      `computeType '${String(props.computeType)}' is not supported here: this emulator handles AKS computes only ('AKS').`,
    );
  }
  const inner = props.properties === undefined || props.properties === null ? {} : props.properties;
  if (!isObj(inner)) return bad('InvalidRequestContent', "'properties.properties' must be an object (AKS properties).");
  if (body.tags !== undefined && body.tags !== null && !isObj(body.tags))
    return bad('InvalidRequestContent', "'tags' must be an object of strings.");

  const aks: Json = {};
  for (const k of AKS_WRITABLE)
    if (inner[k] !== undefined && inner[k] !== null) aks[k] = JSON.parse(JSON.stringify(inner[k]));

  if (aks.agentCount !== undefined && (!Number.isInteger(aks.agentCount) || (aks.agentCount as number) < 0)) {
    return bad(
      'InvalidAgentCount',
      `agentCount must be an integer of at least 0, not ${JSON.stringify(aks.agentCount)}.`,
    );
  }
  if (aks.clusterPurpose !== undefined && !CLUSTER_PURPOSES.includes(aks.clusterPurpose as string)) {
    return bad(
      'InvalidClusterPurpose',
      `clusterPurpose '${textOf(aks.clusterPurpose)}' is invalid; expected one of ${CLUSTER_PURPOSES.join(', ')}.`,
    );
  }
  if (aks.loadBalancerType !== undefined && !LOAD_BALANCER_TYPES.includes(aks.loadBalancerType as string)) {
    return bad(
      'InvalidLoadBalancerType',
      `loadBalancerType '${textOf(aks.loadBalancerType)}' is invalid; expected one of ${LOAD_BALANCER_TYPES.join(', ')}.`,
    );
  }
  const net = aks.aksNetworkingConfiguration;
  if (net !== undefined) {
    if (!isObj(net)) return bad('InvalidNetworkingConfiguration', 'aksNetworkingConfiguration must be an object.');
    for (const [k, re] of [
      ['serviceCidr', CIDR],
      ['dockerBridgeCidr', CIDR],
      ['dnsServiceIP', IPV4],
    ] as const) {
      if (net[k] !== undefined && (typeof net[k] !== 'string' || !re.test(net[k]))) {
        return bad(
          'InvalidNetworkingConfiguration',
          `aksNetworkingConfiguration.${k} '${textOf(net[k])}' is not valid.`,
        );
      }
    }
  }

  let tls: Validated['tls'];
  const ssl = aks.sslConfiguration;
  if (ssl !== undefined) {
    if (!isObj(ssl)) return bad('InvalidSslConfiguration', 'sslConfiguration must be an object.');
    const status = ssl.status ?? 'Disabled';
    if (!SSL_STATUSES.includes(status as string)) {
      return bad(
        'InvalidSslConfiguration',
        `sslConfiguration.status '${textOf(status)}' is invalid; expected one of ${SSL_STATUSES.join(', ')}.`,
      );
    }
    if (status === 'Enabled') {
      const r = checkCustomTls(ssl);
      if ('status' in r) return r;
      tls = r;
    } else if (status === 'Auto') {
      if (typeof ssl.leafDomainLabel !== 'string' || !/^[a-z][a-z0-9-]{0,40}$/i.test(ssl.leafDomainLabel)) {
        return bad(
          'InvalidSslConfiguration',
          "sslConfiguration.status 'Auto' requires leafDomainLabel: a DNS label (letters, digits, hyphens).",
        );
      }
    }
    if ((status === 'Enabled' || status === 'Auto') && aks.loadBalancerType === 'InternalLoadBalancer') {
      return bad(
        'UnsupportedConfiguration',
        'TLS termination (sslConfiguration Enabled or Auto) is not supported with an internal load balancer (loadBalancerType InternalLoadBalancer).',
      );
    }
    // Keep the secrets out of the stored ARM view; they live in `tls` only.
    delete ssl.cert;
    delete ssl.key;
  }

  const v: Validated = {
    location: typeof body.location === 'string' && body.location ? body.location : ws.location,
    tags: isObj(body.tags) ? (body.tags as Record<string, string>) : undefined,
    description: typeof props.description === 'string' ? props.description : undefined,
    disableLocalAuth: typeof props.disableLocalAuth === 'boolean' ? props.disableLocalAuth : undefined,
    aks,
    tls,
  };

  if (typeof props.resourceId === 'string' && props.resourceId) {
    const parsed = parseManagedClusterId(props.resourceId);
    if (!parsed) {
      return bad(
        'InvalidResourceId',
        `resourceId '${props.resourceId}' is not the ARM id of a Microsoft.ContainerService/managedClusters resource.`,
      );
    }
    const cluster = deps.state.liveManagedCluster(props.resourceId);
    if (!cluster) {
      return bad(
        'AksClusterNotFound',
        `The AKS cluster '${props.resourceId}' was not found (subscription '${parsed.subscriptionId}', resource group '${parsed.resourceGroup}').`,
      );
    }
    const deny = denied(
      ctx,
      cluster.deniedPrincipals,
      'Microsoft.ContainerService/managedClusters/read',
      managedClusterId(cluster.subscriptionId, cluster.resourceGroup, cluster.name),
    );
    if (deny) return deny;
    if (cluster.enablePrivateCluster && cluster.enablePrivateClusterPublicFQDN) {
      return bad(
        'UnsupportedConfiguration',
        `AKS cluster '${cluster.name}' is a private cluster with a public FQDN, which Azure Machine Learning does not support.`,
      );
    }
    const unsupported = unsupportedVersion(deps.state, cluster);
    if (unsupported) return unsupported;
    v.attachTo = cluster;
  }
  return v;
}

function unsupportedVersion(state: EmulatorState, cluster: ManagedClusterRecord): Reply | undefined {
  const supported = state.kubernetesVersions(cluster.location).map((x) => x.version);
  const minor = (v: string) => v.split('.').slice(0, 2).map(Number);
  const [maj, min] = minor(cluster.currentKubernetesVersion);
  const oldest = supported.map(minor).sort((a, b) => a[0] - b[0] || a[1] - b[1])[0];
  if (!oldest || maj > oldest[0] || (maj === oldest[0] && min >= oldest[1])) return undefined;
  return bad(
    'UnsupportedKubernetesVersion',
    `AKS cluster '${cluster.name}' runs Kubernetes ${cluster.currentKubernetesVersion}, which is no longer supported. Supported versions: ${supported.join(', ')}.`,
  );
}

function checkCustomTls(ssl: Json): { certPem: string; keyPem: string } | Reply {
  const missing = ['cert', 'key', 'cname'].filter((k) => typeof ssl[k] !== 'string' || !ssl[k].trim());
  if (missing.length) {
    return bad('InvalidSslConfiguration', `sslConfiguration.status 'Enabled' requires ${missing.join(', ')}.`);
  }
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(ssl.cert as string);
  } catch {
    return bad('InvalidSslConfiguration', 'sslConfiguration.cert is not a valid PEM certificate.');
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(ssl.key as string);
  } catch {
    return bad('InvalidSslConfiguration', 'sslConfiguration.key is not a valid PEM private key.');
  }
  if (!cert.checkPrivateKey(key)) {
    return bad(
      'InvalidSslConfiguration',
      'sslConfiguration.key does not match the public key of sslConfiguration.cert.',
    );
  }
  return { certPem: ssl.cert as string, keyPem: ssl.key as string };
}

function inProgressConflict(c: ComputeRecord): Reply {
  return armError(
    409,
    'Conflict',
    `Compute '${c.name}' has an operation in progress (provisioningState ${String(c.properties.provisioningState)}); retry when it has finished.`,
  );
}

function putCompute(ctx: RequestContext, deps: MlDeps, ws: WorkspaceRecord, name: string): Reply {
  const existing = deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, name);
  if (existing) {
    if (IN_PROGRESS.includes(String(existing.properties.provisioningState))) return inProgressConflict(existing);
    if (isUpdate(ctx.body)) return updateCompute(ctx, deps, ws, existing);
    return armError(
      409,
      'Conflict',
      `Compute '${existing.name}' already exists in workspace '${ws.name}' (provisioningState ${String(existing.properties.provisioningState)}). Detach or delete it before creating or attaching it again.`,
    );
  }
  if (isKubernetesPut(ctx.body) && COMPUTE_NAME.test(name)) return putKubernetesCompute(ctx, deps, ws, name);
  const v = validatePut(ctx, deps, ws, name);
  if ('status' in v) return v;
  return v.attachTo ? startAttach(deps, ws, name, v, v.attachTo) : startCreate(deps, ws, name, v);
}

function baseProperties(
  v: Validated,
  state: string,
  attached: boolean,
  resourceId: string,
  computeLocation: string,
): Json {
  const now = new Date().toISOString();
  const p: Json = {
    computeType: 'AKS',
    computeLocation,
    provisioningState: state,
    resourceId,
    isAttachedCompute: attached,
    createdOn: now,
    modifiedOn: now,
    properties: v.aks,
  };
  if (v.description !== undefined) p.description = v.description;
  if (v.disableLocalAuth !== undefined) p.disableLocalAuth = v.disableLocalAuth;
  return p;
}

function startAttach(
  deps: MlDeps,
  ws: WorkspaceRecord,
  name: string,
  v: Validated,
  cluster: ManagedClusterRecord,
): Reply {
  const clusterId = managedClusterId(cluster.subscriptionId, cluster.resourceGroup, cluster.name);
  const rec = storeCompute(deps, ws, name, v, baseProperties(v, 'Updating', true, clusterId, cluster.location));
  return startPutOperation(deps, ws, rec, 'attach', deps.settings().attachMs);
}

function startCreate(deps: MlDeps, ws: WorkspaceRecord, name: string, v: Validated): Reply {
  const clusterName = `${name}${randomAlnum(5)}`;
  const net = isObj(v.aks.aksNetworkingConfiguration) ? v.aks.aksNetworkingConfiguration : undefined;
  deps.state.putManagedCluster({
    subscriptionId: ws.subscriptionId,
    resourceGroup: ws.resourceGroup,
    name: clusterName,
    location: v.location,
    kubernetesVersion: defaultVersion(deps.state, v.location),
    nodeCount: (v.aks.agentCount as number | undefined) ?? 3,
    vmSize: (v.aks.agentVmSize as string | undefined) ?? 'Standard_D3_v2',
    // Clusters created through Azure ML get a Basic load balancer (see the how-to's limitations).
    loadBalancerSku: 'basic',
    provisioningState: 'Creating',
  });
  const cluster = deps.state.liveManagedClusterByParts(ws.subscriptionId, ws.resourceGroup, clusterName)!;
  if (net) cluster.network = { ...net };
  v.aks.agentCount ??= 3;
  v.aks.agentVmSize ??= 'Standard_D3_v2';
  const clusterId = managedClusterId(ws.subscriptionId, ws.resourceGroup, clusterName);
  const rec = storeCompute(deps, ws, name, v, baseProperties(v, 'Creating', false, clusterId, v.location));
  return startPutOperation(deps, ws, rec, 'create', deps.settings().createMs);
}

function defaultVersion(state: EmulatorState, location: string): string {
  const versions = state.kubernetesVersions(location);
  const d = versions.find((x) => x.isDefault) ?? versions[versions.length - 1];
  const patches = d?.patchVersions ?? [];
  return patches[patches.length - 1] ?? `${d?.version ?? '1.30'}.0`;
}

function storeCompute(deps: MlDeps, ws: WorkspaceRecord, name: string, v: Validated, properties: Json): ComputeRecord {
  deps.state.putCompute({
    subscriptionId: ws.subscriptionId,
    resourceGroup: ws.resourceGroup,
    workspaceName: ws.name,
    name,
    location: v.location,
    tags: v.tags,
    properties,
    tls: v.tls,
  });
  return deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, name)!;
}

function startPutOperation(
  deps: MlDeps,
  ws: WorkspaceRecord,
  rec: ComputeRecord,
  kind: 'attach' | 'create',
  durationMs: number,
): Reply {
  const { headers } = deps.lro.start({
    subscriptionId: ws.subscriptionId,
    location: ws.location,
    kind,
    durationMs,
    complete: (forced) => finishPut(deps, ws, rec, kind, forced),
    finalBody: () => {
      const now = deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, rec.name);
      return now ? renderCompute(now) : undefined;
    },
  });
  // The spec declares only Azure-AsyncOperation on 201; Location is added when settings ask for it.
  return json(201, renderCompute(rec), headers);
}

export function fail(rec: ComputeRecord, e: OperationOutcome, state = 'Failed'): OperationOutcome {
  rec.properties.provisioningState = state;
  rec.properties.provisioningErrors = [{ error: errorBody(e) }];
  rec.properties.modifiedOn = new Date().toISOString();
  return e;
}

function finishPut(
  deps: MlDeps,
  ws: WorkspaceRecord,
  rec: ComputeRecord,
  kind: 'attach' | 'create',
  forced: { status: string; error?: OperationOutcome },
): OperationOutcome | undefined {
  const live = deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, rec.name);
  if (live !== rec)
    return { code: 'ResourceNotFound', message: `Compute '${rec.name}' disappeared during the operation.` };
  const cluster = deps.state.liveManagedCluster(String(rec.properties.resourceId));
  if (forced.status !== 'Succeeded') {
    if (cluster && kind === 'create') cluster.provisioningState = 'Failed';
    fail(rec, forced.error!, forced.status === 'Canceled' ? 'Canceled' : 'Failed');
    return forced.error;
  }
  if (!cluster)
    return fail(rec, {
      code: 'AksClusterNotFound',
      message: `The AKS cluster '${String(rec.properties.resourceId)}' no longer exists.`,
    });
  const aks = rec.properties.properties as Json;
  const nodes = cluster.agentPools.filter((p) => p.osType === 'Linux').reduce((n, p) => n + p.count, 0);
  const purpose = (aks.clusterPurpose as string | undefined) ?? 'FastProd';
  const minimum = purpose === 'DevTest' ? 1 : 3;
  if (nodes < minimum) {
    if (kind === 'create') cluster.provisioningState = 'Failed';
    return fail(rec, {
      code: 'BadArgument',
      message: `Cluster purpose '${purpose}' requires at least ${minimum} node(s), but AKS cluster '${cluster.name}' has ${nodes}. Use clusterPurpose DevTest for smaller clusters.`,
    });
  }
  if (kind === 'create') cluster.provisioningState = 'Succeeded';
  cluster.azuremlFrontEnd = true;

  const ssl = isObj(aks.sslConfiguration) ? aks.sslConfiguration : undefined;
  let fqdn = clusterFqdn(cluster).fqdn ?? clusterFqdn(cluster).privateFQDN;
  if (ssl?.status === 'Auto') {
    fqdn = generatedFqdn(String(ssl.leafDomainLabel), cluster.location);
    rec.tls = deps.issueAutoCertificate(fqdn);
    ssl.cname = fqdn; // 'spec' shapes report the generated name; captured ones answer cname "" (captured-shapes.ts)
  }
  const internal = aks.loadBalancerType === 'InternalLoadBalancer';
  aks.clusterFqdn = fqdn;
  aks.agentCount = nodes;
  aks.agentVmSize = cluster.agentPools[0]?.vmSize;
  aks.systemServices = [
    { systemServiceType: 'ScoringFrontEnd', publicIpAddress: scoringIp(cluster, internal), version: '1.0.0' },
  ];
  rec.properties.provisioningState = 'Succeeded';
  delete rec.properties.provisioningErrors;
  rec.properties.modifiedOn = new Date().toISOString();

  if (kind === 'attach') breakEarlierAttachments(deps, ws, rec);
  return undefined;
}

/** tls: Auto — `<leafDomainLabel>` + 6 random characters, new on every attach (the docs' "######"). */
export function generatedFqdn(leafDomainLabel: string, location: string): string {
  return `${leafDomainLabel.toLowerCase()}${randomAlnum(6)}.${location.toLowerCase()}.cloudapp.azure.com`;
}

/** Stable per cluster: a public 20.x address, or a private one from the AKS subnet (10.224.0.0/16). */
export function scoringIp(cluster: ManagedClusterRecord, internal: boolean): string {
  const h = crypto
    .createHash('sha256')
    .update(managedClusterId(cluster.subscriptionId, cluster.resourceGroup, cluster.name).toLowerCase())
    .digest();
  return internal ? `10.224.${h[0]}.${(h[1] % 250) + 4}` : `20.${(h[0] % 200) + 20}.${h[1]}.${(h[2] % 253) + 1}`;
}

/** The how-to: "Each new attachment will break the previous existing attachments" (same workspace). */
function breakEarlierAttachments(deps: MlDeps, ws: WorkspaceRecord, rec: ComputeRecord): void {
  const id = String(rec.properties.resourceId).toLowerCase();
  for (const other of deps.state.liveComputesOf(ws.subscriptionId, ws.resourceGroup, ws.name)) {
    if (other === rec || textOf(other.properties.resourceId).toLowerCase() !== id) continue;
    if (other.properties.provisioningState === 'Deleting') continue;
    fail(other, {
      code: 'ClusterAttachedElsewhere',
      message: `The AKS cluster of this compute was attached again to workspace '${ws.name}' as compute '${rec.name}'; this attachment no longer works. Detach it.`,
    });
  }
}

// ---------------------------------------------------------------- DELETE (detach / delete)

function deleteCompute(ctx: RequestContext, deps: MlDeps, ws: WorkspaceRecord, name: string): Reply {
  const action = queryParam(ctx, 'underlyingResourceAction');
  if (!action) {
    return bad(
      'MissingRequiredParameter',
      "The query parameter 'underlyingResourceAction' is required: 'Detach' (keep the AKS cluster) or 'Delete'.",
    );
  }
  if (!UNDERLYING_ACTIONS.includes(action)) {
    return bad(
      'InvalidRequestParameter',
      `underlyingResourceAction '${action}' is invalid; expected 'Detach' or 'Delete'.`,
    );
  }
  const rec = deps.state.liveCompute(ws.subscriptionId, ws.resourceGroup, ws.name, name);
  if (!rec) return { status: 204 };
  if (IN_PROGRESS.includes(String(rec.properties.provisioningState))) return inProgressConflict(rec);
  const previous = String(rec.properties.provisioningState);
  rec.properties.provisioningState = 'Deleting';
  rec.properties.modifiedOn = new Date().toISOString();
  const kind = action === 'Delete' ? 'delete' : 'detach';
  const { headers } = deps.lro.start({
    subscriptionId: ws.subscriptionId,
    location: ws.location,
    kind,
    durationMs: deps.settings().detachMs,
    complete: (forced) => {
      if (forced.status === 'Canceled') {
        rec.properties.provisioningState = previous;
        return forced.error;
      }
      if (forced.status !== 'Succeeded') return fail(rec, forced.error!);
      deps.state.deleteCompute(ws.subscriptionId, ws.resourceGroup, ws.name, name);
      if (kind === 'delete' && typeof rec.properties.resourceId === 'string')
        deps.state.deleteManagedCluster(rec.properties.resourceId);
      return undefined;
    },
  });
  return { status: 202, headers };
}
