/**
 * Microsoft.KubernetesConfiguration/extensions 2023-05-01 on managed clusters (extensions.json):
 * Extensions_Create (201 + Azure-AsyncOperation), Extensions_Get and Extensions_List (never with
 * configurationProtectedSettings: x-ms-secret), Extensions_Update (202 + Azure-AsyncOperation; 200
 * when nothing changes), Extensions_Delete, and OperationStatus_Get on
 * …/extensions/{name}/operations/{id}. Release trains have versions (settings.extensionVersions);
 * an install or update with autoUpgradeMinorVersion true lands on the newest version of its train.
 * The Azure ML extension's pre-install health checks (azureml-check.ts) decide whether it succeeds.
 */
import * as crypto from 'node:crypto';
import { denied } from './authz';
import { managedClusterId } from './ids';
import { armError, json, matchPath, type Handler, type Reply, type RequestContext } from '../server/http';
import type { EmulatorState } from '../server/state';
import type { EmulatorSettings, ExtensionRecord, ManagedClusterRecord, OperationOutcome } from '../server/types';
import { azureMlHealthCheck } from './azureml-check';

export const KC_API_VERSION = '2023-05-01';
const EXTENSION_TYPE = 'Microsoft.KubernetesConfiguration/extensions';
/** The only fields a PATCH may carry (patchExtension.properties). */
const PATCHABLE = [
  'autoUpgradeMinorVersion',
  'releaseTrain',
  'version',
  'configurationSettings',
  'configurationProtectedSettings',
];
const READ_ONLY = [
  'provisioningState',
  'currentVersion',
  'errorInfo',
  'customLocationSettings',
  'packageUri',
  'isSystemExtension',
];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

export interface KcDeps {
  state: EmulatorState;
  settings: () => EmulatorSettings;
  baseUrl: () => string;
}

interface Operation {
  id: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  error?: OperationOutcome;
}

const BASE =
  'subscriptions/{sub}/resourceGroups/{rg}/providers/{rp}/{crn}/{cluster}/providers/Microsoft.KubernetesConfiguration/extensions';

export function extensionId(clusterId: string, name: string): string {
  return `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`;
}

/** The ARM view of an extension: no protected settings, ever. */
export function renderExtension(e: ExtensionRecord): Json {
  const properties: Json = {
    extensionType: e.extensionType,
    autoUpgradeMinorVersion: e.autoUpgradeMinorVersion,
    releaseTrain: e.releaseTrain,
    version: e.version ?? null,
    scope: { cluster: { releaseNamespace: 'azureml' } },
    provisioningState: e.provisioningState,
    configurationSettings: { ...e.configurationSettings },
    currentVersion: e.currentVersion ?? null,
    statuses: e.statuses.map((s) => ({ ...s })),
    errorInfo: e.errorInfo ? { code: e.errorInfo.code, message: e.errorInfo.message } : null,
    isSystemExtension: false,
  };
  return { id: extensionId(e.clusterId, e.name), name: e.name, type: EXTENSION_TYPE, properties };
}

export function newestVersion(settings: EmulatorSettings, train: string): string | undefined {
  const versions = settings.extensionVersions[train.toLowerCase()] ?? [];
  return versions[versions.length - 1];
}

