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

test('README inputs table has a row for every task.json input, the azureSubscription sign-in too', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- inputs:start -->'), readme.indexOf('<!-- inputs:end -->'));
  const task = JSON.parse(readFileSync(join(__dirname, '../../task.json'), 'utf8')) as { inputs: { name: string }[] };
  for (const { name } of task.inputs) expect(table).toContain(`\`${name}\``);
  expect(table).toMatch(
    /\| `azureSubscription` \(Azure DevOps only\) \| required \| Azure Resource Manager service connection/,
  );
});
