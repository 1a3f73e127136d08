/** Judging a compute as ARM returns it against what a step asked for. */
import type { ComputeResource } from '@azure/arm-machinelearning';
import { sameResourceId } from '../azure/arm-id';
import { errorDetailsOf } from '../contract/error-details';
import { AzureError } from '../contract/errors';
import { toObservedCompute } from '../observe/from-arm';
import { TAGS } from '../observe/model';
import type { AttachRequest } from '../plan/plan';

export function isSucceeded(compute: ComputeResource): boolean {
  return (compute.properties?.provisioningState ?? '').toLowerCase() === 'succeeded';
}

export function isFailed(compute: ComputeResource): boolean {
  return ['failed', 'canceled'].includes((compute.properties?.provisioningState ?? '').toLowerCase());
}

export function boundAsRequested(compute: ComputeResource, request: AttachRequest): boolean {
  return (
    request.clusterId === undefined || sameResourceId(compute.properties?.resourceId ?? undefined, request.clusterId)
  );
}

/** The compute is Succeeded and has every setting the request would give it (another run's attach counts as ours). */
export function matchesRequest(compute: ComputeResource, request: AttachRequest): boolean {
  if (!isSucceeded(compute) || !boundAsRequested(compute, request)) return false;
  const c = toObservedCompute(compute);
  const same = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  if (c.computeType.toUpperCase() !== 'AKS') return false;
  if (!same(c.purpose ?? 'FastProd', request.purpose)) return false;
  if (!same(c.loadBalancerType ?? 'PublicIp', request.loadBalancerType)) return false;
  if (request.loadBalancerSubnet !== undefined && !same(c.loadBalancerSubnet, request.loadBalancerSubnet)) return false;
  if (c.tls.status !== request.tls.status) return false;
  if (request.tls.status === 'Enabled')
    return same(c.tls.cname, request.tls.cname) && same(c.tags[TAGS.fingerprint], request.tls.fingerprintSha256);
  if (request.tls.status === 'Auto') return same(c.tls.leafDomainLabel, request.tls.leafDomainLabel);
  return true;
}

export function provisioningFailure(compute: ComputeResource, step: string): AzureError {
  const first = compute.properties?.provisioningErrors?.[0]?.error;
  const state = compute.properties?.provisioningState ?? 'Unknown';
  const details = errorDetailsOf(first?.details);
  return new AzureError(
    first?.code ?? `Compute${state}`,
    first?.message ?? `the ${step} ended with the compute ${state}`,
    undefined,
    undefined,
    details.length ? details : undefined,
  );
}