export function createKubernetesConfigurationHandler(deps: KcDeps): Handler {
  const operations = new Map<string, Operation>();
  return (ctx) => {
    const s = ctx.segments;
    const op = matchPath(s, `${BASE}/{name}/operations/{id}`);
    if (op) {
      if (ctx.method !== 'GET') return undefined;
      ctx.operationId = 'OperationStatus_Get';
      const found = operations.get(op.id);
      if (!found) return armError(404, 'ResourceNotFound', `The operation '${op.id}' was not found.`);
      const body: Json = { id: `/${s.join('/')}`, name: found.id, status: found.status };
      if (found.error) body.error = { code: found.error.code, message: found.error.message };
      return json(200, body);
    }
    const one = matchPath(s, `${BASE}/{name}`);
    const all = one ? undefined : matchPath(s, BASE);
    const m = one ?? all;
    if (!m) return undefined;
    const opId = one
      ? { GET: 'Extensions_Get', PUT: 'Extensions_Create', PATCH: 'Extensions_Update', DELETE: 'Extensions_Delete' }[
          ctx.method
        ]
      : ctx.method === 'GET'
        ? 'Extensions_List'
        : undefined;
    if (!opId) return undefined;
    ctx.operationId = opId;
    const cluster = clusterOr404(ctx, deps, m);
    if ('status' in cluster) return cluster;
    const clusterId = managedClusterId(cluster.subscriptionId, cluster.resourceGroup, cluster.name);
    if (!one) return json(200, { value: deps.state.liveExtensionsOf(clusterId).map(renderExtension) });
    const existing = deps.state.liveExtension(clusterId, m.name);
    const start = (rec: ExtensionRecord, status: 200 | 201 | 202, work: () => OperationOutcome | undefined): Reply => {
      const id = crypto.randomUUID();
      const operation: Operation = { id, status: 'InProgress' };
      operations.set(id, operation);
      setTimeout(() => {
        const error = work();
        operation.status = error ? 'Failed' : 'Succeeded';
        operation.error = error;
      }, deps.settings().extensionMs).unref?.();
      const url = `${deps.baseUrl()}/${s.join('/')}/operations/${id}?api-version=${KC_API_VERSION}`;
      const retry = deps.settings().retryAfterSeconds;
      const headers: Record<string, string> = { 'azure-asyncoperation': url };
      if (retry !== null) headers['retry-after'] = String(retry);
      return json(status, renderExtension(rec), headers);
    };
    switch (ctx.method) {
      case 'GET':
        return existing ? json(200, renderExtension(existing)) : extensionNotFound(m.name);
      case 'DELETE':
        if (!existing) return { status: 204 };
        existing.provisioningState = 'Deleting';
        return { ...start(existing, 202, () => void deps.state.deleteExtension(clusterId, m.name)), body: undefined };
      case 'PUT':
        return putExtension(ctx, deps, cluster, clusterId, m.name, existing, start);
      default:
        return patchExtension(ctx, deps, cluster, existing, m.name, start);
    }
  };
}

type Start = (rec: ExtensionRecord, status: 200 | 201 | 202, work: () => OperationOutcome | undefined) => Reply;

function clusterOr404(ctx: RequestContext, deps: KcDeps, m: Record<string, string>): ManagedClusterRecord | Reply {
  if (m.rp.toLowerCase() !== 'microsoft.containerservice' || m.crn.toLowerCase() !== 'managedclusters')
    return armError(
      404,
      'ResourceNotFound',
      `This emulator serves extensions of managed clusters only, not ${m.rp}/${m.crn}.`,
    );
  const cluster = deps.state.liveManagedClusterByParts(m.sub, m.rg, m.cluster);
  if (!cluster)
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.ContainerService/managedClusters/${m.cluster}' under resource group '${m.rg}' was not found.`,
    );
  const action = `Microsoft.KubernetesConfiguration/extensions/${ctx.method === 'GET' ? 'read' : ctx.method === 'DELETE' ? 'delete' : 'write'}`;
  return denied(ctx, cluster.deniedPrincipals, action, managedClusterId(m.sub, m.rg, m.cluster)) ?? cluster;
}

function extensionNotFound(name: string): Reply {
  return armError(404, 'ResourceNotFound', `The extension '${name}' was not found on the cluster.`);
}

function stringMap(value: unknown, field: string): Record<string, string> | Reply | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value) || Object.values(value).some((v) => typeof v !== 'string'))
    return armError(400, 'InvalidRequestContent', `'properties.${field}' must be an object of string values.`);
  return value as Record<string, string>;
}

/** 409 while an operation runs; otherwise the two settings maps of the body, checked. */
function busyOrSettings(
  existing: ExtensionRecord | undefined,
  name: string,
  props: Json,
): Reply | { settings?: Record<string, string>; protectedSettings?: Record<string, string> } {
  if (existing && existing.provisioningState !== 'Succeeded' && existing.provisioningState !== 'Failed')
    return armError(
      409,
      'Conflict',
      `Extension '${name}' has an operation in progress (${existing.provisioningState}).`,
    );
  const settings = stringMap(props.configurationSettings, 'configurationSettings');
  if (settings && 'status' in settings) return settings;
  const protectedSettings = stringMap(props.configurationProtectedSettings, 'configurationProtectedSettings');
  if (protectedSettings && 'status' in protectedSettings) return protectedSettings;
  return {
    settings: settings,
    protectedSettings: protectedSettings,
  };
}

