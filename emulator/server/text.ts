/** A JSON value as text for messages and id comparisons: strings as they are, nothing as '', the rest as JSON. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
