/** `npm run docs`: regenerates the inputs and outputs tables of README.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReadme } from './lib/readme-tables';
import { repoRoot } from './lib/repo-root';

const path = join(repoRoot(), 'README.md');
writeFileSync(path, renderReadme(readFileSync(path, 'utf8')));
console.log('README.md tables regenerated.');
