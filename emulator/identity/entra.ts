/**
 * Microsoft Entra ID, as far as MSAL node (inside @azure/identity) uses it with a custom
 * authorityHost: instance discovery, OpenID metadata, the v2.0 token endpoint
 * (client_credentials with a secret, a certificate-signed assertion or a federated OIDC
 * token) and an App Service style managed identity endpoint.
 */
import * as crypto from 'node:crypto';
import { header, json, matchPath, queryParam, type Handler, type Reply, type RequestContext } from '../server/http';
import { decodeJwt, nowSeconds, verifyJwtSignature } from './jwt';
import { keyVaultResourceOfScope } from '../keyvault/hosts';
import type { EmulatorState } from '../server/state';
import type { TokenService } from './tokens';
import type { EmulatorSettings, PrincipalRecord } from '../server/types';

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface EntraDeps {
  state: EmulatorState;
  tokens: TokenService;
  settings: () => EmulatorSettings;
  baseUrl: () => string;
  /** Issuers of the emulator's OIDC tokens (GitHub, Azure DevOps) trusted for federation. */
  oidcIssuers: () => string[];
  /** Token requests per principal client id (every POST to a token endpoint counts). */
  tokenRequests: Map<string, number>;
}

/** Entra's error body, with the AADSTS number also in error_codes. */
function aadError(status: number, error: string, description: string): Reply {
  const code = /AADSTS(\d+)/.exec(description)?.[1];
  return json(status, {
    error,
    error_description: `${description}\r\nTrace ID: ${crypto.randomUUID()}\r\nCorrelation ID: ${crypto.randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
    error_codes: code ? [Number(code)] : [],
    timestamp: new Date().toISOString(),
    trace_id: crypto.randomUUID(),
    correlation_id: crypto.randomUUID(),
  });
}

export function createEntraHandler(deps: EntraDeps): Handler {
  return (ctx) => {
    if (ctx.kind === 'msi') return managedIdentity(ctx, deps);
    if (ctx.kind !== 'token') return undefined;
    const s = ctx.segments;
    // Instance discovery: MSAL asks `<authorityHost>/common/discovery/instance` for the aliases of the host.
    if (ctx.method === 'GET' && matchPath(s, '{tenant}/discovery/instance')) {
      ctx.operationId = 'Entra_InstanceDiscovery';
      return instanceDiscovery(deps);
    }
    const oidc =
      matchPath(s, '{tenant}/v2.0/.well-known/openid-configuration') ??
      matchPath(s, '{tenant}/.well-known/openid-configuration');
    if (ctx.method === 'GET' && oidc) {
      ctx.operationId = 'Entra_OpenIdConfiguration';
      return openIdConfiguration(deps, oidc.tenant);
    }
    if (
      ctx.method === 'GET' &&
      (matchPath(s, '{tenant}/discovery/v2.0/keys') || matchPath(s, 'common/discovery/keys'))
    ) {
      return json(200, deps.tokens.jwks());
    }
    const tok = matchPath(s, '{tenant}/oauth2/v2.0/token') ?? matchPath(s, '{tenant}/oauth2/token');
    if (tok) {
      ctx.operationId = 'Entra_Token';
      if (ctx.method !== 'POST')
        return aadError(405, 'invalid_request', 'AADSTS900561: The endpoint only accepts POST requests.');
      return tokenEndpoint(ctx, deps, tok.tenant);
    }
    return undefined;
  };
}

function hostOf(deps: EntraDeps): string {
  return new URL(deps.baseUrl()).host;
}

function instanceDiscovery(deps: EntraDeps): Reply {
  const host = hostOf(deps);
  return json(200, {
    tenant_discovery_endpoint: `${deps.baseUrl()}/{tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

function openIdConfiguration(deps: EntraDeps, tenant: string): Reply {
  const known = ['common', 'organizations', 'consumers'].includes(tenant.toLowerCase()) || deps.state.hasTenant(tenant);
  if (!known) {
    return aadError(
      400,
      'invalid_tenant',
      `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  const base = `${deps.baseUrl()}/${tenant}`;
  return json(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${deps.baseUrl()}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: hostOf(deps),
    cloud_graph_host_name: hostOf(deps),
    msgraph_host: hostOf(deps),
    rbac_url: deps.baseUrl(),
  });
}

/** `<arm>/.default` (also `<arm>//.default`) or Key Vault's `<resource>/.default` → the audience of the access token. */
function resourceFromScope(deps: EntraDeps, scope: string): string | undefined {
  const base = deps.baseUrl();
  const scopes = scope.split(/\s+/).filter((x) => x && !['openid', 'profile', 'offline_access', 'email'].includes(x));
  if (scopes.length !== 1) return undefined;
  if (scopes[0] === `${base}/.default` || scopes[0] === `${base}//.default`) return `${base}/`;
  // Key Vault's resource, as its challenge names it (the emulator serves vaults through its proxy).
  return keyVaultResourceOfScope(scopes[0]);
}

function tokenEndpoint(ctx: RequestContext, deps: EntraDeps, tenant: string): Reply {
  const form = (ctx.body && typeof ctx.body === 'object' ? ctx.body : {}) as Record<string, string>;
  const clientId = form.client_id;
  if (clientId)
    deps.tokenRequests.set(clientId.toLowerCase(), (deps.tokenRequests.get(clientId.toLowerCase()) ?? 0) + 1);
  if (form.grant_type !== 'client_credentials') {
    return aadError(
      400,
      'unsupported_grant_type',
      `AADSTS70003: The app requested an unsupported grant type '${form.grant_type ?? ''}'.`,
    );
  }
  if (!clientId)
    return aadError(
      400,
      'invalid_request',
      "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
    );
  const generic = ['common', 'organizations', 'consumers'].includes(tenant.toLowerCase());
  if (!generic && !deps.state.hasTenant(tenant)) {
    return aadError(
      400,
      'invalid_request',
      `AADSTS90002: Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  const principal = generic ? undefined : deps.state.livePrincipal(tenant, clientId);
  if (!principal) {
    return aadError(
      400,
      'unauthorized_client',
      `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const scope = form.scope ?? '';
  const audience = resourceFromScope(deps, scope);
  if (!scope.includes('/.default')) {
    return aadError(
      400,
      'invalid_scope',
      `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  if (!audience) {
    return aadError(
      400,
      'invalid_resource',
      `AADSTS500011: The resource principal named ${scope.replace(/\/?\.default$/, '')} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }

  if (form.client_secret !== undefined) {
    if (!principal.secrets.includes(form.client_secret)) {
      return aadError(
        401,
        'invalid_client',
        `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    }
  } else if (form.client_assertion !== undefined) {
    if (form.client_assertion_type !== JWT_BEARER) {
      return aadError(
        400,
        'invalid_request',
        `AADSTS700023: Client assertion type '${form.client_assertion_type ?? ''}' is not supported.`,
      );
    }
    const problem = checkAssertion(deps, principal, form.client_assertion, `${deps.baseUrl()}/${tenant}`);
    if (problem) return aadError(problem.status, 'invalid_client', problem.description);
  } else {
    return aadError(
      400,
      'invalid_client',
      "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  return issue(deps, principal, audience);
}

function issue(deps: EntraDeps, principal: PrincipalRecord, audience: string): Reply {
  const lifetime = deps.settings().tokenLifetimeSeconds;
  const { token } = deps.tokens.issueAccessToken(principal, audience, lifetime);
  return json(200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
}

interface AssertionProblem {
  status: number;
  description: string;
}

/** A federated OIDC token from our issuers, or a JWT signed with a certificate registered for the app. */
function checkAssertion(
  deps: EntraDeps,
  p: PrincipalRecord,
  assertion: string,
  tenantBase: string,
): AssertionProblem | undefined {
  const jwt = decodeJwt(assertion);
  if (!jwt) return { status: 400, description: 'AADSTS50027: JWT token is invalid or malformed.' };
  const issuers = deps.oidcIssuers();
  if (typeof jwt.payload.iss === 'string' && issuers.includes(jwt.payload.iss))
    return checkFederated(deps, p, assertion, issuers);
  return checkCertificateAssertion(p, jwt, tenantBase);
}

function checkFederated(
  deps: EntraDeps,
  p: PrincipalRecord,
  assertion: string,
  issuers: string[],
): AssertionProblem | undefined {
  const v = deps.tokens.verifyOidcToken(assertion, issuers);
  if (!v.ok) return { status: 400, description: v.reason };
  const { iss, sub } = v.claims;
  const auds = ([] as unknown[]).concat(v.claims.aud ?? []).map(String);
  if (p.federated && auds.includes(TOKEN_EXCHANGE_AUDIENCE)) return undefined;
  const match = p.federatedCredentials.find(
    (f) =>
      f.subject === sub &&
      (!f.issuer || f.issuer === iss) &&
      (f.audiences ?? [TOKEN_EXCHANGE_AUDIENCE]).some((a) => auds.includes(a)),
  );
  if (match) return undefined;
  return {
    status: 400,
    description: `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${String(iss)}'. Assertion Subject: '${String(sub)}'. Assertion Audience: '${auds.join(',')}'.`,
  };
}

function thumbprints(pem: string): { cert: crypto.X509Certificate; sha1: string; sha256: string } | undefined {
  try {
    const cert = new crypto.X509Certificate(pem);
    return {
      cert,
      sha1: crypto.createHash('sha1').update(cert.raw).digest('base64url'),
      sha256: crypto.createHash('sha256').update(cert.raw).digest('base64url'),
    };
  } catch {
    return undefined;
  }
}

function checkCertificateAssertion(
  p: PrincipalRecord,
  jwt: NonNullable<ReturnType<typeof decodeJwt>>,
  tenantBase: string,
): AssertionProblem | undefined {
  const x5t = typeof jwt.header.x5t === 'string' ? jwt.header.x5t : undefined;
  const x5t256 = typeof jwt.header['x5t#S256'] === 'string' ? jwt.header['x5t#S256'] : undefined;
  if (!x5t && !x5t256)
    return {
      status: 401,
      description: 'AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not found.]',
    };
  const registered = p.certificates.map(thumbprints).find((t) => t && (t.sha1 === x5t || t.sha256 === x5t256));
  if (!registered) {
    return {
      status: 401,
      description: `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${x5t256 ?? x5t ?? ''}']`,
    };
  }
  if (!verifyJwtSignature(jwt, registered.cert.publicKey)) {
    return {
      status: 401,
      description:
        'AADSTS700027: Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value.]',
    };
  }
  const c = jwt.payload;
  if (c.iss !== p.clientId || c.sub !== p.clientId) {
    return {
      status: 400,
      description: `AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter.`,
    };
  }
  const auds = ([] as unknown[]).concat(c.aud ?? []).map(String);
  if (!auds.some((a) => a.startsWith(tenantBase))) {
    return {
      status: 400,
      description: `AADSTS700212: No matching federated identity record found for presented assertion audience '${auds.join(',')}'.`,
    };
  }
  const now = nowSeconds();
  if (typeof c.exp !== 'number' || c.exp + 300 < now || (typeof c.nbf === 'number' && c.nbf - 300 > now)) {
    return { status: 400, description: 'AADSTS700024: Client assertion is not within its valid time range.' };
  }
  const validTo = Date.parse(registered.cert.validTo);
  if (Number.isFinite(validTo) && validTo < Date.now()) {
    return {
      status: 401,
      description: 'AADSTS700027: Client assertion failed signature validation. [Reason - The key used is expired.]',
    };
  }
  return undefined;
}

/** App Service managed identity (api-version 2019-08-01), which MSAL picks when IDENTITY_ENDPOINT + IDENTITY_HEADER are set. */
function managedIdentity(ctx: RequestContext, deps: EntraDeps): Reply | undefined {
  if (!matchPath(ctx.segments, 'msi/token')) return undefined;
  ctx.operationId = 'ManagedIdentity_Token';
  const err = (status: number, error: string, description: string) =>
    json(status, { error, error_description: description });
  if (header(ctx, 'x-identity-header') !== deps.state.identityHeader) {
    return err(401, 'invalid_request', 'The X-IDENTITY-HEADER header is missing or wrong.');
  }
  const resource = queryParam(ctx, 'resource') ?? '';
  const base = deps.baseUrl();
  const keyVaultResource = keyVaultResourceOfScope(`${resource.replace(/\/$/, '')}/.default`);
  if (resource !== base && resource !== `${base}/` && !keyVaultResource) {
    return err(
      400,
      'invalid_resource',
      `AADSTS500011: The resource principal named ${resource} was not found in the tenant.`,
    );
  }
  const mi = deps.state.liveManagedIdentity({
    clientId: queryParam(ctx, 'client_id'),
    objectId: queryParam(ctx, 'principal_id') ?? queryParam(ctx, 'object_id'),
    resourceId: queryParam(ctx, 'mi_res_id') ?? queryParam(ctx, 'msi_res_id'),
  });
  if (mi)
    deps.tokenRequests.set(mi.clientId.toLowerCase(), (deps.tokenRequests.get(mi.clientId.toLowerCase()) ?? 0) + 1);
  if (!mi)
    return err(
      400,
      'invalid_request',
      'No managed identity found for the given identifier (or no system-assigned identity).',
    );
  const lifetime = deps.settings().tokenLifetimeSeconds;
  const { token, exp } = deps.tokens.issueAccessToken(mi, keyVaultResource ?? `${base}/`, lifetime);
  return json(200, {
    access_token: token,
    expires_on: String(exp),
    resource,
    token_type: 'Bearer',
    client_id: mi.clientId,
  });
}