function putExtension(
  ctx: RequestContext,
  deps: KcDeps,
  cluster: ManagedClusterRecord,
  clusterId: string,
  name: string,
  existing: ExtensionRecord | undefined,
  start: Start,
): Reply {
  const props = isObj(ctx.body) ? ctx.body.properties : undefined;
  if (!isObj(props)) return armError(400, 'InvalidRequestContent', "The request must contain 'properties'.");
  const readOnly = READ_ONLY.filter((k) => props[k] !== undefined);
  if (readOnly.length)
    return armError(400, 'InvalidRequestContent', `Read-only properties in the request: ${readOnly.join(', ')}.`);
  if (typeof props.extensionType !== 'string' || !props.extensionType)
    return armError(400, 'InvalidRequestContent', "'properties.extensionType' is required.");
  const maps = busyOrSettings(existing, name, props);
  if ('status' in maps) return maps;
  const { settings, protectedSettings } = maps;
  const train = typeof props.releaseTrain === 'string' ? props.releaseTrain : 'Stable';
  const auto = props.autoUpgradeMinorVersion !== false;
  const version = typeof props.version === 'string' ? props.version : undefined;
  if (auto && version)
    return armError(400, 'InvalidRequestContent', 'To pin a version, autoUpgradeMinorVersion must be false.');
  deps.state.putExtension({
    clusterId,
    name,
    extensionType: props.extensionType,
    autoUpgradeMinorVersion: auto,
    releaseTrain: train,
    version,
    configurationSettings: settings ?? {},
    configurationProtectedSettings: protectedSettings ?? {},
    provisioningState: 'Creating',
  });
  const rec = deps.state.liveExtension(clusterId, name)!;
  rec.currentVersion = undefined;
  return start(rec, existing ? 200 : 201, () => settle(deps, cluster, rec));
}

function patchExtension(
  ctx: RequestContext,
  deps: KcDeps,
  cluster: ManagedClusterRecord,
  existing: ExtensionRecord | undefined,
  name: string,
  start: Start,
): Reply {
  if (!existing) return extensionNotFound(name);
  const props = isObj(ctx.body) ? ctx.body.properties : undefined;
  if (!isObj(props)) return armError(400, 'InvalidRequestContent', "The request must contain 'properties'.");
  const extra = Object.keys(props).filter((k) => !PATCHABLE.includes(k));
  if (extra.length)
    return armError(400, 'InvalidRequestContent', `Properties that cannot be updated: ${extra.join(', ')}.`);
  const maps = busyOrSettings(existing, name, props);
  if ('status' in maps) return maps;
  const { settings, protectedSettings } = maps;
  const next: ExtensionRecord = {
    ...existing,
    autoUpgradeMinorVersion:
      typeof props.autoUpgradeMinorVersion === 'boolean'
        ? props.autoUpgradeMinorVersion
        : existing.autoUpgradeMinorVersion,
    releaseTrain: typeof props.releaseTrain === 'string' ? props.releaseTrain : existing.releaseTrain,
    version: typeof props.version === 'string' ? props.version : existing.version,
    // Plain settings are merged; protected settings are replaced as a whole when any is sent.
    configurationSettings: { ...existing.configurationSettings, ...(settings ?? {}) },
    configurationProtectedSettings: protectedSettings
      ? { ...protectedSettings }
      : existing.configurationProtectedSettings,
  };
  if (next.autoUpgradeMinorVersion) next.version = undefined;
  const target = targetVersion(deps.settings(), next);
  const unchanged =
    existing.provisioningState === 'Succeeded' &&
    target === existing.currentVersion &&
    JSON.stringify(comparable(next)) === JSON.stringify(comparable(existing));
  if (unchanged) return json(200, renderExtension(existing));
  Object.assign(existing, next, { provisioningState: 'Updating' });
  return start(existing, 202, () => settle(deps, cluster, existing));
}

function comparable(e: ExtensionRecord): unknown {
  const sorted = (m: Record<string, string>) =>
    Object.fromEntries(Object.entries(m).sort(([a], [b]) => a.localeCompare(b)));
  return [
    e.autoUpgradeMinorVersion,
    e.releaseTrain,
    e.version,
    sorted(e.configurationSettings),
    sorted(e.configurationProtectedSettings),
  ];
}

function targetVersion(settings: EmulatorSettings, e: ExtensionRecord): string | undefined {
  return e.autoUpgradeMinorVersion || !e.version ? (newestVersion(settings, e.releaseTrain) ?? e.version) : e.version;
}

/** The end of an install or update: the extension's health checks, then the version it runs. */
function settle(deps: KcDeps, cluster: ManagedClusterRecord, rec: ExtensionRecord): OperationOutcome | undefined {
  const now = new Date().toISOString();
  const problem =
    rec.extensionType.toLowerCase() === 'microsoft.azureml.kubernetes'
      ? azureMlHealthCheck(deps.state, cluster, rec)
      : undefined;
  if (problem) {
    rec.provisioningState = 'Failed';
    rec.errorInfo = problem;
    rec.statuses = [
      { code: problem.code, displayStatus: 'Failed', level: 'Error', message: problem.message, time: now },
    ];
    return problem;
  }
  rec.currentVersion = targetVersion(deps.settings(), rec);
  rec.provisioningState = 'Succeeded';
  rec.errorInfo = undefined;
  rec.statuses = [];
  return undefined;
}
