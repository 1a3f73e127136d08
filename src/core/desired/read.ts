/**
 * Inputs → desired state. Every input is checked here, before anything is read from or sent to
 * Azure, and every problem is reported at once, each naming the input and what is accepted.
 */
import { readFileSync } from 'node:fs';
import {
  parseManagedClusterId,
  RESOURCE_GROUP_PATTERN,
  SUBSCRIPTION_ID_PATTERN,
  type ManagedClusterId,
} from '../azure/arm-id';
import { InputError, type InputProblem } from '../contract/errors';
import { inputDefinition, type InputName, type InputReader } from '../contract/inputs';
import { cidrContains, cidrsOverlap, parseCidr, parseIpv4 } from './cidr';
import { checkTlsMaterial, type CertificateInfo } from '../tls/certificate';

export type Operation = 'ensure' | 'refresh' | 'detach';
export type ClusterPurpose = 'FastProd' | 'DevTest';
export type LoadBalancerType = 'PublicIp' | 'InternalLoadBalancer';

export interface ComputeTarget {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspaceName: string;
  readonly computeName: string;
}

export interface NewClusterNetwork {
  readonly subnetId?: string;
  readonly serviceCidr?: string;
  readonly dnsServiceIp?: string;
  readonly dockerBridgeCidr?: string;
}

export type ClusterSource =
  | { readonly mode: 'attach'; readonly cluster: ManagedClusterId }
  | {
      readonly mode: 'create';
      readonly location?: string;
      readonly agentCount: number;
      readonly vmSize: string;
      readonly network?: NewClusterNetwork;
    };

export type DesiredTls =
  | { readonly mode: 'disabled' }
  | { readonly mode: 'auto'; readonly leafDomainLabel: string; readonly overwriteExistingDomain: boolean }
  | {
      readonly mode: 'custom';
      readonly certPem: string;
      readonly keyPem: string;
      readonly cname: string;
      readonly certificate: CertificateInfo;
    }
  /** Resolved to `custom` from the cluster's azuremlfessl secret before anything changes. */
  | { readonly mode: 'keep'; readonly cname?: string };

export interface DesiredCompute {
  readonly source: ClusterSource;
  readonly purpose: ClusterPurpose;
  readonly loadBalancerType: LoadBalancerType;
  readonly loadBalancerSubnet?: string;
  readonly tls: DesiredTls;
}

export interface DesiredState {
  readonly target: ComputeTarget;
  readonly operation: Operation;
  /** Absent for `detach`, whose cluster and TLS inputs are ignored. */
  readonly compute?: DesiredCompute;
  readonly replace: boolean;
  readonly dryRun: boolean;
  readonly timeoutMinutes: number;
  readonly warnings: readonly string[];
}

export const DEFAULT_AGENT_COUNT = 3;
export const DEFAULT_VM_SIZE = 'Standard_D3_v2';
export const MIN_NODES: Record<ClusterPurpose, number> = { FastProd: 3, DevTest: 1 };

