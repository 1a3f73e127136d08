/**
 * @typespec/ts-http-runtime 0.3.6, the last release that supports Node 20 (the task's Node20_1
 * handler), logs response headers unsanitised at AZURE_LOG_LEVEL=info: its log policy passes the
 * headers to the Sanitizer without the `headers` key that marks them as headers. 0.3.7 fixed that
 * and requires Node 22. Such lines are sanitised here with the runtime's own Sanitizer, as 0.3.7
 * does; on a fixed runtime the line is already sanitised and is left as it is.
 */
// Loaded by require: the subpath is in the package's `exports`, which moduleResolution "node" cannot type.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Sanitizer } = require('@typespec/ts-http-runtime/internal/util') as {
  Sanitizer: new () => { sanitize(obj: unknown): string };
};

const sanitizer = new Sanitizer();
const HEADERS_LINE = /^(\S+ )?Headers: (\{[\s\S]*\})\s*$/;

export function sanitizeSdkHeadersLine(line: string): string {
  const m = HEADERS_LINE.exec(line);
  if (!m) return line;
  let headers: unknown;
  try {
    headers = JSON.parse(m[2]);
  } catch {
    return line;
  }
  if (!headers || typeof headers !== 'object' || 'headers' in headers) return line;
  return `${m[1] ?? ''}Headers: ${sanitizer.sanitize({ headers })}`;
}
