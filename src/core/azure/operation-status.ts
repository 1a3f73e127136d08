/** What one answer of an operation-status (Azure-AsyncOperation) or Location URL says. */
import { errorDetailsOf } from '../contract/error-details';
import { AzureError } from '../contract/errors';
import { type HttpExchange, redactUrl } from './http-exchange';
import type { LroOutcome, OperationError } from './poller';

export type Reading =
  { done: true; status: LroOutcome['status']; error?: OperationError } | { done: false; status: string };

/** Interprets one non-retryable status answer. */
export function readStatusAnswer(
  mode: 'async' | 'location',
  exchange: HttpExchange,
  url: string,
  operation: string,
): Reading {
  const { status } = exchange;
  if (status === 401 || status === 403 || status === 404) throw refused(exchange, url, operation);
  if (mode === 'location') {
    if (status === 202) return { done: false, status: 'InProgress' };
    if (status >= 200 && status < 300) return { done: true, status: 'Succeeded' };
    // Location answers the operation's final failure with the failure itself.
    const error = errorOf(exchange.bodyText) ?? {
      code: `HttpStatus${status}`,
      message: `${operation} failed (HTTP ${status})`,
    };
    return { done: true, status: 'Failed', error };
  }
  if (status < 200 || status >= 300) throw refused(exchange, url, operation);
  const body = parseJson(exchange.bodyText) as { status?: unknown } | undefined;
  const reported = typeof body?.status === 'string' && body.status ? body.status : 'Unknown';
  switch (reported.toLowerCase()) {
    case 'succeeded':
      return { done: true, status: 'Succeeded' };
    case 'failed':
      return {
        done: true,
        status: 'Failed',
        error: errorOf(exchange.bodyText) ?? {
          code: 'OperationFailed',
          message: `${operation} failed without an error detail`,
        },
      };
    case 'canceled':
    case 'cancelled':
      return {
        done: true,
        status: 'Canceled',
        error: errorOf(exchange.bodyText) ?? {
          code: 'OperationCanceled',
          message: `${operation} was canceled in Azure`,
        },
      };
    default:
      return { done: false, status: reported };
  }
}

function refused(exchange: HttpExchange, url: string, operation: string): AzureError {
  const detail = errorOf(exchange.bodyText);
  return new AzureError(
    detail?.code ?? `HttpStatus${exchange.status}`,
    detail?.message ?? `the status of ${operation} could not be read: HTTP ${exchange.status} from ${redactUrl(url)}`,
    exchange.status,
    undefined,
    detail?.details,
  );
}

/** ARM's `{error: {code, message, details}}`; tolerates the flat `{code, message}` some services send. */
function errorOf(bodyText: string | undefined): OperationError | undefined {
  const body = parseJson(bodyText) as
    | {
        error?: { code?: unknown; message?: unknown; details?: unknown };
        code?: unknown;
        message?: unknown;
        details?: unknown;
      }
    | undefined;
  const e = body?.error ?? body;
  if (typeof e?.code !== 'string' || !e.code) return undefined;
  const details = errorDetailsOf(e.details);
  return { code: e.code, message: typeof e.message === 'string' ? e.message : '', ...(details.length && { details }) };
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
