/** The attach (or create) request a plan carries: the desired settings, the tags this product owns. */
import type { DesiredCompute, DesiredState } from '../desired/model';
import { StateError } from '../contract/errors';
import { MANAGED_BY_VALUE, TAGS, type ObservedCompute } from '../observe/model';
import type { AttachRequest, ResolvedTls, TlsRequest } from './plan';

export function attachRequest(
  desired: DesiredState,
  want: DesiredCompute,
  tls: ResolvedTls,
  compute: ObservedCompute | undefined,
  workspaceLocation: string | undefined,
  clusterId?: string,
): AttachRequest {
  const source = want.source;
  const location = compute?.location ?? (source.mode === 'create' ? source.location : undefined) ?? workspaceLocation;
  if (!location) throw new StateError('the workspace location is unknown; cannot build the attach request');
  const tags: Record<string, string> = { ...(compute?.tags ?? {}) };
  delete tags[TAGS.fingerprint];
  delete tags[TAGS.expiresOn];
  tags[TAGS.managedBy] = MANAGED_BY_VALUE;
  let tlsRequest: TlsRequest;
  if (tls.mode === 'custom') {
    tags[TAGS.fingerprint] = tls.certificate.fingerprintSha256;
    tags[TAGS.expiresOn] = tls.certificate.validTo.toISOString();
    tlsRequest = {
      status: 'Enabled',
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      cname: tls.cname,
      fingerprintSha256: tls.certificate.fingerprintSha256,
      expiresOn: tls.certificate.validTo,
    };
  } else if (tls.mode === 'auto') {
    tlsRequest = {
      status: 'Auto',
      leafDomainLabel: tls.leafDomainLabel,
      overwriteExistingDomain: tls.overwriteExistingDomain,
    };
  } else {
    tlsRequest = { status: 'Disabled' };
  }
  const creating = source.mode === 'create' && !compute;
  return {
    computeName: desired.target.computeName,
    location,
    clusterId: creating
      ? undefined
      : (clusterId ?? (source.mode === 'attach' ? source.cluster.id : compute?.clusterId)),
    create: creating ? { agentCount: source.agentCount, vmSize: source.vmSize, network: source.network } : undefined,
    purpose: want.purpose,
    loadBalancerType: want.loadBalancerType,
    loadBalancerSubnet: want.loadBalancerSubnet,
    tls: tlsRequest,
    description: compute?.description,
    tags,
  };
}
