/**
 * Which changes Azure ML applies to an attached compute in place, as azureml-core's
 * `AksCompute.update` does (a PUT of the compute as GET returned it, with sslConfiguration and/or
 * loadBalancerType/loadBalancerSubnet replaced): the compute stays attached and its web services
 * stay reachable. Everything else (another cluster, cluster-purpose, a Failed/Canceled compute,
 * operation: refresh) still needs a detach and a reattach.
 */
import type { ComputeResource } from '@azure/arm-machinelearning';
import type { DesiredCompute, DesiredState } from '../desired/model';
import type { ObservedCompute } from '../observe/model';
import type { Drift, ResolvedTls } from './plan';

/** What an update in place sends: the compute as read, with only these parts replaced. */
export interface UpdateRequest {
  /** The compute exactly as GET returned it. */
  readonly current: ComputeResource;
  /** sslConfiguration becomes the desired one (disable, new certificate or cname, another mode or label). */
  readonly replaceTls: boolean;
  /** loadBalancerType/loadBalancerSubnet become the desired ones. */
  readonly replaceLoadBalancer: boolean;
  /** sslConfiguration is kept as GET returned it, plus `renew: true` (a Microsoft certificate due for renewal). */
  readonly renew: boolean;
}

const TLS_SETTINGS = ['tls', 'tls-cname', 'tls-certificate', 'leaf-domain-label'];
const LOAD_BALANCER_SETTINGS = ['load-balancer-type', 'load-balancer-subnet'];
const DAY_MS = 86_400_000;

/** A reason to renew the served Microsoft certificate in place, or undefined when it is not due (or unknown). */
export function renewalDue(
  desired: DesiredState,
  compute: ObservedCompute,
  want: DesiredCompute,
  tls: ResolvedTls,
  drift: readonly Drift[],
  now: Date,
): string | undefined {
  if (desired.operation !== 'ensure' || want.renewWithinDays <= 0) return undefined;
  if (tls.mode !== 'auto' || compute.tls.status !== 'Auto' || !compute.tls.leafDomainLabel) return undefined;
  // A new label or mode replaces sslConfiguration anyway, and with it the certificate.
  if (drift.some((d) => TLS_SETTINGS.includes(d.setting))) return undefined;
  const expiresText = compute.tlsExpiresOn;
  const expiresOn = expiresText ? Date.parse(expiresText) : NaN;
  if (!expiresText || Number.isNaN(expiresOn) || expiresOn - now.getTime() > want.renewWithinDays * DAY_MS)
    return undefined;
  const days = Math.floor((expiresOn - now.getTime()) / DAY_MS);
  const when = days < 0 ? `expired on ${expiresText}` : `expires on ${expiresText} (in ${days} days)`;
  return `the Microsoft-generated certificate ${when}, within renew-within-days ${want.renewWithinDays}: renew it in place (same DNS name)`;
}

/** The update in place for these differences, or undefined when they need a detach and a reattach. */
export function inPlaceUpdate(
  desired: DesiredState,
  resource: ComputeResource | undefined,
  drift: readonly Drift[],
  broken: boolean,
  renew: boolean,
): UpdateRequest | undefined {
  if (!resource || broken || desired.operation !== 'ensure') return undefined;
  if (!drift.every((d) => TLS_SETTINGS.includes(d.setting) || LOAD_BALANCER_SETTINGS.includes(d.setting)))
    return undefined;
  return {
    current: resource,
    replaceTls: drift.some((d) => TLS_SETTINGS.includes(d.setting)),
    replaceLoadBalancer: drift.some((d) => LOAD_BALANCER_SETTINGS.includes(d.setting)),
    renew,
  };
}

export function updateConsequences(update: UpdateRequest, tls: ResolvedTls, drift: readonly Drift[]): string[] {
  const out = ['update in place; web services stay attached'];
  if (update.renew)
    out.push(
      'Azure ML lays down a renewed certificate for the same DNS name (Microsoft says it can take a few hours to be served)',
    );
  else if (update.replaceTls && tls.mode === 'auto')
    out.push('Azure ML issues a new certificate and DNS name for the leaf domain label');
  if (drift.some((d) => d.setting === 'load-balancer-type'))
    out.push('the scoring IP changes with the load balancer: check the endpoint output and update DNS records');
  return out;
}
