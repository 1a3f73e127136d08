/** Progress lines at a steady pace while Azure works: on a status change and every 30 s, not per poll. */
import type { Clock } from '../azure/clock';
import type { Platform } from '../contract/platform';

export const PROGRESS_INTERVAL_MS = 30_000;

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export class ProgressReporter {
  private lastStatus?: string;
  private lastPrinted = -Infinity;

  constructor(
    private readonly platform: Pick<Platform, 'info' | 'debug'>,
    private readonly label: string,
    private readonly clock: Clock,
    private readonly startedAt = clock.now(),
  ) {}

  update(status: string): void {
    const now = this.clock.now();
    this.platform.debug(`${this.label}: ${status} (${formatDuration(now - this.startedAt)})`);
    if (status !== this.lastStatus || now - this.lastPrinted >= PROGRESS_INTERVAL_MS) {
      this.platform.info(`${this.label}: ${status} (${formatDuration(now - this.startedAt)})`);
      this.lastStatus = status;
      this.lastPrinted = now;
    }
  }
}
