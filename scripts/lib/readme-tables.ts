/** The README's inputs and outputs tables, generated from the catalogue that action.yml and task.json are checked against. */
import { INPUTS, type InputDefinition } from '../../src/core/contract/inputs';
import { OUTPUTS } from '../../src/core/contract/outputs';

const escape = (text: string) => text.replace(/\|/g, '\\|');

export function inputsTable(): string {
  const rows = (INPUTS as readonly InputDefinition[]).map((i) => {
    const name = i.ado ? `\`${i.name}\` / \`${i.ado}\`` : `\`${i.name}\` (GitHub only)`;
    const fallback = i.required ? 'required' : i.default !== undefined ? `\`${i.default}\`` : '';
    const allowed = i.allowed ? ` One of: ${i.allowed.map((a) => `\`${a}\``).join(', ')}.` : '';
    return `| ${name} | ${fallback} | ${escape(i.description)}${allowed}${i.secret ? ' **Secret.**' : ''} |`;
  });
  return ['| GitHub / Azure DevOps | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

export function outputsTable(): string {
  const rows = OUTPUTS.map((o) => `| \`${o.name}\` / \`${o.ado}\` | ${escape(o.description)} |`);
  return ['| GitHub / Azure DevOps | value |', '|---|---|', ...rows].join('\n');
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function replaceBlock(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README has no ${name} block`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

export function renderReadme(text: string): string {
  return replaceBlock(replaceBlock(text, 'inputs', inputsTable()), 'outputs', outputsTable());
}
