/**
 * The two OIDC token issuers the product federates with:
 *  - GitHub Actions: what @actions/core getIDToken() calls (ACTIONS_ID_TOKEN_REQUEST_URL with
 *    `&audience=`, bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN) → {"value": jwt};
 *  - Azure Pipelines: what AzurePipelinesCredential POSTs to SYSTEM_OIDCREQUESTURI
 *    (`?api-version=7.1&serviceConnectionId=`, bearer System.AccessToken) → {"oidcToken": jwt}.
 * Both also serve discovery + JWKS, so a verifier could check the tokens like Entra does.
 */
import { header, json, matchPath, queryParam, type Handler, type Reply } from '../server/http';
import type { EmulatorState } from '../server/state';
import type { TokenService } from './tokens';
import { TOKEN_EXCHANGE_AUDIENCE } from './entra';
import type { EmulatorSettings } from '../server/types';

export interface OidcDeps {
  state: EmulatorState;
  tokens: TokenService;
  settings: () => EmulatorSettings;
  baseUrl: () => string;
}

export const githubIssuer = (base: string) => `${base}/github-oidc`;
export const adoIssuer = (base: string) => `${base}/ado-oidc`;

function bearer(v: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(v ?? '');
  return m?.[1].trim();
}

export function createOidcHandler(deps: OidcDeps): Handler {
  return (ctx) => {
    if (ctx.kind !== 'oidc') return undefined;
    const s = ctx.segments;
    const base = deps.baseUrl();
    for (const issuer of [githubIssuer(base), adoIssuer(base)]) {
      const prefix = issuer.slice(base.length + 1);
      if (ctx.method === 'GET' && matchPath(s, `${prefix}/.well-known/openid-configuration`)) {
        return json(200, {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks`,
          subject_types_supported: ['public', 'pairwise'],
          response_types_supported: ['id_token'],
          claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid'],
        });
      }
      if (ctx.method === 'GET' && matchPath(s, `${prefix}/.well-known/jwks`)) return json(200, deps.tokens.jwks());
    }
    if (matchPath(s, 'github-oidc/token')) {
      ctx.operationId = 'GitHub_GetIdToken';
      return github(ctx.method, header(ctx, 'authorization'), queryParam(ctx, 'audience'), deps);
    }
    if (s[0]?.toLowerCase() === 'ado-oidc' && ctx.method === 'POST') {
      ctx.operationId = 'AzureDevOps_CreateOidcToken';
      return azureDevOps(header(ctx, 'authorization'), queryParam(ctx, 'serviceConnectionId'), deps);
    }
    return undefined;
  };
}

function github(method: string, auth: string | undefined, audience: string | undefined, deps: OidcDeps): Reply {
  if (method !== 'GET') return json(405, { message: 'Method not allowed' });
  const gh = deps.state.github;
  if (bearer(auth) !== gh.requestToken) return json(401, { message: 'Bad credentials' });
  const [owner] = gh.repository.split('/');
  const token = deps.tokens.issueOidcToken(
    {
      iss: githubIssuer(deps.baseUrl()),
      aud: audience ?? `https://github.com/${owner}`,
      sub: gh.subject,
      repository: gh.repository,
      repository_owner: owner,
      ref: gh.ref,
      event_name: 'push',
      workflow: 'ci',
    },
    deps.settings().oidcTokenLifetimeSeconds,
  );
  return json(200, { count: 1, value: token });
}

function azureDevOps(auth: string | undefined, serviceConnectionId: string | undefined, deps: OidcDeps): Reply {
  const ado = deps.state.azureDevOps;
  if (bearer(auth) !== ado.systemAccessToken) {
    return {
      status: 401,
      headers: { 'content-type': 'text/plain' },
      body: 'TF400813: The user is not authorized to access this resource.',
    };
  }
  if (!serviceConnectionId) {
    return json(400, {
      message: 'VS800075: The serviceConnectionId query parameter is required.',
      typeKey: 'InvalidRequest',
    });
  }
  const conn = ado.serviceConnections.find((c) => c.id.toLowerCase() === serviceConnectionId.toLowerCase());
  const token = deps.tokens.issueOidcToken(
    {
      iss: adoIssuer(deps.baseUrl()),
      aud: TOKEN_EXCHANGE_AUDIENCE,
      sub: `sc://${ado.organization}/${ado.project}/${conn?.name ?? serviceConnectionId}`,
    },
    deps.settings().oidcTokenLifetimeSeconds,
  );
  return json(200, { oidcToken: token });
}
