/**
 * The pull-request comment of one compute, rendered once for every CI system from the report the
 * summary is made of: what will change or changed, what that means for the web services, the
 * drift found, the certificate's expiry and a link to the run. The full summary is folded below.
 */
import { formatDuration } from '../execute/progress';
import { ACTION_TEXT } from '../plan/describe';
import { KUBERNETES_ACTION_TEXT } from '../plan/kubernetes-describe';
import { certificateCell, summaryMarkdown } from '../report/report';
import type { RunReport } from '../run';
import { fitComment, type CommentSection } from './fit';

/** How the comment of a compute is found again on later runs: one comment per compute, edited in place. */
export function commentMarker(computeId: string): string {
  return `<!-- aks-aml-attach compute=${computeId.toLowerCase()} -->`;
}

export interface CommentOptions {
  /** The service's limit; the body is folded or cut to fit, never refused. */
  readonly maxBodyLength: number;
  readonly runUrl?: string;
  /** Applied to every part before it is measured: nothing secret reaches a comment. */
  readonly redact: (text: string) => string;
  readonly now?: Date;
}

const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** For the web services of the compute: does the run keep it attached, and for how long is it not. */
function attachment(report: RunReport): string {
  const { plan, steps, result } = report;
  const planned = result === 'planned';
  switch (plan.action) {
    case 'none':
    case 'absent':
      return 'no change';
    case 'update':
      return 'stays attached: changed in place, web services keep serving';
    case 'reattach': {
      if (planned) return 'detached until the reattach completes (typically a few minutes)';
      const down = steps.filter((s) => s.step !== 'wait').reduce((ms, s) => ms + s.durationMs, 0);
      return `was detached for ${formatDuration(down)}, then attached again`;
    }
    case 'attach':
    case 'create':
      return planned ? 'will be attached by the run' : 'attached by this run';
    case 'detach':
      return planned ? 'will leave the workspace (the cluster is kept)' : 'left the workspace (the cluster is kept)';
  }
}

function planText(report: RunReport): string {
  const { plan, desired } = report;
  return desired.kubernetes
    ? KUBERNETES_ACTION_TEXT[plan.action as keyof typeof KUBERNETES_ACTION_TEXT]
    : ACTION_TEXT[plan.action];
}

function certificate(report: RunReport, now: Date): string | undefined {
  const shown = report.result === 'planned' || report.result === 'detached' ? report.before : report.after;
  if (!shown || shown.tls.status === 'Disabled') return undefined;
  return certificateCell(shown, now);
}

function heading(report: RunReport): string {
  const what = `${report.desired.kubernetes ? 'Kubernetes' : 'AKS'} compute \`${report.desired.target.computeName}\``;
  return report.result === 'planned'
    ? `### Plan for ${what}: ${report.plan.action} (dry run, nothing changed)`
    : `### ${what}: ${report.result}`;
}

/** The comment for a finished run (a dry run's plan or the outcome). */
export function reportComment(report: RunReport, options: CommentOptions): string {
  const { plan, desired } = report;
  const rows: Array<[string, string | undefined]> = [
    [report.result === 'planned' ? 'Plan' : 'Done', planText(report)],
    ['Attachment', attachment(report)],
    ['Drift', plan.drift.length ? `${plan.drift.length} setting${plan.drift.length === 1 ? '' : 's'} differ` : 'none'],
    ['Certificate', certificate(report, options.now ?? new Date())],
    ['Compute id', `\`${report.computeId}\``],
  ];
  const head = [
    heading(report),
    '',
    `Workspace \`${desired.target.workspaceName}\` (resource group \`${desired.target.resourceGroup}\`), operation \`${desired.operation}\`.`,
    '',
    '| | |',
    '|---|---|',
    ...rows.filter(([, value]) => value).map(([label, value]) => `| ${label} | ${cell(value!)} |`),
  ];
  if (plan.consequences.length) head.push('', '**Consequences:**', ...plan.consequences.map((c) => `- ${c}`));
  const sections: CommentSection[] = [];
  if (plan.drift.length)
    sections.push({
      summary: 'Drift found',
      body: plan.drift.map((d) => `- \`${d.setting}\`: ${d.from} → ${d.to}`).join('\n'),
    });
  // Reasons that only restate a drift line are in the section above already.
  const restated = new Set(plan.drift.map((d) => `${d.setting}: ${d.from} → ${d.to}`));
  const reasons = plan.reasons.filter((r) => !restated.has(r));
  if (reasons.length) sections.push({ summary: 'Why', body: reasons.map((r) => `- ${r}`).join('\n') });
  // The job summary without its heading: the comment's own heading says the same.
  sections.push({ summary: 'Before and after', body: summaryMarkdown(report, options.now).replace(/^### .*\n+/, '') });
  return fitComment(commentMarker(report.computeId), head.join('\n'), sections, options);
}

/** The comment for a run that failed after its inputs were read: the outcome, with the failure statement. */
export function failureComment(
  failure: { computeId: string; computeName: string; message: string },
  options: CommentOptions,
): string {
  const head = [
    `### AKS compute \`${failure.computeName}\`: failed`,
    '',
    'The step failed; the compute is as the message says. Re-running the step reads its state and continues.',
  ].join('\n');
  return fitComment(
    commentMarker(failure.computeId),
    head,
    [{ summary: 'Failure', body: ['```text', failure.message, '```'].join('\n'), open: true }],
    options,
  );
}
