/** The virtual network inputs of a new cluster: all or none, with CIDR and IP checks. */
import { RESOURCE_GROUP_PATTERN } from '../azure/arm-id';
import type { InputName } from '../contract/inputs';
import { cidrContains, cidrsOverlap, parseCidr, parseIpv4 } from './cidr';
import { printable, type InputCollector } from './collector';
import type { NewClusterNetwork } from './model';
import { SUBNET_NAME, VNET_NAME } from './patterns';

export function readNetwork(c: InputCollector, subscriptionId: string): NewClusterNetwork | undefined {
  const vnetGroup = c.optional('vnet-resource-group', RESOURCE_GROUP_PATTERN, 'a resource group name');
  const vnetName = c.optional('vnet-name', VNET_NAME, 'a virtual network name has 2-64 letters, digits, _ . -');
  const subnetName = c.optional('subnet-name', SUBNET_NAME, 'a subnet name has 1-80 letters, digits, _ . -');
  const serviceCidrText = c.raw('service-cidr');
  const dnsIpText = c.raw('dns-service-ip');
  const bridgeText = c.raw('docker-bridge-cidr');

  const vnetGiven = [vnetGroup, vnetName, subnetName];
  const vnetNames: InputName[] = ['vnet-resource-group', 'vnet-name', 'subnet-name'];
  const addressGiven = [serviceCidrText, dnsIpText, bridgeText];
  const addressNames: InputName[] = ['service-cidr', 'dns-service-ip', 'docker-bridge-cidr'];
  const allOrNone = (given: Array<string | undefined>, names: InputName[]) => {
    if (given.some((v) => v !== undefined) && given.some((v) => v === undefined)) {
      names.forEach((n, i) => {
        if (given[i] === undefined)
          c.problem(
            n,
            `is required when ${names
              .filter((_, j) => given[j] !== undefined)
              .map((x) => c.name(x))
              .join(
                ', ',
              )} ${given.filter((v) => v !== undefined).length > 1 ? 'are' : 'is'} given (give all of ${names.map((x) => c.name(x)).join(', ')} or none)`,
          );
      });
    }
  };
  allOrNone(vnetGiven, vnetNames);
  allOrNone(addressGiven, addressNames);
  if (addressGiven.some((v) => v !== undefined) && vnetGiven.every((v) => v === undefined)) {
    c.problem(
      'service-cidr',
      `the service address ranges apply only to a cluster in your own virtual network; give ${c.name('vnet-resource-group')}, ${c.name('vnet-name')} and ${c.name('subnet-name')} too`,
    );
  }

  const serviceCidr = serviceCidrText === undefined ? undefined : parseCidr(serviceCidrText);
  if (serviceCidrText !== undefined && !serviceCidr)
    c.problem('service-cidr', `'${printable(serviceCidrText)}' is not an IPv4 CIDR such as 10.0.0.0/16`);
  const dnsIp = dnsIpText === undefined ? undefined : parseIpv4(dnsIpText);
  if (dnsIpText !== undefined && dnsIp === undefined)
    c.problem('dns-service-ip', `'${printable(dnsIpText)}' is not an IPv4 address such as 10.0.0.10`);
  const bridge = bridgeText === undefined ? undefined : parseCidr(bridgeText);
  if (bridgeText !== undefined && !bridge)
    c.problem('docker-bridge-cidr', `'${printable(bridgeText)}' is not an IPv4 CIDR such as 172.17.0.1/16`);
  if (serviceCidrText && dnsIpText && serviceCidr && dnsIp !== undefined && !cidrContains(serviceCidr, dnsIp)) {
    c.problem(
      'dns-service-ip',
      `${dnsIpText} is outside ${c.name('service-cidr')} ${serviceCidrText}; pick an address inside it (not the first one)`,
    );
  }
  if (serviceCidrText && bridgeText && serviceCidr && bridge && cidrsOverlap(serviceCidr, bridge)) {
    c.problem(
      'docker-bridge-cidr',
      `${bridgeText} overlaps ${c.name('service-cidr')} ${serviceCidrText}; the two ranges must be disjoint`,
    );
  }

  if (vnetGiven.every((v) => v === undefined) && addressGiven.every((v) => v === undefined)) return undefined;
  return {
    subnetId:
      vnetGroup && vnetName && subnetName
        ? `/subscriptions/${subscriptionId}/resourceGroups/${vnetGroup}/providers/Microsoft.Network/virtualNetworks/${vnetName}/subnets/${subnetName}`
        : undefined,
    serviceCidr: serviceCidrText,
    dnsServiceIp: dnsIpText,
    dockerBridgeCidr: bridgeText,
  };
}
