/**
 * `node build/emulator/tools/cli.js [--seed file.json] [--port N]`: start the emulator, print one JSON
 * line {url, caCertPath, proxyUrl} on stdout, run until SIGTERM/SIGINT. Without --seed: the demo seed.
 */
import * as fs from 'node:fs';
import { demoSeed } from '../../testkit/demo-world';
import { startEmulator } from '../index';
import type { EmulatorSeed } from '../server/types';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const seedFile = arg('--seed');
  const port = arg('--port');
  const seed = seedFile ? (JSON.parse(fs.readFileSync(seedFile, 'utf8')) as EmulatorSeed) : demoSeed();
  const emulator = await startEmulator({ seed, port: port ? Number(port) : undefined });
  process.stdout.write(
    `${JSON.stringify({ url: emulator.url, caCertPath: emulator.caCertPath, proxyUrl: emulator.proxyUrl })}\n`,
  );
  const shutdown = () => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
