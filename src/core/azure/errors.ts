/** Turns what the SDK throws into the product's typed AzureError, with secrets scrubbed. */
import { isNetworkFailure, networkFailureOf } from './network-failure';
import { AzureError, CancelledError, DeadlineError, ProductError } from '../contract/errors';
import { errorDetailsOf, mapErrorDetails } from '../contract/error-details';
import type { SecretRedactor } from '../contract/secrets';

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: unknown;
}

const AUTH_ERRORS = [
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
];

/**
 * Azure (ARM error codes, operation error codes) and Entra (OAuth `error` values) codes that say
 * "try again later", not "this request is wrong".
 */
const TRANSIENT_CODE =
  /internal|timeout|timedout|unavailable|toomanyrequests|throttl|serverbusy|server_?error|badgateway|retry|connectionfailed/i;
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** What MSAL / identity say when the token endpoint failed for a passing reason (5xx, 429, network). */
const TRANSIENT_AUTH_TEXT =
  /temporarily_unavailable|server_error|network_error|ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up|\b(HTTP status:? )?(429|50[0234])\b|throttl|Too ?Many ?Requests/i;

export function isNotFound(error: unknown): boolean {
  return (error as RestErrorLike | undefined)?.statusCode === 404;
}

/** A 409 from ARM: the compute has an operation in progress, or exists already (another run got there first). */
export function isConflict(error: unknown): boolean {
  return (
    (error instanceof AzureError || typeof error === 'object') &&
    (error as { statusCode?: number } | null)?.statusCode === 409
  );
}

/**
 * A failure worth another attempt later in the same run: throttling, server errors, timeouts,
 * dropped connections, and operations that ended with such a code. Bad requests, refusals
 * (403, 400 validation) and our own decisions (deadline, cancellation, state errors) are not.
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof DeadlineError || error instanceof CancelledError) return false;
  if (error instanceof AzureError) {
    if (error.statusCode !== undefined && TRANSIENT_STATUS.has(error.statusCode)) return true;
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return false;
    return TRANSIENT_CODE.test(error.code);
  }
  if (error instanceof ProductError) return false;
  return isTransientAuthFailure(error) || isNetworkFailure(error);
}

/**
 * The credential could not get a token for a passing reason: the token endpoint answered 5xx or
 * 429 (after identity's own retries), MSAL refused to call it again so soon (its throttling
 * cache), or the connection failed. Wrong secrets, unknown apps and missing federation are not.
 */
export function isTransientAuthFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: string;
    statusCode?: number;
    message?: string;
    errorResponse?: { error?: string; errorDescription?: string };
  };
  if (!AUTH_ERRORS.includes(e.name ?? '')) return false;
  if (typeof e.statusCode === 'number' && TRANSIENT_STATUS.has(e.statusCode)) return true;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return false;
  const text = `${e.errorResponse?.error ?? ''} ${e.errorResponse?.errorDescription ?? ''} ${e.message ?? ''}`;
  // Entra's permanent refusals carry an AADSTS code (bad secret, unknown app, no federated credential).
  if (/AADSTS\d+/.test(text) && !/temporarily_unavailable|server_error/i.test(text)) return false;
  return TRANSIENT_AUTH_TEXT.test(text);
}

export function toProductError(error: unknown, redactor: SecretRedactor): ProductError {
  const redact = (text: string) => redactor.redact(text);
  if (error instanceof AzureError)
    return new AzureError(
      error.code,
      redact(error.azureMessage),
      error.statusCode,
      error.recovery,
      mapErrorDetails(error.details, redact),
    );
  if (error instanceof ProductError) return error;
  const e = (error ?? {}) as RestErrorLike & {
    name?: string;
    errorResponse?: { error?: string; errorDescription?: string };
  };
  if (e.name === 'AbortError') return new CancelledError();
  if (AUTH_ERRORS.includes(e.name ?? '')) {
    const text = e.errorResponse?.errorDescription ?? e.message ?? String(error);
    // Entra's descriptions carry trace ids and timestamps; the AADSTS sentence is what helps.
    const description = /AADSTS\d+:.*?\.(?=\s|$)/.exec(text)?.[0] ?? text;
    if (isTransientAuthFailure(error)) {
      return new AzureError(
        'TokenEndpointUnavailable',
        redactor.redact(`Microsoft Entra could not issue a token just now: ${description.split(/\r?\n/)[0]}`),
        e.statusCode,
        'This is usually temporary; nothing was changed by the request that needed the token. Re-running the step retries.',
      );
    }
    return new AzureError(
      e.name === 'CredentialUnavailableError' ? 'CredentialUnavailable' : 'AuthenticationFailed',
      redactor.redact(description.split(/\r?\n/)[0]),
      e.statusCode,
      'Microsoft Entra refused the credentials: check the client id, tenant id and secret, certificate or federated credential. Nothing was changed.',
    );
  }
  const network = e.statusCode === undefined ? networkFailureOf(error) : undefined;
  if (network)
    return new AzureError('ConnectionFailed', redactor.redact(`the connection to Azure failed (${network})`));
  const details = e.details as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  const code =
    details?.error?.code ??
    (e.code && !/^(REQUEST_SEND_ERROR|PARSE_ERROR)$/.test(e.code) ? e.code : undefined) ??
    (e.statusCode ? `HttpStatus${e.statusCode}` : (e.code ?? 'RequestFailed'));
  const message = details?.error?.message ?? e.message ?? String(error);
  // The reason of a `BadRequest` / "The request is invalid" is often only in error.details[].
  const nested = mapErrorDetails(errorDetailsOf(details?.error?.details), redact);
  return new AzureError(code, redact(message), e.statusCode, undefined, nested);
}
