#!/usr/bin/env node
/**
 * npm run release -- <X.Y.Z | major | minor | patch> [--dry-run]
 *
 * Moves the version of everything that ships to one new value, consistently:
 *
 *   package.json            "version"                  (and package-lock.json's root "version"s)
 *   task.json               "version": { Major, Minor, Patch }   (the Azure DevOps task)
 *   vss-extension.json      "version"                  (the Azure DevOps extension)
 *   CHANGELOG.md            the newest "## X.Y.Z — …" heading
 *
 * Only the version fields' text changes: the files keep their formatting byte for byte otherwise
 * (each rewrite is checked by parsing the result). Refuses when the files disagree before the bump
 * or when the new version is not greater than the current one. Prints every change. No dependencies.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** '1.2.3' → [1, 2, 3]; throws for anything that is not a plain X.Y.Z (the task has no pre-releases). */
function parseVersion(text) {
  const m = SEMVER.exec(String(text).replace(/^v/, ''));
  if (!m) throw new Error(`'${text}' is not a version of the form X.Y.Z`);
  return m.slice(1).map(Number);
}

function compareVersions(a, b) {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/**
 * The version after `current` for `spec`: 'major' | 'minor' | 'patch' or an explicit X.Y.Z (a leading
 * 'v' is accepted). Pure; throws when spec is malformed or not greater than current.
 */
function nextVersion(current, spec) {
  const [major, minor, patch] = parseVersion(current);
  let next;
  if (spec === 'major') next = `${major + 1}.0.0`;
  else if (spec === 'minor') next = `${major}.${minor + 1}.0`;
  else if (spec === 'patch') next = `${major}.${minor}.${patch + 1}`;
  else next = parseVersion(spec).join('.');
  if (compareVersions(next, current) <= 0) throw new Error(`${next} is not greater than the current ${current}`);
  return next;
}

/** The newest `## …` heading's version in a CHANGELOG, or undefined when it has none. */
function changelogVersion(text) {
  const heading = /^## +\[?v?(\d+\.\d+\.\d+)\]?/m.exec(text);
  return heading ? heading[1] : undefined;
}

/** The versions the repository declares, one per file (task.json's as X.Y.Z). */
function readVersions(root) {
  const json = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  const task = json('task.json').version;
  const versions = {
    'package.json': json('package.json').version,
    'task.json': `${task.Major}.${task.Minor}.${task.Patch}`,
    'vss-extension.json': json('vss-extension.json').version,
  };
  if (fs.existsSync(path.join(root, 'package-lock.json'))) {
    const lock = json('package-lock.json');
    versions['package-lock.json'] = lock.version;
    versions['package-lock.json (packages[""])'] = lock.packages && lock.packages[''] && lock.packages[''].version;
  }
  if (fs.existsSync(path.join(root, 'CHANGELOG.md'))) {
    const v = changelogVersion(fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'));
    if (v) versions['CHANGELOG.md'] = v;
  }
  return versions;
}

/** Replaces the first `count` occurrences of `pattern` (global regex) in text; throws if fewer are found. */
function replaceFirst(text, pattern, replacement, count, file) {
  let seen = 0;
  const out = text.replace(pattern, (...match) => {
    seen++;
    return seen <= count ? replacement(...match) : match[0];
  });
  if (seen < count) throw new Error(`${file}: expected ${count} version field(s), found ${seen}`);
  return out;
}

const quotedVersion = (v) => new RegExp(`("version"\\s*:\\s*")${v.replace(/\./g, '\\.')}(")`, 'g');

/**
 * The new text of each file for a bump from `from` to `to`, as [{ file, before, after, change }].
 * Pure apart from reading the files under root.
 */
function planRelease(root, from, to) {
  const read = (file) => fs.readFileSync(path.join(root, file), 'utf8');
  const [M, m, p] = parseVersion(to);
  const edits = [];
  // Rewrites the text, then checks the result: parsed, it must be the parsed original with exactly
  // the version fields set (expect) and nothing else changed.
  const edit = (file, rewrite, change, expect) => {
    const before = read(file);
    const after = rewrite(before);
    const wanted = JSON.parse(before);
    expect(wanted);
    if (JSON.stringify(JSON.parse(after)) !== JSON.stringify(wanted))
      throw new Error(`${file}: the rewrite would change more or less than the version`);
    edits.push({ file, before, after, change });
  };
  // The first `count` "version": "<from>" fields of a JSON file.
  const quoted = (file, count) => (t) =>
    replaceFirst(t, quotedVersion(from), (_, a, b) => `${a}${to}${b}`, count, file);

  edit('package.json', quoted('package.json', 1), `version ${from} → ${to}`, (o) => (o.version = to));
  if (fs.existsSync(path.join(root, 'package-lock.json'))) {
    // The root "version" and packages[""].version are the first two: packages[""] is listed first.
    edit(
      'package-lock.json',
      quoted('package-lock.json', 2),
      `version and packages[""].version ${from} → ${to}`,
      (o) => {
        o.version = to;
        o.packages[''].version = to;
      },
    );
  }
  edit(
    'task.json',
    (t) =>
      replaceFirst(
        t,
        /("version"\s*:\s*\{[^{}]*?"Major"\s*:\s*)\d+([^{}]*?"Minor"\s*:\s*)\d+([^{}]*?"Patch"\s*:\s*)\d+/g,
        (_, a, b, c) => `${a}${M}${b}${m}${c}${p}`,
        1,
        'task.json',
      ),
    `version { Major, Minor, Patch } ${from} → ${to}`,
    (o) => (o.version = { Major: M, Minor: m, Patch: p }),
  );
  edit('vss-extension.json', quoted('vss-extension.json', 1), `version ${from} → ${to}`, (o) => (o.version = to));
  if (fs.existsSync(path.join(root, 'CHANGELOG.md'))) {
    const text = read('CHANGELOG.md');
    const heading = /^## +(.*)$/m.exec(text);
    if (heading && /unreleased/i.test(heading[1])) {
      // The open section ("## 1.0.0 — unreleased" or "## Unreleased") takes the new version's name.
      edits.push({
        file: 'CHANGELOG.md',
        before: text,
        after: text.replace(heading[0], `## ${to} — unreleased`),
        change: `heading "${heading[0]}" → "## ${to} — unreleased"`,
      });
    } else {
      // The newest section is released: open one for the new version above it.
      const at = heading ? heading.index : text.length;
      const sep = heading ? '' : '\n';
      edits.push({
        file: 'CHANGELOG.md',
        before: text,
        after: `${text.slice(0, at)}${sep}## ${to} — unreleased\n\n${text.slice(at)}`,
        change: `new heading "## ${to} — unreleased"`,
      });
    }
  }
  return edits;
}

/** Bumps every version under root; returns { from, to, edits }. Writes nothing when dryRun. */
function release(root, spec, { dryRun = false } = {}) {
  const versions = readVersions(root);
  const distinct = [...new Set(Object.values(versions))];
  if (distinct.length !== 1) {
    const list = Object.entries(versions)
      .map(([file, v]) => `  ${file}: ${v}`)
      .join('\n');
    throw new Error(`the versions disagree; make them agree first:\n${list}`);
  }
  const from = distinct[0];
  const to = nextVersion(from, spec);
  const edits = planRelease(root, from, to);
  if (!dryRun) for (const e of edits) fs.writeFileSync(path.join(root, e.file), e.after);
  return { from, to, edits };
}

function main(argv) {
  const args = argv.filter((a) => a !== '--dry-run');
  const dryRun = args.length !== argv.length;
  const rootAt = args.indexOf('--root');
  const root = rootAt >= 0 ? path.resolve(args.splice(rootAt, 2)[1]) : path.resolve(__dirname, '..');
  if (args.length !== 1) {
    console.error('usage: npm run release -- <X.Y.Z | major | minor | patch> [--dry-run]');
    return 2;
  }
  try {
    const { from, to, edits } = release(root, args[0], { dryRun });
    console.log(`release: ${from} → ${to}${dryRun ? ' (dry run, nothing written)' : ''}`);
    for (const e of edits) console.log(`  ${e.file}: ${e.change}`);
    const [was, now] = [parseVersion(from)[0], parseVersion(to)[0]];
    if (now !== was) {
      console.log(`  note: a new major version: users reference @v${was} and AzureMLAksAttach@${was};`);
      console.log(`  update README.md, examples/ and the 'aks-aml-attach/${was}' user agent to ${now}`);
    }
    if (!dryRun) console.log(`next: describe the release in CHANGELOG.md, npm run build, npm test, commit, tag v${to}`);
    return 0;
  } catch (error) {
    console.error(`release: ${error.message}`);
    return 1;
  }
}

module.exports = { parseVersion, compareVersions, nextVersion, changelogVersion, readVersions, planRelease, release };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
