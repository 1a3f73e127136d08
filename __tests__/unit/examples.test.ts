/** The examples are copy-paste material: each must parse and use only inputs that exist. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '../..');
const actionInputs = Object.keys(
  (parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs,
);
const task = JSON.parse(readFileSync(join(root, 'task.json'), 'utf8')) as {
  name: string;
  inputs: Array<{ name: string }>;
};
const taskInputs = task.inputs.map((i) => i.name);

type Step = { uses?: string; task?: string; with?: Record<string, unknown>; inputs?: Record<string, unknown> };

/** Every step anywhere in a workflow or pipeline document. */
function stepsOf(node: unknown): Step[] {
  if (Array.isArray(node)) return node.flatMap(stepsOf);
  if (node && typeof node === 'object') {
    const own = 'uses' in node || 'task' in node ? [node as Step] : [];
    return [...own, ...Object.values(node).flatMap(stepsOf)];
  }
  return [];
}

const files = (dir: string) => readdirSync(join(root, 'examples', dir)).map((f) => join(root, 'examples', dir, f));

describe.each(files('github'))('%s', (file) => {
  const steps = stepsOf(parse(readFileSync(file, 'utf8'))).filter((s) => s.uses?.endsWith('/aks-aml-attach@v1'));
  it('uses the action with existing inputs and every required one', () => {
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      for (const name of Object.keys(step.with ?? {})) expect(actionInputs).toContain(name);
      for (const required of ['resource-group', 'workspace-name', 'compute-name'])
        expect(Object.keys(step.with ?? {})).toContain(required);
    }
  });
});

describe.each(files('azure-pipelines'))('%s', (file) => {
  const steps = stepsOf(parse(readFileSync(file, 'utf8'))).filter((s) => s.task === `${task.name}@1`);
  it('uses the task with existing inputs', () => {
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) for (const name of Object.keys(step.inputs ?? {})) expect(taskInputs).toContain(name);
  });
});
