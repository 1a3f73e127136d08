/**
 * Which changes Azure ML applies to an attached compute in place, as azureml-core's
 * `AksCompute.update` does (a PUT of the compute as GET returned it, with sslConfiguration and/or
 * loadBalancerType/loadBalancerSubnet replaced): the compute stays attached and its web services
 * stay reachable. Everything else (another cluster, cluster-purpose, a Failed/Canceled compute,
 * operation: refresh) still needs a detach and a reattach.
 */
import type { ComputeResource } from '@azure/arm-machinelearning';
import type { DesiredState } from '../desired/model';
import { TLS_SETTINGS } from './drift';
import type { Drift, ResolvedTls } from './plan';
import { SERVE_DELAY_TEXT } from './renewal';

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

const LOAD_BALANCER_SETTINGS = ['load-balancer-type', 'load-balancer-subnet'];

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
      `Azure ML lays down a renewed certificate for the same DNS name; ${SERVE_DELAY_TEXT}, and until then tls-expires-on is the old one's. The request is recorded in the compute's tags and not repeated for 24 hours`,
    );
  else if (update.replaceTls && tls.mode === 'auto')
    out.push('Azure ML issues a new certificate and DNS name for the leaf domain label');
  if (drift.some((d) => d.setting === 'load-balancer-type'))
    out.push('the scoring IP changes with the load balancer: check the endpoint output and update DNS records');
  return out;
}
