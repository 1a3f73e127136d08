/** AttachRequest → the ComputeResource body of Compute_CreateOrUpdate (api-version 2022-10-01). */
import type { Aks, AKSSchemaProperties, ComputeResource, SslConfiguration } from '@azure/arm-machinelearning';
import type { AttachRequest } from '../plan/plan';

export function toComputeResource(request: AttachRequest): ComputeResource {
  const properties: AKSSchemaProperties = {
    clusterPurpose: request.purpose,
    loadBalancerType: request.loadBalancerType,
    sslConfiguration: toSslConfiguration(request),
  };
  if (request.loadBalancerSubnet !== undefined) properties.loadBalancerSubnet = request.loadBalancerSubnet;
  if (request.create) {
    properties.agentCount = request.create.agentCount;
    properties.agentVmSize = request.create.vmSize;
    const net = request.create.network;
    if (net) {
      properties.aksNetworkingConfiguration = {
        subnetId: net.subnetId,
        serviceCidr: net.serviceCidr,
        dnsServiceIP: net.dnsServiceIp,
        dockerBridgeCidr: net.dockerBridgeCidr,
      };
    }
  }
  const compute: Aks = { computeType: 'AKS', properties };
  if (request.clusterId) compute.resourceId = request.clusterId;
  if (request.description) compute.description = request.description;
  return { location: request.location, tags: { ...request.tags }, properties: compute };
}

export function toSslConfiguration(request: AttachRequest): SslConfiguration {
  const tls = request.tls;
  switch (tls.status) {
    case 'Disabled':
      return { status: 'Disabled' };
    case 'Auto':
      return {
        status: 'Auto',
        leafDomainLabel: tls.leafDomainLabel,
        overwriteExistingDomain: tls.overwriteExistingDomain,
      };
    case 'Enabled':
      return { status: 'Enabled', cert: tls.certPem, key: tls.keyPem, cname: tls.cname };
  }
}
