/** Reading inputs while collecting every problem, so that all are reported together. */
import { inputDefinition, type InputName, type InputReader } from '../contract/inputs';
import type { InputProblem } from '../contract/errors';

export interface DesiredOptions {
  readInput: InputReader;
  displayName: (name: InputName) => string;
  defaultSubscriptionId?: string;
  now?: Date;
  readFile?: (path: string) => string;
  /** Key Vault hosts of the signed-in cloud end with `.<suffix>` (default: the public cloud's). */
  keyVaultDnsSuffix?: string;
}

/** Collects problems while reading inputs, so that all are reported together. */
export class InputCollector {
  readonly problems: InputProblem[] = [];
  constructor(private readonly options: DesiredOptions) {}

  name(input: InputName): string {
    return this.options.displayName(input);
  }

  raw(input: InputName): string | undefined {
    const value = this.options.readInput(input);
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  problem(input: InputName, message: string): void {
    this.problems.push({ input: this.name(input), message });
  }

  required(input: InputName, pattern: RegExp, accepted: string): string {
    const value = this.raw(input);
    if (value === undefined) this.problem(input, `is required; ${accepted}`);
    else if (!pattern.test(value)) this.problem(input, `'${printable(value)}' is not valid; ${accepted}`);
    return value ?? '';
  }

  optional(input: InputName, pattern: RegExp, accepted: string): string | undefined {
    const value = this.raw(input);
    if (value !== undefined && !pattern.test(value))
      this.problem(input, `'${printable(value)}' is not valid; ${accepted}`);
    return value;
  }

  choice<T extends string>(input: InputName): T {
    const definition = inputDefinition(input);
    const allowed = definition.allowed ?? [];
    const value = this.raw(input) ?? definition.default ?? '';
    if (!allowed.includes(value)) {
      this.problem(input, `'${printable(value)}' is not one of: ${allowed.join(', ')}`);
      return (definition.default ?? allowed[0]) as T;
    }
    return value as T;
  }

  boolean(input: InputName): boolean {
    const value = this.raw(input) ?? inputDefinition(input).default ?? 'false';
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    this.problem(input, `'${printable(value)}' is not a boolean; use true or false`);
    return false;
  }

  integer(input: InputName, min: number, max: number, fallback: number): number {
    const text = this.raw(input) ?? inputDefinition(input).default;
    if (text === undefined) return fallback;
    if (!/^\d{1,6}$/.test(text) || Number(text) < min || Number(text) > max) {
      this.problem(input, `'${printable(text)}' is not a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(text);
  }
}

/** Quotes user text safely: control and non-ASCII characters are shown as escapes (look-alikes stand out). */
export function printable(value: string): string {
  const escaped = value.replace(/[^\x20-\x7e]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  if (escaped.length <= 200) return escaped;
  // Long values are cut, but a look-alike character anywhere must still be pointed out.
  const foreign = [...new Set(value.match(/[^\x20-\x7e]/g) ?? [])].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return `${escaped.slice(0, 120)}...${foreign.length ? ` (contains ${foreign.join(', ')})` : ''}`;
}
