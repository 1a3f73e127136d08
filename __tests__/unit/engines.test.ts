/**
 * Node versions that tell the truth: every package reachable from package.json `dependencies`
 * (what ncc bundles) must support the lowest Node a handler declares — action.yml `runs.using`
 * and task.json `execution` — and `engines.node` must start at that version.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;

/** Node majors of the handlers: node24 → 24, Node20_1 → 20, Node24 → 24. */
function handlerMajors(): Array<{ handler: string; major: number }> {
  const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string } };
  const task = readJson(path.join(ROOT, 'task.json'));
  const handlers = [
    `action.yml ${action.runs.using}`,
    ...Object.keys(task.execution as object).map((h) => `task.json ${h}`),
  ];
  return handlers.map((handler) => {
    const m = /node(\d+)/i.exec(handler.split(' ')[1]);
    if (!m) throw new Error(`not a Node handler: ${handler}`);
    return { handler, major: Number(m[1]) };
  });
}

/** Resolves a dependency as Node does: node_modules of the requiring package, then of each parent. */
function resolvePackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT || path.dirname(dir) === dir) return undefined;
  }
}

/** The production tree: package.json `dependencies`, followed through installed dependencies and optionalDependencies. */
function productionPackages(): Map<string, { dir: string; engines?: string }> {
  const found = new Map<string, { dir: string; engines?: string }>();
  const visit = (
    deps: Record<string, string> | undefined,
    optional: Record<string, string> | undefined,
    fromDir: string,
    required: boolean,
  ) => {
    for (const [name, isRequired] of [
      ...Object.keys(deps ?? {}).map((n) => [n, required] as const),
      ...Object.keys(optional ?? {}).map((n) => [n, false] as const),
    ]) {
      const dir = resolvePackage(name, fromDir);
      if (!dir) {
        if (isRequired)
          throw new Error(`${name} (needed by ${path.relative(ROOT, fromDir) || 'package.json'}) is not installed`);
        continue;
      }
      const pkg = readJson(path.join(dir, 'package.json'));
      const key = `${pkg.name}@${pkg.version}`;
      if (found.has(key)) continue;
      found.set(key, { dir, engines: pkg.engines?.node });
      visit(pkg.dependencies, pkg.optionalDependencies, dir, true);
    }
  };
  visit(readJson(path.join(ROOT, 'package.json')).dependencies, undefined, ROOT, true);
  return found;
}

const majors = handlerMajors();
const lowest = Math.min(...majors.map((h) => h.major));

test('the handlers are read from action.yml and task.json', () => {
  expect(majors).toEqual(
    expect.arrayContaining([
      { handler: 'action.yml node24', major: 24 },
      { handler: 'task.json Node20_1', major: 20 },
      { handler: 'task.json Node24', major: 24 },
    ]),
  );
  expect(lowest).toBe(20);
});

test('package.json engines.node starts at the lowest handler', () => {
  const engines = readJson(path.join(ROOT, 'package.json')).engines.node as string;
  expect(semver.minVersion(engines)?.major).toBe(lowest);
});

test('every package of the production tree supports every declared handler (engines.node)', () => {
  const packages = productionPackages();
  expect(packages.size).toBeGreaterThan(40);
  expect([...packages.keys()]).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^@typespec\/ts-http-runtime@/),
      expect.stringMatching(/^@azure\/identity@/),
    ]),
  );
  const excluded: string[] = [];
  for (const [pkg, { engines }] of packages) {
    if (!engines) continue;
    for (const { handler, major } of majors) {
      if (!semver.intersects(engines, `^${major}.0.0`))
        excluded.push(`${pkg} engines.node "${engines}" excludes Node ${major} (${handler})`);
    }
  }
  expect(excluded).toEqual([]);
});

test('the check fails for a range that excludes a handler', () => {
  expect(semver.intersects('>=22.0.0', `^${lowest}.0.0`)).toBe(false);
  expect(semver.intersects('>=20.0.0', `^${lowest}.0.0`)).toBe(true);
});
