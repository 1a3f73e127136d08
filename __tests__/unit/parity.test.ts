/**
 * One product, two faces: action.yml, task.json and the core's INPUTS/OUTPUTS catalogues must
 * agree on names, defaults and allowed values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { INPUTS, type InputDefinition } from '../../src/core/contract/inputs';
import { OUTPUTS } from '../../src/core/contract/outputs';

const root = path.join(__dirname, '..', '..');

interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}
interface TaskInput {
  name: string;
  type: string;
  label: string;
  defaultValue?: string;
  required?: boolean;
  options?: Record<string, string>;
  helpMarkDown?: string;
  groupName?: string;
  visibleRule?: string;
}

const action = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
};
const task = JSON.parse(fs.readFileSync(path.join(root, 'task.json'), 'utf8')) as {
  inputs: TaskInput[];
  outputVariables: { name: string; description?: string }[];
  groups: { name: string }[];
  execution: Record<string, { target: string }>;
};
const catalogue = INPUTS as readonly InputDefinition[];
const taskInput = (name: string) => task.inputs.find((i) => i.name === name);

/** The values an input accepts in task.json: picklist keys, or true/false for a boolean. */
function taskAllowed(input: TaskInput): string[] | undefined {
  if (input.type === 'boolean') return ['true', 'false'];
  if (input.type === 'pickList' || input.type === 'radio') return Object.keys(input.options ?? {});
  return undefined;
}

describe('action.yml ↔ INPUTS', () => {
  it('declares every INPUTS entry with the same default, and nothing else', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(catalogue.map((d) => d.name).sort());
    for (const def of catalogue) {
      expect({ name: def.name, default: action.inputs[def.name].default }).toEqual({
        name: def.name,
        default: def.default,
      });
    }
  });

  it('marks the required inputs required', () => {
    for (const def of catalogue) {
      expect({ name: def.name, required: action.inputs[def.name].required === true }).toEqual({
        name: def.name,
        required: def.required === true,
      });
    }
  });
});

describe('task.json ↔ action.yml and INPUTS', () => {
  const withAdo = catalogue.filter((d) => d.ado);

  it('has every action.yml input that has an Azure DevOps twin, under its camelCase name', () => {
    for (const name of Object.keys(action.inputs)) {
      const def = catalogue.find((d) => d.name === name);
      if (!def?.ado) continue;
      expect({ name, ado: def.ado, inTask: !!taskInput(def.ado) }).toEqual({ name, ado: def.ado, inTask: true });
    }
  });

  it('uses the same defaults and allowed values', () => {
    for (const def of withAdo) {
      const input = taskInput(def.ado as string) as TaskInput;
      expect({ name: def.ado, default: input.defaultValue }).toEqual({
        name: def.ado,
        default: action.inputs[def.name].default,
      });
      expect({ name: def.ado, allowed: taskAllowed(input) }).toEqual({
        name: def.ado,
        allowed: def.allowed ? [...def.allowed] : undefined,
      });
      if (def.allowed) expect(def.allowed).toContain(input.defaultValue);
    }
  });

  it('has exactly the ADO inputs of INPUTS plus the service connection, which comes first', () => {
    expect(task.inputs.map((i) => i.name).sort()).toEqual(
      ['azureSubscription', ...withAdo.map((d) => d.ado as string)].sort(),
    );
    expect(task.inputs[0]).toMatchObject({
      name: 'azureSubscription',
      type: 'connectedService:AzureRM',
      required: true,
    });
  });

  it('requires what INPUTS requires, and never hides a required input', () => {
    for (const def of withAdo) {
      const input = taskInput(def.ado as string) as TaskInput;
      expect({ name: def.ado, required: input.required === true }).toEqual({
        name: def.ado,
        required: def.required === true,
      });
    }
    for (const input of task.inputs.filter((i) => i.required)) {
      expect({ name: input.name, visibleRule: input.visibleRule }).toEqual({
        name: input.name,
        visibleRule: undefined,
      });
    }
  });

  it('gives every input a label, help, a known group, and visible rules over real picklist values', () => {
    const groups = new Set(task.groups.map((g) => g.name));
    for (const input of task.inputs) {
      expect(input.label?.length).toBeGreaterThan(0);
      expect(input.helpMarkDown?.length).toBeGreaterThan(0);
      expect(groups.has(input.groupName as string)).toBe(true);
      if (!input.visibleRule) continue;
      const clauses = input.visibleRule.split(/\s*(?:&&|\|\|)\s*/);
      for (const clause of clauses) {
        const m = /^(\w+)\s*(=|!=)\s*(\S+)$/.exec(clause);
        expect({ rule: input.visibleRule, clause, parsed: !!m }).toEqual({
          rule: input.visibleRule,
          clause,
          parsed: true,
        });
        const [, other, , value] = m as RegExpExecArray;
        const target = taskInput(other);
        expect(target && taskAllowed(target)).toContain(value);
      }
    }
  });

  it('keeps secret inputs out of visible multi-line defaults', () => {
    for (const def of withAdo.filter((d) => d.secret)) {
      expect(taskInput(def.ado as string)?.defaultValue).toBeUndefined();
    }
  });
});

describe('GitHub-only inputs', () => {
  it('are exactly the authentication and cloud inputs, and the token for pull-request comments', () => {
    expect(
      catalogue
        .filter((d) => !d.ado)
        .map((d) => d.name)
        .sort(),
    ).toEqual(
      [
        'arm-endpoint',
        'authority-host',
        'client-id',
        'client-secret',
        'creds',
        'environment',
        'github-token',
        'tenant-id',
      ].sort(),
    );
  });
});

describe('outputs', () => {
  it('are the eight of the interface, in action.yml (kebab) and task.json (camelCase)', () => {
    expect(OUTPUTS.map((o) => o.name)).toEqual([
      'result',
      'compute-id',
      'cluster-id',
      'provisioning-state',
      'endpoint',
      'tls-expires-on',
      'tls-certificate-version',
      'extension-id',
    ]);
    expect(OUTPUTS.map((o) => o.ado)).toEqual([
      'result',
      'computeId',
      'clusterId',
      'provisioningState',
      'endpoint',
      'tlsExpiresOn',
      'tlsCertificateVersion',
      'extensionId',
    ]);
    expect(Object.keys(action.outputs).sort()).toEqual(OUTPUTS.map((o) => o.name).sort());
    expect(task.outputVariables.map((o) => o.name).sort()).toEqual(OUTPUTS.map((o) => o.ado).sort());
    for (const o of task.outputVariables) expect(o.description?.length).toBeGreaterThan(0);
  });
});

describe('task.json execution', () => {
  it('runs the ADO bundle on the Node24 and Node20_1 handlers', () => {
    expect(Object.keys(task.execution).sort()).toEqual(['Node20_1', 'Node24']);
    for (const handler of Object.values(task.execution)) expect(handler.target).toBe('dist/ado/index.js');
  });
});
