/**
 * Key Vault's data plane for secrets, as the real service answers: an unauthenticated request gets
 * the 401 challenge naming the tenant's authority and the vault resource; the token must be ours,
 * unexpired and for that resource; then `GET /secrets/{name}[/{version}]` with 403 (no access, or
 * a disabled version) and 404 in Key Vault's error shape.
 */
import type { TokenService } from '../identity/tokens';
import { header, json, matchPath, queryParam, type Handler, type Reply, type RequestContext } from '../server/http';
import { vaultOfHost, type KeyVaultCloud } from './hosts';
import type { KeyVaultState, SecretVersion, Vault } from './vaults';

/** What @azure/keyvault-secrets 4.11.2 sends (2025-07-01) and the two service versions before it. */
export const KEY_VAULT_API_VERSIONS = ['7.5', '7.6', '2025-07-01'];

export interface KeyVaultDeps {
  readonly vaults: KeyVaultState;
  readonly tokens: TokenService;
}

function kvError(
  status: number,
  code: string,
  message: string,
  inner?: string,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { error: { code, message, ...(inner && { innererror: { code: inner } }) } }, headers);
}

function challenge(vault: Vault, cloud: KeyVaultCloud, message: string): Reply {
  return kvError(401, 'Unauthorized', message, undefined, {
    'www-authenticate': `Bearer authorization="${cloud.authority}/${vault.tenantId}", resource="${cloud.resource}"`,
  });
}

export function createKeyVaultHandler(deps: KeyVaultDeps): Handler {
  return (ctx) => {
    if (ctx.kind !== 'keyvault') return undefined;
    const host = (header(ctx, 'host') ?? '').replace(/:\d+$/, '');
    const found = vaultOfHost(host);
    const vault = found && deps.vaults.vault(host);
    // A vault that does not exist has no DNS name; through the proxy, say so plainly.
    if (!found || !vault) return kvError(404, 'VaultNotFound', `No vault answers at ${host}.`);
    const version = queryParam(ctx, 'api-version');
    if (!version || !KEY_VAULT_API_VERSIONS.includes(version))
      return kvError(
        400,
        'BadParameter',
        `The specified version (${version ?? ''}) is not recognized. Consider using the latest supported version (2025-07-01).`,
      );
    const m = matchPath(ctx.segments, 'secrets/{name}/{version}') ?? matchPath(ctx.segments, 'secrets/{name}');
    if (ctx.method !== 'GET' || !m)
      return kvError(405, 'BadParameter', 'The emulator serves GET /secrets/{name}[/{version}] only.');
    ctx.operationId = 'GetSecret';
    const denied = authenticate(ctx, deps, vault, found.cloud);
    if (denied) return denied;
    if (vault.deniedPrincipals.has(ctx.principal ?? '') || vault.deniedPrincipals.has(ctx.principalAppId ?? ''))
      return forbidden(ctx, vault);
    return getSecret(vault, host, m.name, m.version);
  };
}

function authenticate(ctx: RequestContext, deps: KeyVaultDeps, vault: Vault, cloud: KeyVaultCloud): Reply | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header(ctx, 'authorization') ?? '');
  if (!m) return challenge(vault, cloud, 'AKV10000: Request is missing a Bearer or PoP token.');
  const v = deps.tokens.verifyAccessToken(m[1], [cloud.resource, `${cloud.resource}/`]);
  if (!v.ok) return challenge(vault, cloud, `AKV10022: Invalid audience or token. ${v.reason}`);
  if (String(v.claims.tid) !== vault.tenantId)
    return challenge(vault, cloud, `AKV10032: Invalid issuer. Expected one of the tenant ${vault.tenantId}.`);
  ctx.principal = String(v.claims.oid).toLowerCase();
  ctx.principalAppId = String(v.claims.appid).toLowerCase();
  return undefined;
}

function forbidden(ctx: RequestContext, vault: Vault): Reply {
  const caller = `appid=${ctx.principalAppId ?? ''};oid=${ctx.principal ?? ''};iss=https://sts.windows.net/${vault.tenantId}/`;
  return vault.permissionModel === 'rbac'
    ? kvError(
        403,
        'Forbidden',
        `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${caller}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '/subscriptions/.../providers/microsoft.keyvault/vaults/${vault.name}/secrets/...'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vault.name};location=eastus\r\n`,
        'ForbiddenByRbac',
      )
    : kvError(
        403,
        'Forbidden',
        `The user, group or application '${caller}' does not have secrets get permission on key vault '${vault.name};location=eastus'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
        'AccessDenied',
      );
}

function getSecret(vault: Vault, host: string, name: string, version: string | undefined): Reply {
  const versions = vault.secrets.get(name.toLowerCase()) ?? [];
  const found: SecretVersion | undefined = version
    ? versions.find((v) => v.version === version.toLowerCase())
    : versions[versions.length - 1];
  if (!found)
    return kvError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );
  if (!found.enabled)
    return kvError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  return json(200, {
    value: found.value,
    ...(found.contentType && { contentType: found.contentType }),
    id: `https://${host}/secrets/${name}/${found.version}`,
    attributes: {
      enabled: found.enabled,
      ...(found.notBefore && { nbf: seconds(found.notBefore) }),
      ...(found.expires && { exp: seconds(found.expires) }),
      created: seconds(found.created),
      updated: seconds(found.created),
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    },
    tags: {},
    ...(found.certificate && { kid: `https://${host}/keys/${name}/${found.version}`, managed: true }),
  });
}
