/** The outputs and the markdown summary of a finished run. */
import type { OutputName } from '../contract/outputs';
import { endpointOf } from '../observe/endpoint';
import type { ObservedCompute } from '../observe/model';
import { formatDuration } from '../execute/progress';
import type { RunReport } from '../run';
import type { KeyVaultCertificateSource } from '../desired/model';
import { EXPIRY_WARNING_DAYS } from '../tls/certificate';
import { migrationSummary } from './migration-summary';

/** The served certificate's expiry (ISO 8601), when TLS is on and it is known. */
function tlsExpiresOn(compute: ObservedCompute): string | undefined {
  if (compute.tls.status === 'Disabled' || !compute.tlsExpiresOn) return undefined;
  const time = Date.parse(compute.tlsExpiresOn);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export function outputsOf(report: RunReport): Partial<Record<OutputName, string>> {
  // For planned and detached runs the outputs describe the compute as it was found.
  const shown = report.result === 'planned' || report.result === 'detached' ? report.before : report.after;
  const outputs: Partial<Record<OutputName, string>> = {
    result: report.result,
    'compute-id': shown?.id || report.computeId,
  };
  if (shown) {
    if (shown.clusterId) outputs['cluster-id'] = shown.clusterId;
    outputs['provisioning-state'] = shown.provisioningState;
    const endpoint = endpointOf(shown);
    if (endpoint) outputs.endpoint = endpoint;
    // compute-type: kubernetes: the certificate applied is recorded with the extension.
    const expiresOn = shown.extension ? shown.tlsExpiresOn : tlsExpiresOn(shown);
    if (expiresOn) outputs['tls-expires-on'] = expiresOn;
  }
  if (report.extensionId && report.desired.kubernetes) outputs['extension-id'] = report.extensionId;
  const keyVault = keyVaultSourceOf(report);
  if (keyVault && report.result !== 'absent' && report.result !== 'detached')
    outputs['tls-certificate-version'] = keyVault.version;
  return outputs;
}

/** With tls-certificate-id: the vault, certificate and version the run applied (or found applied). */
function keyVaultSourceOf(report: RunReport): KeyVaultCertificateSource | undefined {
  const tls = report.desired.compute?.tls;
  return tls?.mode === 'custom' ? tls.keyVault : undefined;
}

/** `resource-group/name` of a managed cluster id: the table stays readable, the full id is printed below it. */
function shortClusterName(id: string | undefined): string | undefined {
  const m =
    id && /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i.exec(id);
  return m ? `${m[1]}/${m[2]}` : id;
}

/** Written when a run fails: what happened and what to do, with the same redaction as the log. */
export function failureMarkdown(computeName: string, message: string): string {
  return [`### AKS compute \`${computeName}\`: failed`, '', '```text', message, '```', ''].join('\n');
}

const cell = (value: string | undefined) => (value ? value.replace(/\|/g, '\\|') : '—');

/** The served certificate's expiry with the days left: ⚠️ under 30 days, ❌ once expired. */
export function certificateCell(compute: ObservedCompute, now: Date): string {
  if (compute.tls.status === 'Disabled') return '—';
  const expiresOn = tlsExpiresOn(compute);
  if (!expiresOn) return 'expiry unknown (the log says why)';
  const days = Math.floor((Date.parse(expiresOn) - now.getTime()) / 86_400_000);
  if (days < 0) return `❌ expired ${expiresOn.slice(0, 10)}`;
  const left = `${days} day${days === 1 ? '' : 's'} left`;
  return `expires ${expiresOn.slice(0, 10)} (${days < EXPIRY_WARNING_DAYS ? `⚠️ ${left}` : left})`;
}

export function summaryMarkdown(report: RunReport, now = new Date()): string {
  const { before, after, plan, desired } = report;
  const name = desired.target.computeName;
  const rows: Array<[string, (c: ObservedCompute | undefined) => string | undefined]> = [
    ['Cluster', (c) => shortClusterName(c?.clusterId)],
    ['Provisioning state', (c) => c?.provisioningState],
    ['Purpose', (c) => c?.purpose],
    [
      'Load balancer',
      (c) => c && `${c.loadBalancerType ?? 'PublicIp'}${c.loadBalancerSubnet ? ` (${c.loadBalancerSubnet})` : ''}`,
    ],
    [
      'TLS',
      (c) =>
        c &&
        `${c.tls.status}${c.tls.cname ? ` (${c.tls.cname})` : ''}${c.tls.leafDomainLabel ? ` (label ${c.tls.leafDomainLabel})` : ''}`,
    ],
    ['Certificate', (c) => (c ? certificateCell(c, now) : undefined)],
    ...(desired.kubernetes
      ? ([
          ['Namespace', (c) => c?.namespace],
          [
            'Extension',
            (c) => c?.extension && `${c.extension.version ?? 'unknown'} (${c.extension.releaseTrain ?? '?'})`,
          ],
        ] as typeof rows)
      : []),
    ['Endpoint', (c) => endpointOf(c)],
  ];
  const afterShown = report.result === 'planned' ? undefined : after;
  const lines = [
    `### AKS compute \`${name}\`: ${report.result}`,
    '',
    `Workspace \`${desired.target.workspaceName}\` (resource group \`${desired.target.resourceGroup}\`), operation \`${desired.operation}\`${desired.dryRun ? ' (dry run)' : ''}.`,
    '',
    '| | Before | After |',
    '|---|---|---|',
    ...rows.map(
      ([label, get]) =>
        `| ${label} | ${cell(get(before))} | ${cell(report.result === 'planned' ? '(unchanged: dry run)' : get(afterShown))} |`,
    ),
    '',
    report.result === 'planned'
      ? `**Planned action:** ${plan.action} — not performed (dry run).`
      : `**Action:** ${plan.action}${report.steps.length ? ` — ${report.steps.map((s) => `${s.step} ${formatDuration(s.durationMs)}`).join(', ')}` : ''}; total ${formatDuration(report.durationMs)}.`,
  ];
  const clusterId = after?.clusterId ?? before?.clusterId ?? plan.attach?.clusterId;
  if (clusterId) lines.push('', `Cluster id: \`${clusterId}\``);
  const keyVault = keyVaultSourceOf(report);
  if (keyVault && desired.compute?.tls.mode === 'custom')
    lines.push(
      '',
      `Certificate from Key Vault \`${keyVault.vaultName}\`: \`${keyVault.name}\` version \`${keyVault.version}\`, SHA-256 \`${desired.compute.tls.certificate.fingerprintSha256}\`.`,
    );
  if (plan.drift.length && desired.kubernetes)
    lines.push(
      '',
      '**Extension settings drift:**',
      ...plan.drift.map((d) => `- ${cell(`${d.setting}: ${d.from} → ${d.to}`)}`),
    );
  if (plan.reasons.length) lines.push('', '**Why:**', ...plan.reasons.map((r) => `- ${cell(r)}`));
  if (plan.consequences.length) lines.push('', '**Consequences:**', ...plan.consequences.map((c) => `- ${c}`));
  lines.push(...migrationSummary(report));
  return lines.join('\n') + '\n';
}
