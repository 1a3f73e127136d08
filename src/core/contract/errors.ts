import { formatErrorDetails, type AzureErrorDetail } from './error-details';

export type { AzureErrorDetail } from './error-details';

/**
 * Typed failures. Each says what went wrong and what to do next; callers branch on the class,
 * never on message text.
 */
export interface InputProblem {
  /** The input's name as the user wrote it (kebab-case on GitHub, camelCase on Azure DevOps). */
  readonly input: string;
  readonly message: string;
}

export abstract class ProductError extends Error {
  abstract readonly kind: string;
}

/** One or more inputs are invalid; nothing was changed. */
export class InputError extends ProductError {
  readonly kind = 'input';
  constructor(readonly problems: readonly InputProblem[]) {
    super(problems.map((p) => `${p.input}: ${p.message}`).join('\n'));
    this.name = 'InputError';
  }
}

/** The observed state forbids the requested change (e.g. compute bound to another cluster). */
export class StateError extends ProductError {
  readonly kind = 'state';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message}\n${hint}` : message);
    this.name = 'StateError';
  }
}

/** Azure refused a request or an operation ended Failed/Canceled. */
export class AzureError extends ProductError {
  readonly kind = 'azure';
  constructor(
    readonly code: string,
    readonly azureMessage: string,
    readonly statusCode?: number,
    /** What state the compute was left in and what re-running will do. */
    readonly recovery?: string,
    /** Azure's `error.details[]`, often where the actual reason is; shown under the first line. */
    readonly details?: readonly AzureErrorDetail[],
  ) {
    const nested = formatErrorDetails(details);
    super(`${code}: ${azureMessage}${nested.length ? `\n${nested.join('\n')}` : ''}${recovery ? `\n${recovery}` : ''}`);
    this.name = 'AzureError';
  }

  withRecovery(recovery: string): AzureError {
    return new AzureError(this.code, this.azureMessage, this.statusCode, recovery, this.details);
  }
}

/** Waiting on Azure took longer than timeout-minutes. */
export class DeadlineError extends ProductError {
  readonly kind = 'deadline';
  constructor(
    readonly what: string,
    readonly recovery?: string,
  ) {
    super(`gave up waiting for ${what} (timeout-minutes reached)${recovery ? `\n${recovery}` : ''}`);
    this.name = 'DeadlineError';
  }
}

/** The runner cancelled the step (SIGINT/SIGTERM). */
export class CancelledError extends ProductError {
  readonly kind = 'cancelled';
  constructor(readonly recovery?: string) {
    super(`cancelled${recovery ? `\n${recovery}` : ''}`);
    this.name = 'CancelledError';
  }
}
