/**
 * The independent referee: every ARM exchange an e2e file recorded is validated with oav against
 * Microsoft's REST specification. oav ignores traffic it cannot match, so the operations that
 * passed are returned for the caller to assert.
 */
import type { Emulator } from '../emulator';
import { validateTrafficWithOav } from '../emulator/tools/oav';
import type { TrafficEntry } from '../emulator/server/traffic';

/** The Azure ML operations of an attach → unchanged → refresh → detach lifecycle. */
export const LIFECYCLE_OPERATIONS = [
  'Compute_CreateOrUpdate',
  'Compute_Delete',
  'Compute_Get',
  'Compute_List',
  'Workspaces_Get',
];

/** The extension operations a `compute-type: kubernetes` lifecycle sends (install, read, update in place). */
export const EXTENSION_OPERATIONS = ['Extensions_Create', 'Extensions_Get', 'Extensions_Update'];

export class Referee {
  private readonly entries: TrafficEntry[] = [];

  /** Keeps everything the emulator recorded (call once per emulator, before stop()). */
  collect(emulator: Emulator): void {
    this.entries.push(...emulator.traffic.history());
  }

  async verdict(): Promise<{ passed: string[]; errors: string[]; exchanges: number }> {
    const result = await validateTrafficWithOav(this.entries);
    return {
      passed: [...result.passedOperationIds].sort(),
      errors: result.errors.map((e) => `${e.operationId} ${e.issueSource} ${e.code}: ${e.message}`),
      exchanges: this.entries.filter((e) => e.kind === 'arm' || e.kind === 'lro').length,
    };
  }
}

export interface RefereeHooks {
  /** Operations that must have passed the referee by the end of the file. */
  expectOperations?: string[];
  /** Runs before the emulator of a test is kept and stopped (e.g. a secret scan of its runs). */
  beforeStop?: (emulator: Emulator) => void | Promise<void>;
}

/**
 * Registers the hooks every e2e file needs: after each test, keep the traffic of the emulator it
 * used and stop it; after the last, the referee's verdict must show no error and the expected
 * operations passed.
 */
export function refereeEachTest(current: () => Emulator | undefined, hooks: RefereeHooks = {}): void {
  const referee = new Referee();
  afterEach(async () => {
    const emulator = current();
    if (!emulator) return;
    await hooks.beforeStop?.(emulator);
    referee.collect(emulator);
    await emulator.stop();
  });
  afterAll(async () => {
    const verdict = await referee.verdict();
    expect(verdict.errors).toEqual([]);
    expect(verdict.passed).toEqual(expect.arrayContaining(hooks.expectOperations ?? []));
  }, 120_000);
}