const COMPUTE_NAME = /^[a-zA-Z](?:[a-zA-Z0-9-]{1,22})[a-zA-Z0-9]$/;
const WORKSPACE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;
const VM_SIZE = /^[A-Za-z][A-Za-z0-9_]{2,63}$/;
const LOCATION = /^[a-z][a-z0-9]{2,39}$/;
const LEAF_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,55}[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const SUBNET_NAME = /^[a-zA-Z0-9][\w.-]{0,78}[\w]$|^[a-zA-Z0-9]$/;
const VNET_NAME = /^[a-zA-Z0-9][\w.-]{0,62}[\w]$|^[a-zA-Z0-9]$/;

export interface DesiredOptions {
  readInput: InputReader;
  displayName: (name: InputName) => string;
  defaultSubscriptionId?: string;
  now?: Date;
  readFile?: (path: string) => string;
}

/** Collects problems while reading inputs, so that all are reported together. */
class InputCollector {
  readonly problems: InputProblem[] = [];
  constructor(private readonly options: DesiredOptions) {}

  name(input: InputName): string {
    return this.options.displayName(input);
  }

  raw(input: InputName): string | undefined {
    const value = this.options.readInput(input);
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  problem(input: InputName, message: string): void {
    this.problems.push({ input: this.name(input), message });
  }

  required(input: InputName, pattern: RegExp, accepted: string): string {
    const value = this.raw(input);
    if (value === undefined) this.problem(input, `is required; ${accepted}`);
    else if (!pattern.test(value)) this.problem(input, `'${printable(value)}' is not valid; ${accepted}`);
    return value ?? '';
  }

  optional(input: InputName, pattern: RegExp, accepted: string): string | undefined {
    const value = this.raw(input);
    if (value !== undefined && !pattern.test(value))
      this.problem(input, `'${printable(value)}' is not valid; ${accepted}`);
    return value;
  }

  choice<T extends string>(input: InputName): T {
    const definition = inputDefinition(input);
    const allowed = definition.allowed ?? [];
    const value = this.raw(input) ?? definition.default ?? '';
    if (!allowed.includes(value)) {
      this.problem(input, `'${printable(value)}' is not one of: ${allowed.join(', ')}`);
      return (definition.default ?? allowed[0]) as T;
    }
    return value as T;
  }

  boolean(input: InputName): boolean {
    const value = this.raw(input) ?? inputDefinition(input).default ?? 'false';
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    this.problem(input, `'${printable(value)}' is not a boolean; use true or false`);
    return false;
  }

  integer(input: InputName, min: number, max: number, fallback: number): number {
    const text = this.raw(input) ?? inputDefinition(input).default;
    if (text === undefined) return fallback;
    if (!/^\d{1,6}$/.test(text) || Number(text) < min || Number(text) > max) {
      this.problem(input, `'${printable(text)}' is not a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(text);
  }
}

/** Quotes user text safely: control and non-ASCII characters are shown as escapes (look-alikes stand out). */
function printable(value: string): string {
  const escaped = value.replace(/[^\x20-\x7e]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  if (escaped.length <= 200) return escaped;
  // Long values are cut, but a look-alike character anywhere must still be pointed out.
  const foreign = [...new Set(value.match(/[^\x20-\x7e]/g) ?? [])].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return `${escaped.slice(0, 120)}...${foreign.length ? ` (contains ${foreign.join(', ')})` : ''}`;
}

export function readDesiredState(options: DesiredOptions): DesiredState {
  const c = new InputCollector(options);
  const warnings: string[] = [];

  const subscriptionInput = c.raw('subscription-id') ?? options.defaultSubscriptionId;
  if (subscriptionInput === undefined)
    c.problem(
      'subscription-id',
      'is required (no default subscription came with the credentials); give the subscription GUID of the workspace',
    );
  else if (!SUBSCRIPTION_ID_PATTERN.test(subscriptionInput))
    c.problem(
      'subscription-id',
      `'${printable(subscriptionInput)}' is not a subscription GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`,
    );

  const target: ComputeTarget = {
    subscriptionId: (subscriptionInput ?? '').toLowerCase(),
    resourceGroup: c.required(
      'resource-group',
      RESOURCE_GROUP_PATTERN,
      'a resource group name has 1-90 letters, digits, _ - . ( ) and does not end with a period',
    ),
    workspaceName: c.required(
      'workspace-name',
      WORKSPACE_NAME,
      'a workspace name has 3-33 letters, digits, _ and -, starting with a letter or digit',
    ),
    computeName: c.required(
      'compute-name',
      COMPUTE_NAME,
      'a compute name has 3-24 letters, digits and hyphens, starts with a letter and ends with a letter or digit',
    ),
  };
  const operation = c.choice<Operation>('operation');
  const replace = c.boolean('replace');
  const dryRun = c.boolean('dry-run');
  const timeoutMinutes = c.integer('timeout-minutes', 1, 240, 30);

  const compute = operation === 'detach' ? undefined : readDesiredCompute(c, options, warnings, target.subscriptionId);

  if (c.problems.length > 0) throw new InputError(c.problems);
  return { target, operation, compute, replace, dryRun, timeoutMinutes, warnings };
}

function readDesiredCompute(
  c: InputCollector,
  options: DesiredOptions,
  warnings: string[],
  subscriptionId: string,
): DesiredCompute {
  const purposeChoice = c.choice<'production' | 'dev-test'>('cluster-purpose');
  const purpose: ClusterPurpose = purposeChoice === 'dev-test' ? 'DevTest' : 'FastProd';
  const lbChoice = c.choice<'public' | 'internal'>('load-balancer-type');
  const loadBalancerType: LoadBalancerType = lbChoice === 'internal' ? 'InternalLoadBalancer' : 'PublicIp';
  const loadBalancerSubnet = c.optional(
    'load-balancer-subnet',
    SUBNET_NAME,
    'a subnet name has 1-80 letters, digits, _ . -',
  );
  if (loadBalancerSubnet !== undefined && loadBalancerType === 'PublicIp') {
    c.problem('load-balancer-subnet', `applies only with ${c.name('load-balancer-type')}: internal`);
  }

  const source = readClusterSource(c, purpose, subscriptionId);
  const tls = readTls(c, options, warnings);
  if (tls.mode !== 'disabled' && loadBalancerType === 'InternalLoadBalancer') {
    c.problem(
      'tls',
      `'${c.raw('tls')}' cannot be used with ${c.name('load-balancer-type')}: internal (Azure ML does not support TLS termination on an internal load balancer); use tls: disabled or a public load balancer`,
    );
  }
  return { source, purpose, loadBalancerType, loadBalancerSubnet, tls };
}

const CREATE_ONLY: InputName[] = [
  'location',
  'agent-count',
  'vm-size',
  'vnet-resource-group',
  'vnet-name',
  'subnet-name',
  'service-cidr',
  'dns-service-ip',
  'docker-bridge-cidr',
];

function readClusterSource(c: InputCollector, purpose: ClusterPurpose, subscriptionId: string): ClusterSource {
  const clusterText = c.raw('aks-resource-id');
  if (clusterText !== undefined) {
    const cluster = parseManagedClusterId(clusterText);
    if (!cluster) {
      c.problem(
        'aks-resource-id',
        `'${printable(clusterText)}' is not an AKS cluster id; expected /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>`,
      );
    }
    for (const input of CREATE_ONLY) {
      if (c.raw(input) !== undefined)
        c.problem(
          input,
          `applies only when creating a cluster (${c.name('aks-resource-id')} empty); an attached cluster keeps its own settings`,
        );
    }
    return { mode: 'attach', cluster: cluster ?? { subscriptionId: '', resourceGroup: '', name: '', id: '' } };
  }

  const locationText = c.optional(
    'location',
    /^[A-Za-z][A-Za-z0-9 ]{2,40}$/,
    'an Azure region name such as eastus or "West Europe"',
  );
  const location = locationText?.replace(/\s+/g, '').toLowerCase();
  if (location !== undefined && !LOCATION.test(location))
    c.problem('location', `'${printable(locationText!)}' is not an Azure region name`);
  const agentCount = c.integer('agent-count', 1, 1000, DEFAULT_AGENT_COUNT);
  if (c.raw('agent-count') !== undefined && agentCount < MIN_NODES[purpose] && /^\d+$/.test(c.raw('agent-count')!)) {
    c.problem(
      'agent-count',
      `${agentCount} is too few for a production cluster: it needs at least 3 nodes; use ${c.name('cluster-purpose')}: dev-test for fewer`,
    );
  }
  const vmSize = c.optional('vm-size', VM_SIZE, 'a VM size such as Standard_D3_v2') ?? 'Standard_D3_v2';
  return { mode: 'create', location, agentCount, vmSize, network: readNetwork(c, subscriptionId) };
}

function readNetwork(c: InputCollector, subscriptionId: string): NewClusterNetwork | undefined {
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
  if (serviceCidr && dnsIp !== undefined && !cidrContains(serviceCidr, dnsIp)) {
    c.problem(
      'dns-service-ip',
      `${dnsIpText} is outside ${c.name('service-cidr')} ${serviceCidrText}; pick an address inside it (not the first one)`,
    );
  }
  if (serviceCidr && bridge && cidrsOverlap(serviceCidr, bridge)) {
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

function readTls(c: InputCollector, options: DesiredOptions, warnings: string[]): DesiredTls {
  const mode = c.choice<DesiredTls['mode']>('tls');
  const tlsOnly: InputName[] = [
    'leaf-domain-label',
    'tls-cert',
    'tls-key',
    'tls-cert-file',
    'tls-key-file',
    'tls-cname',
  ];
  const relevant: Record<DesiredTls['mode'], InputName[]> = {
    disabled: [],
    auto: ['leaf-domain-label'],
    custom: ['tls-cert', 'tls-key', 'tls-cert-file', 'tls-key-file', 'tls-cname'],
    keep: ['tls-cname'],
  };
  for (const input of tlsOnly) {
    if (!relevant[mode].includes(input) && c.raw(input) !== undefined) {
      const wanted = (Object.keys(relevant) as DesiredTls['mode'][]).filter((m) => relevant[m].includes(input));
      c.problem(input, `applies only with ${c.name('tls')}: ${wanted.join(' or ')} (${c.name('tls')} is ${mode})`);
    }
  }

  switch (mode) {
    case 'disabled':
      return { mode };
    case 'auto': {
      const label = c.required(
        'leaf-domain-label',
        LEAF_LABEL,
        'a DNS label of 1-57 lower-case letters, digits and hyphens (Azure appends six characters and .<region>.cloudapp.azure.com)',
      );
      return { mode, leafDomainLabel: label, overwriteExistingDomain: c.boolean('overwrite-existing-domain') };
    }
    case 'keep':
      return {
        mode,
        cname: c.optional('tls-cname', DNS_NAME, 'a DNS name such as scoring.contoso.com')?.toLowerCase(),
      };
    case 'custom': {
      const certPem = readPem(c, options, 'tls-cert', 'tls-cert-file', 'the certificate');
      const keyPem = readPem(c, options, 'tls-key', 'tls-key-file', 'the private key');
      const cnameText = c.raw('tls-cname');
      if (cnameText === undefined)
        c.problem(
          'tls-cname',
          `is required with ${c.name('tls')}: custom; give the DNS name clients will call, covered by the certificate`,
        );
      else if (!DNS_NAME.test(cnameText))
        c.problem('tls-cname', `'${printable(cnameText)}' is not a DNS name such as scoring.contoso.com`);
      const cname = cnameText?.toLowerCase() ?? '';
      if (certPem === undefined || keyPem === undefined) return { mode: 'disabled' };
      const check = checkTlsMaterial(
        certPem,
        keyPem,
        DNS_NAME.test(cname) ? cname : undefined,
        options.now ?? new Date(),
      );
      for (const p of check.problems) {
        const input: InputName =
          p.field === 'cname'
            ? 'tls-cname'
            : p.field === 'cert'
              ? certSourceName(c, 'tls-cert', 'tls-cert-file')
              : certSourceName(c, 'tls-key', 'tls-key-file');
        c.problem(input, p.message);
      }
      warnings.push(...check.warnings);
      if (!check.certificate) return { mode: 'disabled' };
      return { mode, certPem, keyPem, cname, certificate: check.certificate };
    }
  }
}

function certSourceName(c: InputCollector, textInput: InputName, fileInput: InputName): InputName {
  return c.raw(textInput) !== undefined ? textInput : fileInput;
}

function readPem(
  c: InputCollector,
  options: DesiredOptions,
  textInput: InputName,
  fileInput: InputName,
  what: string,
): string | undefined {
  const text = options.readInput(textInput);
  const file = c.raw(fileInput);
  const hasText = text !== undefined && text.trim() !== '';
  if (hasText && file !== undefined) {
    c.problem(fileInput, `give ${what} once: either ${c.name(textInput)} or ${c.name(fileInput)}, not both`);
    return undefined;
  }
  if (hasText) return text!.replace(/\r\n/g, '\n').trim() + '\n';
  if (file === undefined) {
    c.problem(
      textInput,
      `is required with ${c.name('tls')}: custom; give ${what} as PEM text in ${c.name(textInput)} (from a secret) or as a file in ${c.name(fileInput)}`,
    );
    return undefined;
  }
  try {
    return (options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(file).replace(/\r\n/g, '\n');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    c.problem(fileInput, `cannot read '${printable(file)}' (${code}); give the path of a PEM file on the agent`);
    return undefined;
  }
}
