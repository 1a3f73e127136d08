/**
 * The one classifier of transport failures (reset, refused, DNS, timeouts, socket hang-up): the
 * request may never have reached Azure, or its answer was lost. Used both to decide on a retry
 * and to word the error, so the two can never disagree.
 */

const NETWORK_CODES =
  /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR_\w+|REQUEST_SEND_ERROR)$/;
const NETWORK_MESSAGES =
  /socket hang up|fetch failed|network error|\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN)\b/i;

/** What failed at the connection level (message, else code), looking through `cause` chains as undici nests them; undefined when an answer came back. */
export function networkFailureOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const { code, name, message, cause, statusCode } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      statusCode?: unknown;
    };
    if (typeof statusCode === 'number') return undefined; // an answer came back: not a transport failure
    if (typeof code === 'string' && NETWORK_CODES.test(code))
      return typeof message === 'string' && message ? message : code;
    if (name === 'TimeoutError') return 'request timed out';
    if (typeof message === 'string' && NETWORK_MESSAGES.test(message)) return message;
    e = cause;
  }
  return undefined;
}

export function isNetworkFailure(error: unknown): boolean {
  return networkFailureOf(error) !== undefined;
}
