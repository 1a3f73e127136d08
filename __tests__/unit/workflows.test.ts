/**
 * Every action a workflow uses is pinned to a full commit SHA with its version in a comment (a tag
 * can be moved to other code; a SHA cannot), and every job says which token permissions it needs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const dir = join(__dirname, '../../.github/workflows');
const workflows = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

interface Workflow {
  permissions?: unknown;
  jobs: Record<string, { permissions?: unknown; steps?: { uses?: string }[] }>;
}

test('there are workflows to check', () => {
  expect(workflows.length).toBeGreaterThan(0);
});

test.each(workflows)('%s pins every action to a commit SHA with its version in a comment', (file) => {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const uses = lines.filter((l) => /^\s*(-\s+)?uses:/.test(l));
  for (const line of uses) {
    const ref = line.replace(/^\s*(-\s+)?uses:\s*/, '');
    if (ref.startsWith('./')) continue;
    expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  }
});

test.each(workflows)('%s grants no permissions at the top and names each job’s', (file) => {
  const workflow = parse(readFileSync(join(dir, file), 'utf8')) as Workflow;
  expect(workflow.permissions).toEqual({});
  for (const [name, job] of Object.entries(workflow.jobs))
    expect([name, job.permissions]).toEqual([name, expect.any(Object)]);
});
