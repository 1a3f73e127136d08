/** The README's inputs and outputs tables, generated from the catalogue that action.yml and task.json are checked against. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INPUTS, type InputDefinition } from '../../src/core/contract/inputs';
import { OUTPUTS } from '../../src/core/contract/outputs';
import { repoRoot } from './repo-root';

interface TaskInput {
  name: string;
  required?: boolean;
  defaultValue?: string;
  helpMarkDown?: string;
}

/** task.json inputs the catalogue does not hold: the task's own sign-in (`azureSubscription`), read by the ADO adapter. */
function adoOnlyInputs(): TaskInput[] {
  const task = JSON.parse(readFileSync(join(repoRoot(), 'task.json'), 'utf8')) as { inputs: TaskInput[] };
  const known = new Set((INPUTS as readonly InputDefinition[]).map((i) => i.ado));
  return task.inputs.filter((i) => !known.has(i.name));
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

export function inputsTable(): string {
  const rows = (INPUTS as readonly InputDefinition[]).map((i) => {
    const name = i.ado ? `\`${i.name}\` / \`${i.ado}\`` : `\`${i.name}\` (GitHub only)`;
    const fallback = i.required ? 'required' : i.default !== undefined ? `\`${i.default}\`` : '';
    const allowed = i.allowed ? ` One of: ${i.allowed.map((a) => `\`${a}\``).join(', ')}.` : '';
    return `| ${name} | ${fallback} | ${escape(i.description)}${allowed}${i.secret ? ' **Secret.**' : ''} |`;
  });
  const adoRows = adoOnlyInputs().map((i) => {
    const fallback = i.required ? 'required' : i.defaultValue ? `\`${i.defaultValue}\`` : '';
    return `| \`${i.name}\` (Azure DevOps only) | ${fallback} | ${escape(i.helpMarkDown ?? '')} |`;
  });
  return ['| GitHub / Azure DevOps | default | meaning |', '|---|---|---|', ...rows, ...adoRows].join('\n');
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
