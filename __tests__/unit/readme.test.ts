import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReadme } from '../../scripts/lib/readme-tables';

test('README inputs and outputs tables match the input catalogue (npm run docs regenerates them)', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  expect(renderReadme(readme)).toBe(readme);
});

test('README keeps the two set-up commands and the test command CI runs', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  expect(readme).toMatch(/npm ci\nnpm run demo/);
  expect(readme).toContain('npm test');
  expect(readFileSync(join(__dirname, '../../.ci/run'), 'utf8')).toMatch(/npm ci[\s\S]*npm test/);
});
