/**
 * The independent referee: every ARM exchange an e2e file recorded is validated with oav against
 * Microsoft's REST specification. oav ignores traffic it cannot match, so the operations that
 * passed are returned for the caller to assert.
 */
import type { Emulator } from '../../emulator';
import { validateTrafficWithOav } from '../../emulator/oav';
import type { TrafficEntry } from '../../emulator/traffic';

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
