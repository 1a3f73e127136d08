/** The little the poller and the retry helper need to know about one HTTP answer. */

export interface HttpExchange {
  status: number;
  /** Case-insensitive header lookup. */
  header(name: string): string | undefined;
  bodyText?: string;
}

/** Sends one GET to an absolute URL through the authenticated ARM pipeline; rejects on network errors / abort. */
export type SendGet = (url: string, signal: AbortSignal) => Promise<HttpExchange>;

/**
 * Drops the query string (and fragment, user info) except api-version. Status URLs can carry
 * SAS-like signatures (sig=, se=, skoid=…) that grant access on their own, so they must never
 * reach a log, an error message or an output.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.split(/[?#]/, 1)[0];
  }
  const base = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const apiVersion = parsed.searchParams.get('api-version');
  return apiVersion === null ? base : `${base}?api-version=${encodeURIComponent(apiVersion)}`;
}

/**
 * How long the service asks us to wait, in ms, or undefined when it does not say (or says
 * nonsense). The millisecond headers win because they are more precise; Retry-After may be
 * seconds or an HTTP date. A date is absolute wall-clock time, hence compared with Date.now().
 */
export function parseRetryAfterMs(
  header: (name: string) => string | undefined,
  wallNowMs = Date.now(),
): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = toNumber(header(name));
    if (ms !== undefined) return Math.round(ms);
  }
  const value = header('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = toNumber(value);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  // An HTTP date names its weekday and month; this keeps Date.parse from reading "-5" as a year.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - wallNowMs);
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}
