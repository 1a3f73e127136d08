/**
 * Azure's nested error details (`error.details[]`, the same shape all the way down). Azure often
 * answers `BadRequest` / "The request is invalid" and gives the reason only in a detail, so the
 * details are kept as typed values and shown under the outer line, one level of indent per level.
 */
export interface AzureErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly details?: readonly AzureErrorDetail[];
}

/** Deep enough for anything Azure nests; a guard against cycles or absurd payloads. */
const MAX_DEPTH = 5;
const MAX_PER_LEVEL = 20;

type Loose = { code?: unknown; message?: unknown; details?: unknown };

/** The well-formed entries of an untyped `details` array (JSON or SDK-deserialised), nested ones included. */
export function errorDetailsOf(value: unknown, depth = 0): AzureErrorDetail[] {
  if (!Array.isArray(value) || depth >= MAX_DEPTH) return [];
  const out: AzureErrorDetail[] = [];
  for (const entry of value.slice(0, MAX_PER_LEVEL)) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Loose;
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (!code && !message) continue;
    const details = errorDetailsOf(e.details, depth + 1);
    out.push(details.length ? { code, message, details } : { code, message });
  }
  return out;
}

/** "code: message" lines, indented two spaces per level below `depth`. */
export function formatErrorDetails(details: readonly AzureErrorDetail[] | undefined, depth = 1): string[] {
  const lines: string[] = [];
  for (const d of details ?? []) {
    lines.push(`${'  '.repeat(depth)}${[d.code, d.message].filter(Boolean).join(': ')}`);
    lines.push(...formatErrorDetails(d.details, depth + 1));
  }
  return lines;
}

/** The details on one line ("a: x; b: y"), for places that hold one line per error (plan reasons). */
export function inlineErrorDetails(details: readonly AzureErrorDetail[] | undefined): string {
  return formatErrorDetails(details)
    .map((l) => l.trim())
    .join('; ');
}

/** The same details with every message passed through `redact`. */
export function mapErrorDetails(
  details: readonly AzureErrorDetail[] | undefined,
  redact: (text: string) => string,
): AzureErrorDetail[] | undefined {
  if (!details?.length) return undefined;
  return details.map((d) => {
    const nested = mapErrorDetails(d.details, redact);
    return nested
      ? { code: d.code, message: redact(d.message), details: nested }
      : { code: d.code, message: redact(d.message) };
  });
}
