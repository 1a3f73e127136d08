/**
 * Settings `responseShapes: 'captured'`: the compute operations answered in the shapes Azure
 * really sends (captured traffic, Azure/azure-sdk-for-go#14670), rather than the shapes the
 * 2022-10-01 spec allows and the emulator prefers ('spec', the default):
 * - PUT 201 with only Azure-AsyncOperation: no Location, no Retry-After (on status polls neither);
 * - signed operation URLs (`api-version`, `service`, `t`, `c`, `s`, `h`): a status GET whose
 *   signature query was altered or dropped is refused with 401, so clients must use them as given;
 * - status bodies `{"status":"InProgress"}`, `{"status":"Succeeded","percentComplete":100.0}`
 *   (an `error` only when Failed/Canceled), never `id` or `name`;
 * - `tags: null` in PUT answers, `{}` on GET of an untagged compute; `provisioningErrors: null`;
 *   `systemServices: null` while provisioning; under Auto `cert: null`, `key: null`, `cname: ""`
 *   and `clusterFqdn` the AKS cluster's own FQDN (not the generated scoring name);
 * - DELETE answered 200, 202 or 204 (settings.capturedDeleteStatus; 'rotate' cycles them);
 * - `sslConfiguration.renew: true` renews only within 70 days of expiry, and the renewed
 *   certificate is served hours later (settings.capturedRenewalDelayMs; captured-renewal.ts).
 *
 * Not sent: `provisioningWarnings`. Azure returns it, but the 2022-10-01 `Compute` schema has no
 * such property and oav (closed object schemas) reports it as OBJECT_ADDITIONAL_PROPERTIES, so
 * the referee would fail on traffic the spec does not describe. The product ignores it anyway.
 */
import * as crypto from 'node:crypto';
import { clusterFqdn } from './container-service';
import { armError, type Reply, type RequestContext } from '../server/http';
import type { EmulatorState } from '../server/state';
import type { EmulatorSettings } from '../server/types';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

export const isCaptured = (settings: EmulatorSettings): boolean => settings.responseShapes === 'captured';

// ---------------------------------------------------------------- signed operation URLs

/** Per process: a URL signed by one emulator is refused by none (the path names the operation). */
const SIGNING_KEY = crypto.randomBytes(32);
const SIGNED = ['api-version', 'service', 't', 'c', 's', 'h'] as const;

function mac(text: string): string {
  return crypto.createHmac('sha256', SIGNING_KEY).update(text).digest('base64url');
}

function signatureOf(pathname: string, q: Record<string, string>): { s: string; h: string } {
  const s = mac(`${pathname.toLowerCase()}\n${q['api-version']}\n${q.service}\n${q.t}\n${q.c}`);
  return { s, h: mac(`h\n${s}\n${q.t}`) };
}

/** The operation URL with Azure's signature query: `service`, `t` (ticks), `c` (certificate), `s`, `h`. */
export function signOperationUrl(url: string): string {
  const u = new URL(url);
  const q: Record<string, string> = {
    'api-version': u.searchParams.get('api-version') ?? '2022-10-01',
    service: 'new',
    t: String(BigInt(Date.now()) * 10_000n + 621_355_968_000_000_000n),
    c: crypto.randomBytes(48).toString('base64url'),
  };
  const { s, h } = signatureOf(u.pathname, q);
  u.search = new URLSearchParams({ ...q, s, h }).toString();
  return u.toString();
}

/**
 * 401 for a status GET whose signature query was altered or dropped; undefined when it is intact.
 * Other parameters are let through: the SDK's own poller appends the request's
 * (underlyingResourceAction) to the URL it was given.
 */
export function signatureRefusal(ctx: RequestContext): Reply | undefined {
  const q: Record<string, string> = {};
  for (const name of SIGNED) {
    const values = ctx.url.searchParams.getAll(name);
    if (values.length !== 1) return refusal(`query parameter '${name}' is missing or repeated`);
    q[name] = values[0];
  }
  const expected = signatureOf(ctx.url.pathname, q);
  if (expected.s !== q.s || expected.h !== q.h) return refusal('the signature does not match');
  return undefined;
}

