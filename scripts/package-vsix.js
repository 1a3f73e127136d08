#!/usr/bin/env node
/**
 * npm run package:vsix [-- <extra tfx arguments, e.g. --publisher my-publisher>]
 *
 * Stages the Azure DevOps extension and packs it with tfx-cli (offline: `extension create` only):
 *
 *   <stage>/vss-extension.json
 *   <stage>/images/icon.png                 extension icon (marketplace)
 *   <stage>/overview.md, <stage>/LICENSE    the Marketplace details page and licence (content.*)
 *   <stage>/AzureMLAksAttach/task.json      the task folder named by the contribution
 *   <stage>/AzureMLAksAttach/icon.png       task icon (task picker)
 *   <stage>/AzureMLAksAttach/dist/ado/...   the bundle task.json's execution handlers name
 *
 * and writes out/<publisher>.<id>-<version>.vsix (VSIX_OUT_DIR overrides out/). Needs
 * dist/ado/index.js (npm run build). Prints the path of the VSIX.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(root, process.env.VSIX_OUT_DIR || 'out');

function fail(message) {
  console.error(`package-vsix: ${message}`);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
}

const manifest = readJson('vss-extension.json');
const task = readJson('task.json');
const taskContribution = (manifest.contributions || []).find((c) => c.type === 'ms.vss-distributed-task.task');
if (!taskContribution) fail('vss-extension.json has no ms.vss-distributed-task.task contribution');
const taskFolder = taskContribution.properties.name;
if (taskFolder !== task.name)
  fail(`the contribution's task folder '${taskFolder}' should be task.json's name '${task.name}'`);

const targets = [...new Set(Object.values(task.execution || {}).map((h) => h.target))];
if (targets.length !== 1)
  fail(`task.json's execution handlers should all name one bundle, found: ${targets.join(', ')}`);
const target = targets[0];
if (!fs.existsSync(path.join(root, target))) fail(`${target} is missing: run npm run build first`);
const bundleDir = path.dirname(target); // dist/ado

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-aml-attach-vsix-'));
try {
  const taskDir = path.join(stage, taskFolder);
  fs.mkdirSync(taskDir, { recursive: true });
  fs.copyFileSync(path.join(root, 'vss-extension.json'), path.join(stage, 'vss-extension.json'));
  fs.cpSync(path.join(root, 'images'), path.join(stage, 'images'), { recursive: true });
  for (const file of ['overview.md', 'LICENSE']) fs.copyFileSync(path.join(root, file), path.join(stage, file)); // content.details / content.license
  fs.copyFileSync(path.join(root, 'task.json'), path.join(taskDir, 'task.json'));
  fs.copyFileSync(path.join(root, 'images', 'icon.png'), path.join(taskDir, 'icon.png'));
  fs.cpSync(path.join(root, bundleDir), path.join(taskDir, bundleDir), { recursive: true });

  fs.mkdirSync(outDir, { recursive: true });
  const tfxPackage = require.resolve('tfx-cli/package.json', { paths: [root] });
  const tfx = path.join(path.dirname(tfxPackage), require(tfxPackage).bin.tfx);
  const args = [
    tfx,
    'extension',
    'create',
    '--root',
    stage,
    '--manifests',
    'vss-extension.json',
    '--output-path',
    outDir,
    '--no-prompt',
    '--no-color',
    '--json',
    ...process.argv.slice(2),
  ];
  const stdout = execFileSync(process.execPath, args, {
    cwd: stage,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let result;
  try {
    result = JSON.parse(stdout.slice(stdout.indexOf('{')));
  } catch {
    fail(`unexpected tfx output:\n${stdout}`);
  }
  const vsix = path.resolve(stage, result.path);
  const shown = path.relative(root, vsix);
  console.log(shown.startsWith('..') ? vsix : shown);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
