/**
 * `npm run package:vsix` builds an installable Azure DevOps extension with its Marketplace listing
 * (overview.md, licence, links): the task folder holds
 * task.json, the icon and the whole dist/ado bundle at the path task.json's handlers name, and
 * that bundle runs on its own (no node_modules beside it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import JSZip from 'jszip';

const root = path.join(__dirname, '..', '..');
const task = JSON.parse(fs.readFileSync(path.join(root, 'task.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'vss-extension.json'), 'utf8'));
const bundle = path.join(root, 'dist', 'ado', 'index.js');

let work: string;
let vsixPath: string;
let zip: JSZip;

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
    );
}

beforeAll(async () => {
  if (!fs.existsSync(bundle)) {
    // The bundle is committed; build it when a checkout lacks it rather than skip.
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vsix-test-'));
  const out = execFileSync('npm', ['run', '--silent', 'package:vsix'], {
    cwd: root,
    env: { ...process.env, VSIX_OUT_DIR: work },
    encoding: 'utf8',
  });
  vsixPath = out.trim().split('\n').pop() as string;
  zip = await JSZip.loadAsync(fs.readFileSync(vsixPath));
}, 180_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const folder = task.name as string;
const text = async (name: string) => {
  const entry = zip.file(name);
  if (!entry) throw new Error(`${name} is not in the VSIX`);
  return entry.async('string');
};

describe('VSIX', () => {
  it('is written to the output directory with the publisher, id and version in its name', () => {
    expect(path.dirname(vsixPath)).toBe(work);
    expect(path.basename(vsixPath)).toBe(`${manifest.publisher}.${manifest.id}-${manifest.version}.vsix`);
  });

  it('holds the task folder the contribution names, with task.json as in the repository', async () => {
    const contribution = manifest.contributions.find(
      (c: { type: string }) => c.type === 'ms.vss-distributed-task.task',
    );
    expect(contribution.properties.name).toBe(folder);
    expect(JSON.parse(await text(`${folder}/task.json`))).toEqual(task);
  });

  it('holds the bundle at the path every execution handler names, byte for byte, with its chunks', async () => {
    for (const handler of Object.values<{ target: string }>(task.execution)) {
      expect(zip.file(`${folder}/${handler.target}`)).not.toBeNull();
    }
    const distFiles = listFiles(path.join(root, 'dist', 'ado'));
    expect(distFiles).toContain('index.js');
    for (const file of distFiles) {
      const packed = zip.file(`${folder}/dist/ado/${file}`);
      expect({ file, packed: !!packed }).toEqual({ file, packed: true });
      const bytes = await (packed as JSZip.JSZipObject).async('nodebuffer');
      expect(bytes.equals(fs.readFileSync(path.join(root, 'dist', 'ado', file)))).toBe(true);
    }
  });

  it('carries a 128x128 PNG icon for the task and the extension', async () => {
    for (const name of [`${folder}/icon.png`, manifest.icons.default]) {
      const entry = zip.file(name);
      expect({ name, present: !!entry }).toEqual({ name, present: true });
      const png = await (entry as JSZip.JSZipObject).async('nodebuffer');
      expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
      expect(png.toString('ascii', 12, 16)).toBe('IHDR');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([128, 128]);
    }
  });

  it('has the marketplace manifests tfx writes', async () => {
    const vsixManifest = await text('extension.vsixmanifest');
    expect(vsixManifest).toContain(`Id="${manifest.id}"`);
    expect(vsixManifest).toContain(`Publisher="${manifest.publisher}"`);
    expect(vsixManifest).toContain(manifest.icons.default);
    const vsoManifest = JSON.parse(await text('extension.vsomanifest'));
    expect(vsoManifest.contributions).toEqual(manifest.contributions);
  });

  it('carries the Marketplace listing: details page, licence, links, repository, categories and tags', async () => {
    expect(await text('overview.md')).toBe(fs.readFileSync(path.join(root, 'overview.md'), 'utf8'));
    expect(await text('LICENSE')).toBe(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'));
    const vsixManifest = await text('extension.vsixmanifest');
    expect(vsixManifest).toContain(
      '<Asset Type="Microsoft.VisualStudio.Services.Content.Details" d:Source="File" Path="overview.md"',
    );
    expect(vsixManifest).toContain(
      '<Asset Type="Microsoft.VisualStudio.Services.Content.License" d:Source="File" Path="LICENSE"',
    );
    expect(vsixManifest).toContain(
      `<Asset Type="Microsoft.VisualStudio.Services.Icons.Default" d:Source="File" Path="${manifest.icons.default}"`,
    );
    for (const [name, link] of [
      ['Getstarted', 'getstarted'],
      ['Support', 'support'],
      ['License', 'license'],
      ['Repository', 'repository'],
    ]) {
      expect(vsixManifest).toContain(
        `<Property Id="Microsoft.VisualStudio.Services.Links.${name}" Value="${manifest.links[link].uri}"/>`,
      );
    }
    expect(vsixManifest).toContain(`<Categories>${manifest.categories.join(',')}</Categories>`);
    expect(vsixManifest).toContain(`<Tags>${manifest.tags.join(',')}</Tags>`);
    expect(JSON.parse(await text('extension.vsomanifest')).repository).toEqual(manifest.repository);
  });

  it('runs the packaged task on its own: without inputs it fails on azureSubscription and changes nothing', async () => {
    const extracted = path.join(work, 'extracted');
    for (const [name, entry] of Object.entries(zip.files)) {
      if (entry.dir || !name.startsWith(`${folder}/`)) continue;
      const target = path.join(extracted, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, await entry.async('nodebuffer'));
    }
    const agentTemp = fs.mkdtempSync(path.join(work, 'agent-temp-'));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AGENT_TEMPDIRECTORY: agentTemp };
    const run = spawnSync(process.execPath, [path.join(extracted, folder, task.execution.Node24.target)], {
      cwd: agentTemp,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^##vso\[task\.issue type=error;[^\]]*\]Invalid input: azureSubscription: /m);
    expect(run.stdout).toMatch(/^##vso\[task\.complete result=Failed;\]/m);
  });
});
