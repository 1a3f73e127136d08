/** An emulator with the demo world, and the inputs that point the product at it. */
import { startEmulator, type Emulator, type EmulatorSeed, type EmulatorSettings } from '../emulator';
import { demoSeed } from './demo-world';
import { refereeEachTest } from './referee';

export { githubInputs } from './demo-world';

export interface WorldOptions {
  seed?: EmulatorSeed;
  settings?: Partial<EmulatorSettings>;
}

export async function startWorld(options: WorldOptions = {}): Promise<Emulator> {
  return startEmulator({
    seed: options.seed ?? demoSeed(),
    settings: { attachMs: 600, createMs: 900, detachMs: 400, retryAfterSeconds: null, ...options.settings },
  });
}

/**
 * A fresh emulator for every test of the file, whose ARM traffic is kept for the oav referee;
 * after the last test the referee must find no error and see the expected operations pass.
 */
export function emulatorPerTest(
  options: { seed?: () => EmulatorSeed; expectOperations?: string[] } = {},
): () => Emulator {
  let emulator: Emulator | undefined;
  beforeEach(async () => {
    emulator = await startWorld({ seed: options.seed?.() });
  });
  refereeEachTest(() => emulator, { expectOperations: options.expectOperations });
  return () => {
    if (!emulator) throw new Error('the emulator runs only inside a test');
    return emulator;
  };
}
