/** Task inputs: the core's kebab-case names mapped to the camelCase names of task.json. */
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import { INPUTS, type InputDefinition, type InputName, type InputReader } from '../core/contract/inputs';
import type { SecretRedactor } from '../core/contract/secrets';
import { quietly } from './quiet';

/** filePath inputs: the agent fills an empty one with the sources directory. */
const FILE_PATH_INPUTS: ReadonlySet<string> = new Set(['tlsCertFile', 'tlsKeyFile']);

function definition(name: InputName): InputDefinition {
  return (INPUTS as readonly InputDefinition[]).find((d) => d.name === name) as InputDefinition;
}

/** The name users see in the ADO task (camelCase); GitHub-only inputs keep their own name. */
export function adoDisplayName(name: InputName): string {
  return definition(name)?.ado ?? name;
}

function isDefaultDirectory(value: string): boolean {
  const roots = [tl.getVariable('Build.SourcesDirectory'), tl.getVariable('System.DefaultWorkingDirectory')];
  const resolved = path.resolve(value);
  return roots.some((root) => !!root && path.resolve(root) === resolved);
}

/** Secret inputs (tlsKey) are read without task-lib's debug echo and handed to `secrets` at once. */
export function createAdoInputReader(secrets: Pick<SecretRedactor, 'add'>): InputReader {
  const masked = new Set<string>();
  return (name) => {
    const def = definition(name);
    if (!def?.ado) return undefined; // GitHub-only (auth/cloud): ADO takes these from the service connection
    const ado = def.ado;
    const raw = def.secret ? quietly(() => tl.getInput(ado, false)) : tl.getInput(ado, false);
    if (def.secret && raw && !masked.has(ado)) {
      secrets.add(raw);
      masked.add(ado);
    }
    const value = raw?.trim();
    if (!value) return undefined;
    if (FILE_PATH_INPUTS.has(ado) && isDefaultDirectory(value)) return undefined;
    return value;
  };
}
