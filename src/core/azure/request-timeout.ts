/** The per-request timeout knob (an environment variable, not an input). */

/**
 * Per-request timeout in milliseconds (default 30000): how long one ARM request may go unanswered
 * before it is abandoned and retried. A tuning and test knob, read from the environment because
 * it is not something a pipeline author should have to think about.
 */
export const REQUEST_TIMEOUT_ENV = 'AKS_AML_REQUEST_TIMEOUT_MS';
const REQUEST_TIMEOUT_RANGE = { min: 100, max: 600_000 } as const;

/** The per-request timeout the environment asks for, or undefined (unset or not a whole number in range). */
export function requestTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[REQUEST_TIMEOUT_ENV]?.trim();
  if (!text || !/^\d{1,7}$/.test(text)) return undefined;
  const ms = Number(text);
  return ms >= REQUEST_TIMEOUT_RANGE.min && ms <= REQUEST_TIMEOUT_RANGE.max ? ms : undefined;
}
