#!/usr/bin/env node
// `npm run build`: the two bundles runners execute, and beside them the side bundles: code only
// some runs need (the Key Vault client and node-forge; Octokit), each in a file of its own that
// src/core/side-bundle.ts requires on first use, so an ordinary run neither parses nor evaluates it.
//
//   node scripts/build.js                  dist/github and dist/ado, replaced whole at the end
//   node scripts/build.js --out DIR [...]  the same tree under DIR; further arguments go to every ncc
//                                          call, with {name} replaced by the bundle's name (the bench)
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const NCC = require.resolve('@vercel/ncc/dist/ncc/cli.js');

/** The entry points runners execute (action.yml, task.json). */
const MAIN = [
  { name: 'github', entry: 'src/github/index.ts' },
  { name: 'ado', entry: 'src/ado/index.ts' },
];
/** Side bundles, written to <main bundle>/<name>/index.js. */
const SIDE = [
  { name: 'keyvault', entry: 'src/core/keyvault/vendor.ts', into: ['github', 'ado'] },
  { name: 'octokit', entry: 'src/github/octokit-vendor.ts', into: ['github'] },
];

function ncc(entry, out, name, extra) {
  const flags = extra.map((f) => f.replace('{name}', name));
  // -e open: @actions/core's optional browser opener, never used by a step.
  execFileSync(
    process.execPath,
    [NCC, 'build', entry, '-o', out, '--license', 'licenses.txt', '-q', '-t', '-m', '-e', 'open', ...flags],
    { cwd: ROOT, stdio: 'inherit' },
  );
}

function build(target, extra) {
  fs.rmSync(target, { recursive: true, force: true });
  for (const { name, entry } of MAIN) ncc(entry, path.join(target, name), name, extra);
  for (const { name, entry, into } of SIDE) {
    const out = path.join(target, 'side', name);
    ncc(entry, out, name, extra);
    for (const main of into) fs.cpSync(out, path.join(target, main, name), { recursive: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.rmSync(path.join(target, 'side'), { recursive: true, force: true });
}

const args = process.argv.slice(2);
if (args[0] === '--out') {
  build(path.resolve(ROOT, args[1]), args.slice(2));
} else {
  // Built aside, then swapped in: a failed build leaves dist/ as it was.
  const next = path.join(ROOT, 'build/dist-next');
  build(next, args);
  for (const { name } of MAIN) {
    fs.rmSync(path.join(ROOT, 'dist', name), { recursive: true, force: true });
    fs.renameSync(path.join(next, name), path.join(ROOT, 'dist', name));
  }
}
