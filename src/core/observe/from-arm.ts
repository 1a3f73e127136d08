/** ARM's ComputeResource → the plain ObservedCompute the planner reads. */
import type { Aks, ComputeResource, Kubernetes } from '@azure/arm-machinelearning';
import { errorDetailsOf, inlineErrorDetails } from '../contract/error-details';
import { TAGS, type ObservedCompute, type TlsStatus } from './model';

export function toObservedCompute(resource: ComputeResource): ObservedCompute {
  const props = resource.properties;
  const aks = props?.computeType === 'AKS' ? (props as Aks).properties : undefined;
  const ssl = aks?.sslConfiguration;
  const kubernetes = props?.computeType === 'Kubernetes' ? (props as Kubernetes).properties : undefined;
  const tags = (resource.tags ?? {}) as Record<string, string>;
  const status = normaliseTlsStatus(ssl?.status);
  return {
    id: resource.id ?? '',
    name: resource.name ?? '',
    location: resource.location,
    computeType: props?.computeType ?? 'Unknown',
    provisioningState: props?.provisioningState ?? 'Unknown',
    provisioningErrors: (props?.provisioningErrors ?? []).map((e) => {
      const outer = [e.error?.code, e.error?.message].filter(Boolean).join(': ');
      const inner = inlineErrorDetails(errorDetailsOf(e.error?.details));
      return inner ? `${outer} (${inner})` : outer;
    }),
    clusterId: props?.resourceId ?? undefined,
    isAttachedCompute: props?.isAttachedCompute,
    purpose: aks?.clusterPurpose,
    loadBalancerType: aks?.loadBalancerType,
    loadBalancerSubnet: aks?.loadBalancerSubnet ?? undefined,
    tls: {
      status,
      cname: ssl?.cname ?? undefined,
      leafDomainLabel: ssl?.leafDomainLabel ?? undefined,
      overwriteExistingDomain: ssl?.overwriteExistingDomain,
    },
    tlsFingerprint: status === 'Enabled' ? tags[TAGS.fingerprint] : undefined,
    tlsExpiresOn: status === 'Enabled' ? tags[TAGS.expiresOn] : undefined,
    scoringIp: aks?.systemServices?.find((s) => s.publicIpAddress)?.publicIpAddress,
    clusterFqdn: aks?.clusterFqdn ?? undefined,
    agentCount: aks?.agentCount ?? undefined,
    vmSize: aks?.agentVmSize ?? undefined,
    description: props?.description ?? undefined,
    tags,
    ...(kubernetes && { namespace: kubernetes.namespace ?? 'default' }),
  };
}

function normaliseTlsStatus(status: string | undefined): TlsStatus {
  switch ((status ?? 'Disabled').toLowerCase()) {
    case 'enabled':
      return 'Enabled';
    case 'auto':
      return 'Auto';
    default:
      return 'Disabled';
  }
}
