/**
 * The body of an update in place, built the way azureml-core's `AksCompute._build_update_payload`
 * builds it: the compute as GET returned it (description, resourceId, clusterPurpose, clusterFqdn,
 * agent count and size, networking, location all kept), with only sslConfiguration and/or
 * loadBalancerType/loadBalancerSubnet replaced, and the tags this product keeps (the certificate
 * fingerprint and expiry) updated or removed.
 */
import type { AttachRequest, UpdateRequest } from '../plan/plan';
import { toSslConfiguration } from './compute-body';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * What the 2022-10-01 spec marks readOnly, which oav refuses in a request
 * (READONLY_PROPERTY_NOT_ALLOWED_IN_REQUEST) and the SDK's own serializer never sends: exactly
 * these are left out. azureml-core sends the GET body back with them; the RP ignores them.
 * `computeLocation` is among them although the compute keeps it: it is the region of the
 * underlying cluster, which the RP derives from `resourceId` (kept), so leaving it out changes
 * nothing and keeps the request valid against the spec. `location` (the compute's ARM region)
 * is writable and kept.
 */
const READ_ONLY = {
  resource: ['id', 'name', 'type', 'systemData'],
  compute: [
    'computeLocation',
    'provisioningState',
    'createdOn',
    'modifiedOn',
    'provisioningErrors',
    'isAttachedCompute',
  ],
  aks: ['systemServices'],
} as const;

export function toUpdateBody(update: UpdateRequest, desired: AttachRequest): Json {
  const body = JSON.parse(JSON.stringify(update.current)) as Json;
  for (const key of READ_ONLY.resource) delete body[key];
  const compute = isObj(body.properties) ? body.properties : (body.properties = { computeType: 'AKS' });
  for (const key of READ_ONLY.compute) delete compute[key];
  const aks = isObj(compute.properties) ? compute.properties : (compute.properties = {});
  for (const key of READ_ONLY.aks) delete aks[key];

  body.tags = { ...desired.tags };
  if (update.replaceTls) {
    aks.sslConfiguration = toSslConfiguration(desired);
  } else if (update.renew) {
    // Renewal: sslConfiguration as GET returned it, plus the flag (azureml-core's renew=True).
    aks.sslConfiguration = { ...(isObj(aks.sslConfiguration) ? aks.sslConfiguration : {}), renew: true };
  }
  if (update.replaceLoadBalancer) {
    aks.loadBalancerType = desired.loadBalancerType;
    if (desired.loadBalancerSubnet !== undefined) aks.loadBalancerSubnet = desired.loadBalancerSubnet;
    else if (desired.loadBalancerType === 'PublicIp') delete aks.loadBalancerSubnet;
  }
  return body;
}
