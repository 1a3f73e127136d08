/**
 * The ARM front door shared by every resource provider: bearer token check (401 with
 * WWW-Authenticate), api-version check per provider, throttling per principal and the
 * x-ms-ratelimit-remaining-* headers. Resource providers are plain handlers behind it.
 */
import { armError, header, queryParam, type Handler, type Reply, type RequestContext } from '../server/http';
import type { Throttle } from './throttle';
import type { TokenService } from '../identity/tokens';
import type { EmulatorSettings } from '../server/types';

export const ML_API_VERSIONS = ['2022-10-01'];
/** @azure/arm-containerservice 24.1.0 sends 2025-10-01; newer client majors send the later ones. */
export const CS_API_VERSIONS = ['2025-10-01', '2026-04-01', '2026-06-01'];
/** @azure/arm-kubernetesconfiguration 6.1.0 sends 2023-05-01. */
export const KC_API_VERSIONS = ['2023-05-01'];

export interface ArmDeps {
  tokens: TokenService;
  throttle: Throttle;
  settings: () => EmulatorSettings;
  baseUrl: () => string;
}

function providerOf(path: string): { name: string; versions: string[] } | undefined {
  const p = path.toLowerCase();
  // Extensions live under a cluster id, so their provider is the last one in the path.
  if (p.includes('/providers/microsoft.kubernetesconfiguration/'))
    return { name: 'Microsoft.KubernetesConfiguration', versions: KC_API_VERSIONS };
  if (p.includes('/providers/microsoft.machinelearningservices/'))
    return { name: 'Microsoft.MachineLearningServices', versions: ML_API_VERSIONS };
  if (p.includes('/providers/microsoft.containerservice/'))
    return { name: 'Microsoft.ContainerService', versions: CS_API_VERSIONS };
  return undefined;
}

function unauthorized(deps: ArmDeps, message: string, tenant?: string): Reply {
  const authority = `${deps.baseUrl()}/${tenant ?? 'common'}`;
  return armError(401, 'InvalidAuthenticationToken', message, {
    'www-authenticate': `Bearer authorization_uri="${authority}", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
}

function authenticate(ctx: RequestContext, deps: ArmDeps): Reply | undefined {
  const auth = header(ctx, 'authorization');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth ?? '');
  if (!m)
    return unauthorized(deps, "Authentication failed. The 'Authorization' header is missing or is not a Bearer token.");
  const v = deps.tokens.verifyAccessToken(m[1]);
  if (!v.ok) return unauthorized(deps, `The access token is invalid. ${v.reason}`);
  ctx.principal = String(v.claims.oid);
  ctx.principalAppId = String(v.claims.appid);
  return undefined;
}

function checkApiVersion(ctx: RequestContext): Reply | undefined {
  const provider = providerOf(ctx.path);
  if (!provider) return undefined;
  const v = queryParam(ctx, 'api-version');
  if (!v) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (!provider.versions.includes(v)) {
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${v}' is invalid. The supported versions for resource provider '${provider.name}' are '${provider.versions.join(',')}'.`,
    );
  }
  return undefined;
}

/** Wraps the resource-provider handlers with the ARM checks (for 'arm' and 'lro' traffic). */
export function createArmGate(deps: ArmDeps, providers: Handler[]): Handler {
  return async (ctx) => {
    if (ctx.kind !== 'arm' && ctx.kind !== 'lro') return undefined;
    const denied = authenticate(ctx, deps) ?? checkApiVersion(ctx);
    if (denied) return denied;
    const kind = ctx.method === 'GET' || ctx.method === 'HEAD' ? 'read' : 'write';
    const t = deps.throttle.take(deps.settings().throttle, ctx.principal ?? 'anonymous', kind);
    const rl = { [`x-ms-ratelimit-remaining-subscription-${kind}s`]: String(t.remaining) };
    if (!t.allowed) {
      return armError(
        429,
        'TooManyRequests',
        `The request is being throttled as the limit has been reached for operation type - ${kind === 'read' ? 'Read' : 'Write'}. Please retry after ${t.retryAfterSeconds} seconds.`,
        { 'retry-after': String(t.retryAfterSeconds), ...rl },
      );
    }
    let reply: Reply | undefined;
    for (const p of providers) {
      reply = await p(ctx);
      if (reply) break;
    }
    reply ??= unknownRoute(ctx);
    return { ...reply, headers: { ...rl, ...(reply.headers ?? {}) } };
  };
}

function unknownRoute(ctx: RequestContext): Reply {
  const provider = providerOf(ctx.path);
  if (provider) {
    return armError(
      404,
      'InvalidResourceType',
      `The resource type could not be found in the namespace '${provider.name}' for api version '${queryParam(ctx, 'api-version') ?? ''}' (${ctx.method} ${ctx.path}).`,
    );
  }
  return armError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${ctx.url.toString()}'.`);
}
