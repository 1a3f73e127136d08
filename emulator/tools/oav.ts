/**
 * An independent referee for the emulator's ARM answers: recorded traffic is converted to oav's
 * traffic format and validated in-process by oav's LiveValidator against the 2022-10-01
 * Machine Learning swagger and the 2023-05-01 KubernetesConfiguration extensions swagger (both
 * vendored under specs/azure-rest-api-specs). oav skips unknown values of extensible (modelAsString) enums, so
 * those checks are done here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrafficEntry } from '../server/traffic';
import { isAllowedDeparture, keyVaultRequestUrl } from './oav-allowances';

export interface OavTrafficItem {
  liveRequest: { url: string; method: string; headers: Record<string, string>; body?: unknown };
  liveResponse: { statusCode: string; headers: Record<string, string>; body?: unknown };
}

export interface OavIssue {
  operationId: string;
  issueSource: 'request' | 'response';
  code: string;
  message: string;
}

export interface OavResult {
  passedOperationIds: string[];
  errors: OavIssue[];
}

/** Operations the ML swagger defines and the emulator serves. */
const ML_OPERATIONS = new Set([
  'Workspaces_Get',
  'Compute_List',
  'Compute_Get',
  'Compute_CreateOrUpdate',
  'Compute_Update',
  'Compute_Delete',
  'Compute_ListKeys',
]);

/** Operations of the KubernetesConfiguration extensions swagger (cluster extensions). */
const EXTENSION_OPERATIONS = [
  'Extensions_Create',
  'Extensions_Get',
  'Extensions_Update',
  'Extensions_Delete',
  'Extensions_List',
  'OperationStatus_Get',
];
/** Key Vault's data plane (secrets), reached at the vault's own host. */
const KEY_VAULT_OPERATIONS = ['GetSecret'];
const REFEREED_OPERATIONS = new Set([...ML_OPERATIONS, ...EXTENSION_OPERATIONS, ...KEY_VAULT_OPERATIONS]);

/** The swagger files the referee loads, relative to the specification folder. */
export const SWAGGER_FILES = [
  'machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01/machineLearningServices.json',
  'kubernetesconfiguration/resource-manager/Microsoft.KubernetesConfiguration/stable/2023-05-01/extensions.json',
  'keyvault/data-plane/Microsoft.KeyVault/stable/2025-07-01/secrets.json',
];

const VENDORED_SPECS = path.join('specs', 'azure-rest-api-specs', 'specification');

const LRO_HEADERS = ['azure-asyncoperation', 'location', 'retry-after'];

/**
 * The vendored `<repo>/specs/azure-rest-api-specs/specification`, or $AZURE_REST_API_SPECS. Found by
 * walking up from this file, so it works from the sources and from the tsc output (build/...).
 */
export function specificationDir(): string {
  if (process.env.AZURE_REST_API_SPECS) return path.resolve(process.env.AZURE_REST_API_SPECS);
  let root: string | undefined;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, VENDORED_SPECS))) return path.join(dir, VENDORED_SPECS);
    if (!root && fs.existsSync(path.join(dir, 'package.json'))) root = dir;
    if (path.dirname(dir) === dir) break;
  }
  return path.join(root ?? path.resolve(__dirname, '..'), VENDORED_SPECS);
}

/** Fails naming the path when the specification folder or a swagger file is missing. */
export function swaggerPaths(dir: string = specificationDir()): string[] {
  const from = process.env.AZURE_REST_API_SPECS ? ' (from $AZURE_REST_API_SPECS)' : '';
  if (!fs.existsSync(dir)) throw new Error(`oav referee: REST specification folder not found: ${dir}${from}`);
  const files = SWAGGER_FILES.map((f) => path.join(dir, f));
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new Error(`oav referee: swagger file(s) not found: ${missing.join(', ')}${from}`);
  return files;
}

function withArmHost(url: string): string {
  const u = new URL(url);
  return `https://management.azure.com${u.pathname}${u.search}`;
}

export function toOavTraffic(entries: TrafficEntry[]): OavTrafficItem[] {
  return entries
    .filter(
      (e) =>
        (e.kind === 'arm' || e.kind === 'keyvault') &&
        e.operationId &&
        REFEREED_OPERATIONS.has(e.operationId) &&
        e.status > 0,
    )
    .map((e) => {
      const reqHeaders: Record<string, string> = { 'content-type': 'application/json' };
      const resHeaders: Record<string, string> = {};
      if (e.responseBody !== undefined) resHeaders['content-type'] = 'application/json';
      for (const [k, v] of Object.entries(e.responseHeaders)) {
        if (LRO_HEADERS.includes(k.toLowerCase())) resHeaders[k] = v;
      }
      const item: OavTrafficItem = {
        liveRequest: {
          url: e.kind === 'keyvault' ? keyVaultRequestUrl(e.url, e.responseBody) : withArmHost(e.url),
          method: e.method,
          headers: reqHeaders,
        },
        liveResponse: { statusCode: String(e.status), headers: resHeaders },
      };
      if (e.requestBody !== undefined && e.requestBody !== '') item.liveRequest.body = e.requestBody;
      if (e.responseBody !== undefined) item.liveResponse.body = e.responseBody;
      return item;
    });
}

