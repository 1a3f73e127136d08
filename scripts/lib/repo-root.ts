/** The repository root, whether this runs from TypeScript sources (jest) or from build/ (tsc output). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'action.yml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no action.yml above ${from}`);
    dir = parent;
  }
  return dir;
}
