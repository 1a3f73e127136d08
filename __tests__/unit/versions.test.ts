/**
 * One version for everything that ships: package.json, the Azure DevOps task (task.json's
 * { Major, Minor, Patch }), the extension (vss-extension.json), package-lock.json's root and the
 * newest CHANGELOG.md heading. `npm run release` (scripts/release.js) moves them together.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changelogVersion, nextVersion, parseVersion, readVersions, release } from '../../scripts/release';

const root = join(__dirname, '../..');
const script = join(root, 'scripts/release.js');
const FILES = ['package.json', 'package-lock.json', 'task.json', 'vss-extension.json', 'CHANGELOG.md'];

test('package.json, package-lock.json, task.json, vss-extension.json and CHANGELOG.md name one version', () => {
  const versions = readVersions(root);
  expect(Object.keys(versions)).toEqual(expect.arrayContaining(['package.json', 'task.json', 'vss-extension.json']));
  const pkg = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  for (const [file, version] of Object.entries(versions)) expect(`${file}: ${version}`).toBe(`${file}: ${pkg}`);
});

test("task.json's version is three integers", () => {
  const { version } = JSON.parse(readFileSync(join(root, 'task.json'), 'utf8')) as { version: Record<string, unknown> };
  expect(Object.keys(version).sort()).toEqual(['Major', 'Minor', 'Patch']);
  for (const part of Object.values(version)) expect(Number.isInteger(part)).toBe(true);
});

test.each([
  ['1.0.0', 'patch', '1.0.1'],
  ['1.0.0', 'minor', '1.1.0'],
  ['1.0.0', 'major', '2.0.0'],
  ['1.4.7', 'minor', '1.5.0'],
  ['1.4.7', 'major', '2.0.0'],
  ['1.4.7', '1.4.8', '1.4.8'],
  ['1.4.7', 'v1.10.0', '1.10.0'],
  ['1.9.9', '1.10.0', '1.10.0'],
])('nextVersion(%s, %s) is %s', (current, spec, next) => {
  expect(nextVersion(current, spec)).toBe(next);
});

test.each([
  ['1.0.0', '1.0.0', /not greater/],
  ['1.2.0', '1.1.9', /not greater/],
  ['1.0.0', '1.1', /X\.Y\.Z/],
  ['1.0.0', '1.1.0-beta.1', /X\.Y\.Z/],
  ['1.0.0', 'next', /X\.Y\.Z/],
])('nextVersion(%s, %s) refuses', (current, spec, message) => {
  expect(() => nextVersion(current, spec)).toThrow(message);
});

test('parseVersion and changelogVersion', () => {
  expect(parseVersion('12.0.3')).toEqual([12, 0, 3]);
  expect(changelogVersion('# Changelog\n\nintro\n\n## 1.2.0 — unreleased\n\n## 1.1.0 — 2026-01-05\n')).toBe('1.2.0');
  expect(changelogVersion('# Changelog\n\n## [v2.0.1] - 2026-02-01\n')).toBe('2.0.1');
  expect(changelogVersion('# Changelog\n\n## Unreleased\n')).toBeUndefined();
});

describe('npm run release against a copy of the files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'release-'));
    for (const f of FILES) copyFileSync(join(root, f), join(dir, f));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [script, ...args, '--root', dir], { encoding: 'utf8' });
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');

  test.each(['patch', 'minor', 'major'])('%s bumps all of them, changing nothing but the version lines', (spec) => {
    const before = Object.fromEntries(FILES.map((f) => [f, read(f)]));
    const from = readVersions(dir)['package.json'];
    const to = nextVersion(from, spec);

    const result = run(spec);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`release: ${from} → ${to}`);
    for (const f of FILES) expect(result.stdout).toContain(`  ${f}: `);

    expect(new Set(Object.values(readVersions(dir)))).toEqual(new Set([to]));
    const [M, m, p] = parseVersion(to);
    expect((JSON.parse(read('task.json')) as { version: unknown }).version).toEqual({ Major: M, Minor: m, Patch: p });
    for (const f of FILES) {
      const a = before[f].split('\n');
      const b = read(f).split('\n');
      expect(b.length).toBe(a.length);
      const changed = b.filter((line, i) => line !== a[i]);
      expect(changed.length).toBeGreaterThan(0);
      for (const line of changed) expect(line).toMatch(/"version"|"Major"|"Minor"|"Patch"|^## /);
    }
  });

  test('--dry-run prints the changes and writes nothing', () => {
    const before = FILES.map(read);
    const result = run('minor', '--dry-run');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('dry run, nothing written');
    expect(FILES.map(read)).toEqual(before);
  });

  test('refuses when the files already disagree, and writes nothing', () => {
    const manifest = JSON.parse(read('vss-extension.json')) as { version: string };
    manifest.version = '0.0.1';
    writeFileSync(join(dir, 'vss-extension.json'), JSON.stringify(manifest, null, 2));
    const before = FILES.map(read);
    const result = run('patch');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/versions disagree[\s\S]*vss-extension\.json: 0\.0\.1/);
    expect(FILES.map(read)).toEqual(before);
  });

  test('a released newest CHANGELOG section gets a new open one above it', () => {
    const from = readVersions(dir)['package.json'];
    writeFileSync(join(dir, 'CHANGELOG.md'), read('CHANGELOG.md').replace(/^## .*$/m, `## ${from} — 2026-01-05`));
    const { to } = release(dir, 'patch');
    const text = read('CHANGELOG.md');
    expect(text).toContain(`## ${to} — unreleased\n\n## ${from} — 2026-01-05`);
    expect(changelogVersion(text)).toBe(to);
  });
});