interface LiveValidatorLike {
  initialize(): Promise<void>;
  validateLiveRequestResponse(pair: OavTrafficItem): Promise<{
    requestValidationResult: ValidationPart;
    responseValidationResult: ValidationPart;
    runtimeException?: { code: string; message: string };
  }>;
}

interface ValidationPart {
  isSuccessful?: boolean;
  operationInfo?: { operationId?: string };
  errors?: Array<{ code: string; message: string }>;
  runtimeException?: { code: string; message: string };
}

let validator: Promise<LiveValidatorLike> | undefined;

/** oav's log without its note on every data-plane path (they have no provider in the path, by design). */
function quietDataPlaneLog(message: string, level?: string): void {
  if (/^(error|warn)/.test(level ?? '') && !String(message).includes('Bucketizing into provider'))
    console.warn(`oav ${level ?? ''}: ${message}`);
}

/** One LiveValidator per process: loading the swagger costs ~0.4 s. */
function loadValidator(): Promise<LiveValidatorLike> {
  validator ??= (async () => {
    // Loaded lazily: oav is heavy and only this referee needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LiveValidator } = require('oav') as {
      LiveValidator: new (opts: unknown, log?: (message: string, level?: string) => void) => LiveValidatorLike;
    };
    const directory = specificationDir();
    swaggerPaths(directory);
    const lv = new LiveValidator(
      {
        directory,
        swaggerPathsPattern: SWAGGER_FILES,
        git: { shouldClone: false },
        loadValidatorInBackground: false,
        checkUnderFileRoot: false,
        isPathCaseSensitive: false,
        // oav's default list excludes keyvault/data-plane (and other data planes); only examples stay out.
        excludedSwaggerPathsPattern: ['**/examples/**/*'],
      },
      quietDataPlaneLog,
    );
    await lv.initialize();
    return lv;
  })();
  return validator;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

const ENUMS: Array<{ field: string; values: string[]; get: (aks: Json) => unknown }> = [
  { field: 'clusterPurpose', values: ['FastProd', 'DenseProd', 'DevTest'], get: (a) => a.clusterPurpose },
  { field: 'loadBalancerType', values: ['PublicIp', 'InternalLoadBalancer'], get: (a) => a.loadBalancerType },
  {
    field: 'sslConfiguration.status',
    values: ['Disabled', 'Enabled', 'Auto'],
    get: (a) => (isObj(a.sslConfiguration) ? a.sslConfiguration.status : undefined),
  },
];

/** The modelAsString enums oav lets through: exact (case-sensitive) values only. */
function enumIssues(item: OavTrafficItem, operationId: string): OavIssue[] {
  const issues: OavIssue[] = [];
  const check = (body: unknown, source: 'request' | 'response') => {
    const resources = isObj(body) && Array.isArray(body.value) ? body.value : [body];
    for (const r of resources) {
      const aks =
        isObj(r) && isObj(r.properties) && isObj(r.properties.properties) ? r.properties.properties : undefined;
      if (!aks) continue;
      for (const e of ENUMS) {
        const v = e.get(aks);
        if (v !== undefined && v !== null && !e.values.includes(v as string)) {
          issues.push({
            operationId,
            issueSource: source,
            code: 'ENUM_MISMATCH',
            message: `${e.field} ${JSON.stringify(v)} is not one of ${e.values.join(', ')}`,
          });
        }
      }
    }
  };
  check(item.liveRequest.body, 'request');
  check(item.liveResponse.body, 'response');
  if (operationId === 'Compute_Delete') {
    const action = new URL(item.liveRequest.url).searchParams.get('underlyingResourceAction');
    if (action !== null && !['Delete', 'Detach'].includes(action)) {
      issues.push({
        operationId,
        issueSource: 'request',
        code: 'ENUM_MISMATCH',
        message: `underlyingResourceAction '${action}' is not one of Delete, Detach`,
      });
    }
  }
  return issues;
}

export async function validateTrafficWithOav(entries: TrafficEntry[]): Promise<OavResult> {
  const lv = await loadValidator();
  const passed: string[] = [];
  const errors: OavIssue[] = [];
  for (const item of toOavTraffic(entries)) {
    const r = await lv.validateLiveRequestResponse(item);
    const operationId =
      r.requestValidationResult.operationInfo?.operationId ??
      r.responseValidationResult.operationInfo?.operationId ??
      'unknown';
    const found: OavIssue[] = [];
    const runtime =
      r.runtimeException ?? r.requestValidationResult.runtimeException ?? r.responseValidationResult.runtimeException;
    if (runtime)
      found.push({
        operationId,
        issueSource: 'request',
        code: runtime.code,
        message: `${runtime.message} (${item.liveRequest.method} ${item.liveRequest.url})`,
      });
    for (const e of r.requestValidationResult.errors ?? [])
      if (!isAllowedDeparture(operationId, 'request', e))
        found.push({ operationId, issueSource: 'request', code: e.code, message: e.message });
    for (const e of r.responseValidationResult.errors ?? [])
      found.push({ operationId, issueSource: 'response', code: e.code, message: e.message });
    found.push(...enumIssues(item, operationId));
    errors.push(...found);
    if (found.length === 0 && operationId !== 'unknown' && !passed.includes(operationId)) passed.push(operationId);
  }
  return { passedOperationIds: passed, errors };
}
