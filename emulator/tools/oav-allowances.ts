/**
 * Departures from the 2022-10-01 Machine Learning spec that Azure ML itself relies on, which the
 * oav referee accepts exactly where they occur (operation, side, code and JSON path) and nowhere
 * else: anything else it reports stays an error.
 *
 * - `properties.properties.sslConfiguration.renew` in a Compute_CreateOrUpdate request: the
 *   renewal of a Microsoft-generated certificate. azureml-core's `AksCompute.update` sends it
 *   (`SslConfiguration.renew`, "Retain the configuration and update the renew flag"), as does
 *   CLI v1's `az ml computetarget update aks --ssl-renew`; Microsoft no longer renews these
 *   certificates by itself (MicrosoftDocs/azure-ai-docs PR #461), so this flag is how they are
 *   kept alive. The 2022-10-01 SslConfiguration has no such property, so oav reports it as
 *   OBJECT_ADDITIONAL_PROPERTIES.
 * - Key Vault's GetSecret without a version: @azure/keyvault-secrets sends `/secrets/{name}/` (an
 *   empty `{secret-version}`), which the spec describes ("This URI fragment is optional. If not
 *   specified, the latest version of the secret is returned") but a swagger path parameter cannot
 *   be empty, so oav finds no operation. The referee matches such a read as the read of the
 *   version Key Vault answered with (the `id` of the secret returned; a placeholder version for an
 *   error answer). Query, headers and both bodies are checked as sent.
 */

export interface OavErrorLike {
  readonly code: string;
  readonly message?: string;
  readonly jsonPathsInPayload?: readonly string[];
}

interface Allowance {
  readonly operationId: string;
  readonly source: 'request' | 'response';
  readonly code: string;
  readonly jsonPath: string;
}

const ALLOWANCES: readonly Allowance[] = [
  {
    operationId: 'Compute_CreateOrUpdate',
    source: 'request',
    code: 'OBJECT_ADDITIONAL_PROPERTIES',
    jsonPath: '$.properties.properties.sslConfiguration.renew',
  },
];

/** Whether oav's finding is one of the accepted departures (every path it names must be allowed). */
export function isAllowedDeparture(operationId: string, source: 'request' | 'response', error: OavErrorLike): boolean {
  const paths = error.jsonPathsInPayload ?? [];
  if (paths.length === 0) return false;
  return paths.every((path) =>
    ALLOWANCES.some(
      (a) => a.operationId === operationId && a.source === source && a.code === error.code && a.jsonPath === path,
    ),
  );
}

/** Key Vault's version placeholder for a versionless read that got an error (32 hex digits, as versions are). */
const NO_VERSION = '0'.repeat(32);

/** The URL of a Key Vault request as the referee matches it (see the versionless GetSecret above). */
export function keyVaultRequestUrl(url: string, responseBody: unknown): string {
  const u = new URL(url);
  const m = /^\/secrets\/([^/]+)\/?$/i.exec(u.pathname);
  if (!m) return url;
  const id = (responseBody as { id?: unknown } | undefined)?.id;
  const version = typeof id === 'string' ? /\/secrets\/[^/]+\/([^/?]+)/.exec(id)?.[1] : undefined;
  u.pathname = `/secrets/${m[1]}/${version ?? NO_VERSION}`;
  return u.toString();
}
