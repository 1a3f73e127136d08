/** Seeded RBAC denials: a principal listed in a resource's deniedPrincipals gets ARM's 403. */
import { armError, type Reply, type RequestContext } from '../server/http';

export function denied(
  ctx: RequestContext,
  deniedPrincipals: string[],
  action: string,
  scope: string,
): Reply | undefined {
  const who = [ctx.principal, ctx.principalAppId].filter(Boolean).map((x) => String(x).toLowerCase());
  if (!deniedPrincipals.some((d) => who.includes(d.toLowerCase()))) return undefined;
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${ctx.principalAppId ?? ''}' with object id '${ctx.principal ?? ''}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}
