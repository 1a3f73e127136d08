/** The plan in plain words, printed before anything changes (and all that dry-run prints). */
import type { DesiredState } from '../desired/model';
import { endpointOf } from '../observe/endpoint';
import type { ObservedCompute, ObservedState } from '../observe/model';
import type { Plan } from './plan';

export const ACTION_TEXT: Record<Plan['action'], string> = {
  none: 'nothing to change',
  attach: 'attach the cluster',
  create: 'create a new AKS cluster through Azure ML',
  update: 'update in place; web services stay attached',
  reattach: 'detach, then reattach with the desired settings',
  detach: 'detach the compute (the AKS cluster is kept)',
  absent: 'nothing to detach',
};

export function describeCompute(compute: ObservedCompute): string[] {
  const lines = [
    `cluster: ${compute.clusterId ?? '(unknown)'}`,
    `provisioning state: ${compute.provisioningState}`,
    `purpose: ${compute.purpose ?? 'FastProd'}, load balancer: ${compute.loadBalancerType ?? 'PublicIp'}${compute.loadBalancerSubnet ? ` (subnet ${compute.loadBalancerSubnet})` : ''}`,
    `TLS: ${compute.tls.status}${compute.tls.cname ? `, cname ${compute.tls.cname}` : ''}${compute.tls.leafDomainLabel ? `, leaf domain label ${compute.tls.leafDomainLabel}` : ''}`,
  ];
  if (compute.tlsFingerprint)
    lines.push(
      `certificate: sha256 ${compute.tlsFingerprint}${compute.tlsExpiresOn ? `, expires ${compute.tlsExpiresOn}` : ''}`,
    );
  else if (compute.tlsExpiresOn) lines.push(`certificate: expires ${compute.tlsExpiresOn}`);
  const endpoint = endpointOf(compute);
  if (endpoint) lines.push(`endpoint: ${endpoint}`);
  return lines;
}

export function describePlan(desired: DesiredState, observed: ObservedState, plan: Plan): string[] {
  const name = desired.target.computeName;
  const lines: string[] = [];
  if (observed.compute) {
    lines.push(`Found compute ${name}:`);
    lines.push(...describeCompute(observed.compute).map((l) => `  ${l}`));
  } else {
    lines.push(`Found no compute named ${name} in workspace ${desired.target.workspaceName}.`);
  }
  lines.push(`Plan: ${ACTION_TEXT[plan.action]}.`);
  if (plan.attach) {
    const a = plan.attach;
    const tls =
      a.tls.status === 'Enabled'
        ? `Enabled (cname ${a.tls.cname}, certificate sha256 ${a.tls.fingerprintSha256}, expires ${a.tls.expiresOn.toISOString()})`
        : a.tls.status === 'Auto'
          ? `Auto (leaf domain label ${a.tls.leafDomainLabel}${plan.update?.renew ? ', renewed' : ''})`
          : 'Disabled';
    lines.push(
      `  ${a.clusterId ? `cluster: ${a.clusterId}` : `new cluster: ${a.create?.agentCount ?? '?'} x ${a.create?.vmSize ?? '?'} in ${a.location}`}`,
    );
    lines.push(
      `  purpose: ${a.purpose}, load balancer: ${a.loadBalancerType}${a.loadBalancerSubnet ? ` (subnet ${a.loadBalancerSubnet})` : ''}, TLS: ${tls}`,
    );
  }
  if (plan.reasons.length) lines.push('Why:', ...plan.reasons.map((r) => `  - ${r}`));
  if (plan.consequences.length) lines.push('Consequences:', ...plan.consequences.map((c) => `  - ${c}`));
  return lines;
}
