/**
 * The entry shape of actions/typescript-action (and what @github/local-action needs): main.ts
 * exports run() and importing it starts nothing; index.ts, the bundled entry, calls run().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const settle = () => new Promise((r) => setTimeout(r, 50));

test.each(['github', 'ado'])(
  'importing src/%s/main.ts exports run() and writes nothing, sets no exit code',
  async (host) => {
    const writes: string[] = [];
    const out = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    const err = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    const before = process.exitCode;
    try {
      const main = (await import(`../../src/${host}/main`)) as { run?: unknown };
      await settle();
      expect(typeof main.run).toBe('function');
      // azure-pipelines-task-lib logs its own set-up as debug lines when loaded; the step would write more.
      expect(writes.filter((w) => !w.startsWith('##vso[task.debug]'))).toEqual([]);
      expect(process.exitCode).toBe(before);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  },
);

test.each(['github', 'ado'])('src/%s/index.ts calls run() and is what the build bundles', (host) => {
  const root = path.resolve(__dirname, '../..');
  expect(fs.readFileSync(path.join(root, `src/${host}/index.ts`), 'utf8')).toMatch(
    /import \{ run \} from '\.\/main';\s+void run\(\);/,
  );
  const build = (
    JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts.build;
  expect(build).toBe('node scripts/build.js');
  expect(fs.readFileSync(path.join(root, 'scripts/build.js'), 'utf8')).toContain(
    `{ name: '${host}', entry: 'src/${host}/index.ts' }`,
  );
});
