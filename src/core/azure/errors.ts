/** Turns what the SDK throws into the product's typed AzureError, with secrets scrubbed. */
import { AzureError, CancelledError, DeadlineError, ProductError } from '../errors';
import type { SecretRedactor } from '../secrets';

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: unknown;
}

const AUTH_ERRORS = ['AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError', 'AggregateAuthenticationError'];

export function isNotFound(error: unknown): boolean {
  return (error as RestErrorLike | undefined)?.statusCode === 404;
}

export function toProductError(error: unknown, redactor: SecretRedactor): ProductError {
  if (error instanceof AzureError) return new AzureError(error.code, redactor.redact(error.azureMessage), error.statusCode, error.recovery);
  if (error instanceof ProductError) return error;
  const e = (error ?? {}) as RestErrorLike & { name?: string; errorResponse?: { error?: string; errorDescription?: string } };
  if (e.name === 'AbortError') return new CancelledError();
  if (AUTH_ERRORS.includes(e.name ?? '')) {
    const text = e.errorResponse?.errorDescription ?? e.message ?? String(error);
    // Entra's descriptions carry trace ids and timestamps; the AADSTS sentence is what helps.
    const description = /AADSTS\d+:.*?\.(?=\s|$)/.exec(text)?.[0] ?? text;
    return new AzureError(
      e.name === 'CredentialUnavailableError' ? 'CredentialUnavailable' : 'AuthenticationFailed',
      redactor.redact(description.split(/\r?\n/)[0]),
      e.statusCode,
      'Microsoft Entra refused the credentials: check the client id, tenant id and secret, certificate or federated credential. Nothing was changed.',
    );
  }
  const details = e.details as { error?: { code?: string; message?: string } } | undefined;
  const code = details?.error?.code ?? (e.code && !/^(REQUEST_SEND_ERROR|PARSE_ERROR)$/.test(e.code) ? e.code : undefined) ?? (e.statusCode ? `HttpStatus${e.statusCode}` : e.code ?? 'RequestFailed');
  const message = details?.error?.message ?? e.message ?? String(error);
  return new AzureError(code, redactor.redact(message), e.statusCode);
}

export function describeForRecovery(error: ProductError): string {
  if (error instanceof DeadlineError) return 'timed out';
  if (error instanceof CancelledError) return 'was cancelled';
  if (error instanceof AzureError) return `failed (${error.code})`;
  return 'failed';
}