function refusal(why: string): Reply {
  return armError(
    401,
    'InvalidAuthenticationToken',
    `The operation status URL is not valid: ${why}. Use the Azure-AsyncOperation URL exactly as it was returned.`,
  );
}

// ---------------------------------------------------------------- operation status and headers

/** The first answer's LRO headers: PUT only Azure-AsyncOperation; DELETE 202 both (as the spec declares). */
export function capturedLroHeaders(
  kind: 'create' | 'attach' | 'update' | 'detach' | 'delete',
  statusUrl: string,
  resultUrl: string,
): Record<string, string> {
  const headers: Record<string, string> = { 'azure-asyncoperation': signOperationUrl(statusUrl) };
  if (kind === 'detach' || kind === 'delete') headers.location = signOperationUrl(resultUrl);
  return headers;
}

export function capturedStatusBody(status: string, error: Json | undefined): Json {
  if (status === 'InProgress') return { status };
  if (status === 'Succeeded') return { status, percentComplete: 100.0 };
  return error ? { status, error } : { status };
}

// ---------------------------------------------------------------- compute bodies and DELETE

export interface CaptureDeps {
  state: EmulatorState;
  settings: () => EmulatorSettings;
  /** Ends the operation of an Azure-AsyncOperation URL now; its final status. */
  finishNow: (statusUrl: string) => string | undefined;
}

const rotation = new WeakMap<EmulatorSettings, number>();
const DELETE_ROTATION = [202, 200, 204] as const;

/** The ML handler's reply reshaped when settings ask for captured shapes; otherwise as it is. */
export function shapeMlReply(deps: CaptureDeps, ctx: RequestContext, reply: Reply | undefined): Reply | undefined {
  const settings = deps.settings();
  if (!reply || !isCaptured(settings)) return reply;
  if (ctx.operationId === 'Compute_Delete' && reply.status === 202) return shapeDelete(deps, settings, reply);
  if (reply.status >= 300 || !isObj(reply.body)) return reply;
  if (ctx.operationId === 'Compute_CreateOrUpdate') return { ...reply, body: shapeCompute(deps, reply.body, 'put') };
  if (ctx.operationId === 'Compute_Get') return { ...reply, body: shapeCompute(deps, reply.body, 'get') };
  if (ctx.operationId === 'Compute_List' && Array.isArray(reply.body.value))
    return { ...reply, body: { ...reply.body, value: reply.body.value.map((c) => shapeCompute(deps, c, 'get')) } };
  return reply;
}

function shapeDelete(deps: CaptureDeps, settings: EmulatorSettings, reply: Reply): Reply {
  let status = settings.capturedDeleteStatus;
  if (status === 'rotate') {
    const i = rotation.get(settings) ?? 0;
    rotation.set(settings, i + 1);
    status = DELETE_ROTATION[i % DELETE_ROTATION.length];
  }
  if (status === 202) return reply;
  // 200/204: Azure finished the detach before answering. A failing one still answers 202.
  const url = reply.headers?.['azure-asyncoperation'];
  return url && deps.finishNow(url) === 'Succeeded' ? { status } : reply;
}

function shapeCompute(deps: CaptureDeps, resource: unknown, answer: 'put' | 'get'): unknown {
  if (!isObj(resource)) return resource;
  const out: Json = JSON.parse(JSON.stringify(resource)) as Json;
  out.tags = answer === 'put' ? null : isObj(out.tags) ? out.tags : {};
  const props = isObj(out.properties) ? out.properties : undefined;
  if (!props) return out;
  props.provisioningErrors ??= null;
  props.description ??= null;
  const aks = isObj(props.properties) ? props.properties : undefined;
  if (!aks) return out;
  const state = String(props.provisioningState);
  if (state === 'Creating' || state === 'Updating') aks.systemServices = null;
  const ssl = isObj(aks.sslConfiguration) ? aks.sslConfiguration : undefined;
  if (ssl?.status === 'Auto') {
    Object.assign(ssl, { cert: null, key: null, cname: '' });
    const cluster = typeof props.resourceId === 'string' ? deps.state.liveManagedCluster(props.resourceId) : undefined;
    if (cluster && aks.clusterFqdn) aks.clusterFqdn = clusterFqdn(cluster).fqdn ?? clusterFqdn(cluster).privateFQDN;
  }
  return out;
}
