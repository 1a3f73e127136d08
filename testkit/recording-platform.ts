/** A Platform that records everything, for in-process tests of the core. */
import type { Platform } from '../src/core/contract/platform';
import type { OutputName } from '../src/core/contract/outputs';

export interface RecordingPlatform extends Platform {
  lines: string[];
  masked: string[];
  outputs: Partial<Record<OutputName, string>>;
  summaries: string[];
  failures: string[];
}

export function recordingPlatform(): RecordingPlatform {
  const p: RecordingPlatform = {
    name: 'github',
    lines: [],
    masked: [],
    outputs: {},
    summaries: [],
    failures: [],
    info: (m) => void p.lines.push(m),
    warning: (m) => void p.lines.push(`warning: ${m}`),
    error: (m) => void p.lines.push(`error: ${m}`),
    notice: (m) => void p.lines.push(`notice: ${m}`),
    debug: (m) => void p.lines.push(`debug: ${m}`),
    isDebug: () => true,
    group: async (title, body) => {
      p.lines.push(`group: ${title}`);
      return body();
    },
    maskLine: (l) => void p.masked.push(l),
    setOutput: (n, v) => void (p.outputs[n] = v),
    writeSummary: async (md) => void p.summaries.push(md),
    pullRequest: () => ({ kind: 'none' }),
    fail: (m) => void p.failures.push(m),
  };
  return p;
}
