/**
 * The summary's migration section: with migrate-from, both computes, the three steps, the shared
 * scoring front end and the next steps; on the detach of a v1 compute, that it is the migration's
 * last step.
 */
import type { RunReport } from '../run';

const SHARED_FRONT_END =
  "One scoring front end (azureml-fe) now serves both computes: as Microsoft's coexistence guide says, the scoring URL for AKSCompute and Kubernetes compute are not segregated, so each of them can serve the models and deployments registered on the other. Keep the names of v1 web services and v2 endpoints distinct.";

export function migrationSummary(report: RunReport): string[] {
  const { plan, desired } = report;
  if ('migration' in plan && plan.migration) {
    const m = plan.migration;
    const v2 = desired.target.computeName;
    const after = report.result === 'planned' ? report.before : report.after;
    const short = (id: string | undefined) => id?.split('/').slice(-1)[0] ?? '—';
    return [
      '',
      `**Migration from v1 compute \`${m.v1.name}\`** (set up beside it; nothing was detached or deleted):`,
      '',
      '| Compute | Type | Cluster | Namespace | Provisioning state |',
      '|---|---|---|---|---|',
      `| \`${m.v1.name}\` | AKS (v1), stays attached | ${short(m.v1.clusterId)} | azureml-${desired.target.workspaceName.toLowerCase()} | ${m.v1.provisioningState} |`,
      `| \`${v2}\` | Kubernetes (v2) | ${short(after?.clusterId ?? plan.attach?.clusterId)} | ${m.namespace} | ${after?.provisioningState ?? (report.result === 'planned' ? 'to attach' : '—')} |`,
      '',
      ...m.steps.map((s, i) => `${i + 1}. ${s.needed ? '' : '✓ '}${s.title}: ${s.change}`),
      '',
      `**Shared scoring front end:** ${SHARED_FRONT_END}`,
      '',
      '**Next steps:**',
      `1. Redeploy each web service of \`${m.v1.name}\` as a Kubernetes online endpoint on \`${v2}\` and move its clients to it; the v1 web services keep serving meanwhile.`,
      `2. Then, as the last step, detach the v1 compute: \`compute-type: aks\`, \`compute-name: ${m.v1.name}\`, \`operation: detach\` (the cluster and the extension stay).`,
      `3. From then on leave \`migrate-from\` out: the cluster is managed as a plain v2 cluster, and \`scoringFe.enableUpgrade\` stays on the extension.`,
    ];
  }
  const v1Detach =
    desired.operation === 'detach' &&
    !desired.kubernetes &&
    report.before?.computeType.toUpperCase() === 'AKS' &&
    (report.result === 'detached' || report.result === 'planned');
  if (!v1Detach) return [];
  return [
    '',
    `**If this cluster also serves a Kubernetes compute set up with \`migrate-from\`:** detaching \`${desired.target.computeName}\` is the migration's last step, to take only once its v1 web services are redeployed as Kubernetes online endpoints. From then on the cluster is managed as a plain v2 cluster (compute-type: kubernetes without migrate-from).`,
  ];
}
