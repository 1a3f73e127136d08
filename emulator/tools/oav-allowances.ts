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
