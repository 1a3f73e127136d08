/**
 * Assembles a comment within the service's size limit: folded sections are left out first (last
 * first), then the rest is cut at a line; either way the comment points to the run for the whole.
 * A comment that does not fit is never a failure.
 */
import type { CommentOptions } from './comment';

export interface CommentSection {
  readonly summary: string;
  readonly body: string;
  /** Shown unfolded, and kept longest when the comment must shrink. */
  readonly open?: boolean;
}

const FENCE = /^```/gm;

function section(s: CommentSection, redact: (text: string) => string): string {
  return [
    `<details${s.open ? ' open' : ''}><summary>${s.summary}</summary>`,
    '',
    redact(s.body),
    '',
    '</details>',
  ].join('\n');
}

const where = (runUrl: string | undefined) => (runUrl ? `the [run](${runUrl})` : "the run's log");

/** Cuts text at the last line break that fits, closing a code fence left open. */
function cutAtLine(text: string, room: number): string {
  const ellipsis = '\n…';
  const fenceCloser = '\n```';
  let cut = text.slice(0, Math.max(0, room - ellipsis.length - fenceCloser.length));
  const lastBreak = cut.lastIndexOf('\n');
  if (lastBreak > 0) cut = cut.slice(0, lastBreak);
  const openFence = (cut.match(FENCE)?.length ?? 0) % 2 === 1;
  return `${cut}${openFence ? fenceCloser : ''}${ellipsis}`;
}

export function fitComment(
  marker: string,
  head: string,
  sections: readonly CommentSection[],
  options: CommentOptions,
): string {
  const { maxBodyLength: max, runUrl, redact } = options;
  const footer = runUrl ? `\n\n---\n[This run](${runUrl}): its log and job summary have everything.` : '';
  const body = (parts: readonly string[], note = '') =>
    [marker, ...parts].join('\n\n') + (note ? `\n\n${note}` : '') + footer;

  const top = redact(head);
  const kept = [...sections];
  const folded = (count: number) =>
    count
      ? `_${count} section${count === 1 ? '' : 's'} left out to fit the size limit; ${where(runUrl)} has them._`
      : '';
  // Fold the least important first: sections come most important first, open ones stay.
  for (let left = 0; ;) {
    const text = body([top, ...kept.map((s) => section(s, redact))], folded(left));
    if (text.length <= max) return text;
    const drop = kept.map((s) => !s.open).lastIndexOf(true);
    if (drop < 0) break;
    kept.splice(drop, 1);
    left++;
  }
  const note = `_Cut to fit the size limit of ${max} characters; ${where(runUrl)} has the whole text._`;
  const fixed = body([''], note).length;
  const rest = [top, ...kept.map((s) => section(s, redact))].join('\n\n');
  const text = body([cutAtLine(rest, max - fixed)], note);
  // A limit smaller than the marker and the pointer: the pointer alone, as much as fits.
  return text.length <= max ? text : body([], note).slice(0, max);
}
