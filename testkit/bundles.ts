/**
 * The same scenario through both committed bundles: the GitHub Action (run-action) and the Azure
 * DevOps task (run-task), with inputs and outputs in the GitHub (kebab-case) names either way.
 */
import type { Emulator } from '../emulator';
import { inputDefinition, type InputName } from '../src/core/contract/inputs';
import { OUTPUTS } from '../src/core/contract/outputs';
import { DEMO } from './demo-world';
import { runAction } from './run-action';
import { adoSeed, runTask } from './run-task';
import { githubInputs, startWorld } from './world';

export interface BundleRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  /** By their GitHub names (result, tls-expires-on …). */
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** Everything else the run made visible (stderr; the task's error messages), for the secret scan. */
  readonly rest: string;
}

export interface Bundle {
  readonly name: 'github' | 'ado';
  start(): Promise<Emulator>;
  /** Runs the bundle on the demo workspace's compute aks-prod (cluster aks-prod) with these inputs over the defaults. */
  run(emulator: Emulator, inputs?: Record<string, string>, env?: Record<string, string>): Promise<BundleRun>;
}

const github: Bundle = {
  name: 'github',
  start: () => startWorld(),
  async run(emulator, inputs = {}, env = {}) {
    const r = await runAction({ inputs: githubInputs(emulator, inputs), caCertPath: emulator.caCertPath, env });
    return { exitCode: r.exitCode, stdout: r.stdout, outputs: r.outputs, summary: r.summary, rest: r.stderr };
  },
};

const ado: Bundle = {
  name: 'ado',
  start: () => startWorld({ seed: adoSeed() }),
  async run(emulator, inputs = {}, env = {}) {
    const given: Record<string, string> = {
      'resource-group': DEMO.resourceGroup,
      'workspace-name': DEMO.workspaceName,
      'compute-name': 'aks-prod',
      'aks-resource-id': DEMO.clusters.prod,
      ...inputs,
    };
    const named: Record<string, string> = Object.fromEntries(
      Object.entries(given).map(([k, v]) => [inputDefinition(k as InputName).ado ?? k, v]),
    );
    const r = await runTask(emulator, named, { env });
    const outputs = Object.fromEntries(
      OUTPUTS.filter((o) => r.outputs[o.ado] !== undefined).map((o) => [o.name, r.outputs[o.ado]]),
    );
    const failed = r.completed === 'Failed' || r.errors.length > 0;
    return {
      exitCode: failed ? 1 : r.exitCode,
      stdout: r.stdout,
      outputs,
      summary: r.summary ?? '',
      rest: [r.stderr, ...r.errors].join('\n'),
    };
  },
};

export const BUNDLES: readonly Bundle[] = [github, ado];
