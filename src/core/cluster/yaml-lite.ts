/**
 * A reader for the small YAML subset that kubeconfig files use: block mappings, block sequences
 * (also "compact" ones at their key's indentation), plain/quoted scalars, `{}`/`[]`, literal and
 * folded block scalars, comments. The `yaml` package is a devDependency (not bundled); a
 * kubeconfig from AKS needs none of YAML's harder parts, and this keeps the bundle unchanged.
 * Anchors, aliases and tags are refused; non-empty flow collections are kept as their raw text
 * (the product never reads a field written that way).
 */

export type YamlValue = string | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export class YamlSubsetError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'YamlSubsetError';
  }
}

interface Line {
  readonly indent: number;
  readonly text: string;
  readonly number: number;
}

export function parseYamlSubset(source: string): YamlValue {
  const lines = toLines(source);
  if (lines.length === 0) return null;
  const parser = new Parser([...lines]);
  const value = parser.block(lines[0].indent);
  if (parser.pos < lines.length) throw new YamlSubsetError('unexpected indentation', lines[parser.pos].number);
  return value;
}

function toLines(source: string): Line[] {
  const out: Line[] = [];
  source
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (/^\s*(#.*)?$/.test(raw) || /^(---|\.\.\.)\s*$/.test(raw)) return;
      if (/^\t/.test(raw)) throw new YamlSubsetError('tabs cannot indent YAML', i + 1);
      const indent = raw.length - raw.trimStart().length;
      out.push({ indent, text: raw.trimEnd().slice(indent), number: i + 1 });
    });
  return out;
}

const KEY_VALUE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"][^:#]*?)\s*:(?:\s+(.*)|)$/;

class Parser {
  pos = 0;
  /** Own copy: the rest of a "- key: value" line is re-read as a line at the column after the dash. */
  constructor(private readonly lines: Line[]) {}

  block(indent: number): YamlValue {
    const first = this.lines[this.pos];
    return isSequenceItem(first.text) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): YamlValue {
    const out: Record<string, YamlValue> = {};
    while (
      this.pos < this.lines.length &&
      this.lines[this.pos].indent === indent &&
      !isSequenceItem(this.lines[this.pos].text)
    ) {
      const line = this.lines[this.pos];
      const m = KEY_VALUE.exec(line.text);
      if (!m) throw new YamlSubsetError('expected "key: value"', line.number);
      const key = unquote(m[1], line.number);
      this.pos++;
      out[key] = this.valueAfterKey(m[2], indent, line.number);
    }
    return out;
  }

  private sequence(indent: number): YamlValue {
    const out: YamlValue[] = [];
    while (
      this.pos < this.lines.length &&
      this.lines[this.pos].indent === indent &&
      isSequenceItem(this.lines[this.pos].text)
    ) {
      const line = this.lines[this.pos];
      const rest = line.text.slice(1).trimStart();
      if (rest === '' || rest.startsWith('#')) {
        this.pos++;
        out.push(this.nested(indent));
        continue;
      }
      // "- key: value" opens a mapping whose keys sit at the column after the dash.
      const column = indent + (line.text.length - rest.length);
      if (KEY_VALUE.test(rest) || isSequenceItem(rest)) {
        this.lines[this.pos] = { indent: column, text: rest, number: line.number };
        out.push(this.block(column));
      } else {
        this.pos++;
        out.push(scalar(rest, line.number));
      }
    }
    return out;
  }

  private valueAfterKey(text: string | undefined, indent: number, number: number): YamlValue {
    const value = stripComment(text ?? '');
    if (value === '') {
      const next = this.lines[this.pos];
      // A compact sequence may sit at the key's own indentation.
      if (next && next.indent === indent && isSequenceItem(next.text)) return this.sequence(indent);
      return this.nested(indent);
    }
    if (/^[|>][-+]?$/.test(value)) return this.blockScalar(value, indent);
    return scalar(value, number);
  }

  private nested(indent: number): YamlValue {
    const next = this.lines[this.pos];
    if (!next || next.indent <= indent) return null;
    return this.block(next.indent);
  }

  private blockScalar(style: string, indent: number): string {
    const parts: string[] = [];
    while (this.pos < this.lines.length && this.lines[this.pos].indent > indent) {
      parts.push(this.lines[this.pos].text);
      this.pos++;
    }
    const text = style.startsWith('|') ? parts.join('\n') : parts.join(' ');
    return style.endsWith('-') ? text : `${text}\n`;
  }
}

function isSequenceItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

const QUOTED_PREFIX = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')(\s+#.*|\s*)$/;

function stripComment(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith("'")) return QUOTED_PREFIX.exec(trimmed)?.[1] ?? trimmed;
  return trimmed.replace(/\s+#.*$/, '');
}

function scalar(raw: string, number: number): YamlValue {
  const text = stripComment(raw);
  if (/^[&*!]/.test(text)) throw new YamlSubsetError('anchors, aliases and tags are not supported', number);
  if (text === '' || text === '~' || text === 'null') return null;
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.startsWith('"') || text.startsWith("'")) return unquote(text, number);
  return text;
}

function unquote(text: string, number: number): string {
  if (text.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) throw new YamlSubsetError('unterminated double-quoted string', number);
    try {
      return JSON.parse(text.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string;
    } catch {
      throw new YamlSubsetError('unsupported escape in a double-quoted string', number);
    }
  }
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) throw new YamlSubsetError('unterminated single-quoted string', number);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  return text;
}
