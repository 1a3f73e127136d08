/** The plan of compute-type: kubernetes in plain words, printed before anything changes. Never shows protected settings. */
import type { DesiredState } from '../desired/model';
import type { ObservedKubernetesState } from '../observe/kubernetes';
import type { KubernetesPlan } from './kubernetes-plan';

export const KUBERNETES_ACTION_TEXT: Record<KubernetesPlan['action'], string> = {
  none: 'nothing to change',
  attach: 'attach the cluster as a Kubernetes compute',
  update: 'update the Azure ML extension in place (no detach)',
  reattach: 'detach, then attach the Kubernetes compute again',
  detach: 'detach the compute (the Azure ML extension and the AKS cluster are kept)',
  absent: 'nothing to detach',
};

export function describeKubernetesPlan(
  desired: DesiredState,
  observed: ObservedKubernetesState,
  plan: KubernetesPlan,
): string[] {
  const name = desired.target.computeName;
  const c = observed.compute;
  const lines = c
    ? [
        `Found compute ${name} (type ${c.computeType}):`,
        `  cluster: ${c.clusterId ?? '(unknown)'}, namespace: ${c.namespace ?? '(none)'}`,
        `  provisioning state: ${c.provisioningState}`,
      ]
    : [`Found no compute named ${name} in workspace ${desired.target.workspaceName}.`];
  const e = observed.extension;
  if (e)
    lines.push(
      `Found extension ${e.name} (${e.extensionType}): ${e.provisioningState}, version ${e.currentVersion ?? 'unknown'}, release train ${e.releaseTrain ?? 'unknown'}`,
    );
  else if (plan.cluster)
    lines.push(`Found no extension ${desired.kubernetes?.extensionName ?? 'azureml'} on ${plan.cluster.id}.`);
  lines.push(`Plan: ${KUBERNETES_ACTION_TEXT[plan.action]}.`);
  if (plan.extension?.kind === 'update') {
    const p = plan.extension.patch;
    const keys = Object.keys(p.configurationSettings ?? {});
    lines.push(`  extension PATCH: settings ${keys.join(', ') || '(none)'}`);
    if (p.configurationProtectedSettings)
      lines.push('  extension PATCH: protected settings scoringFe.sslCert, scoringFe.sslKey (values not shown)');
    if (p.autoUpgradeMinorVersion)
      lines.push(`  extension PATCH: autoUpgradeMinorVersion true, releaseTrain ${p.releaseTrain ?? 'stable'}`);
  }
  const m = plan.migration;
  if (m)
    lines.push(
      `Migration from v1 compute ${m.v1.name} (${m.v1.computeType}, ${m.v1.provisioningState}; it stays attached), the documented coexistence path in three steps:`,
      ...m.steps.map((step, i) => `  ${i + 1}. ${step.title}: ${step.change}`),
    );
  if (plan.reasons.length) lines.push('Why:', ...plan.reasons.map((r) => `  - ${r}`));
  if (plan.consequences.length) lines.push('Consequences:', ...plan.consequences.map((r) => `  - ${r}`));
  return lines;
}
