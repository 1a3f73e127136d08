/**
 * Inputs → desired state. Every input is checked here, before anything is read from or sent to
 * Azure, and every problem is reported at once, each naming the input and what is accepted.
 */
import { parseManagedClusterId, RESOURCE_GROUP_PATTERN, SUBSCRIPTION_ID_PATTERN } from '../azure/arm-id';
import { InputError } from '../contract/errors';
import type { InputName } from '../contract/inputs';
import { InputCollector, printable, type DesiredOptions } from './collector';
import {
  DEFAULT_AGENT_COUNT,
  DEFAULT_RENEW_WITHIN_DAYS,
  DEFAULT_VM_SIZE,
  MIN_NODES,
  type ClusterPurpose,
  type ClusterSource,
  type ComputeTarget,
  type DesiredCompute,
  type DesiredState,
  type LoadBalancerType,
  type Operation,
} from './model';
import { readNetwork } from './network-inputs';
import { COMPUTE_NAME, LOCATION, SUBNET_NAME, VM_SIZE, WORKSPACE_NAME } from './patterns';
import { readTls } from './tls-inputs';
import { renewalWindowWarning } from './renewal-window';
import { readKubernetesInputs } from './kubernetes-inputs';

export type { DesiredOptions } from './collector';

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
  // Checked with the others, before any change; the step reads it after the run (pull-request/post.ts).
  c.choice<'auto' | 'off'>('pr-comment');

  const kubernetes = readKubernetesInputs(c, operation);
  const compute =
    operation === 'detach'
      ? undefined
      : readDesiredCompute(c, options, warnings, target.subscriptionId, kubernetes !== undefined);

  if (c.problems.length > 0) throw new InputError(c.problems);
  return { target, operation, compute, replace, dryRun, timeoutMinutes, warnings, ...(kubernetes && { kubernetes }) };
}

function readDesiredCompute(
  c: InputCollector,
  options: DesiredOptions,
  warnings: string[],
  subscriptionId: string,
  kubernetes: boolean,
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
  const renewWithinDays = c.integer('renew-within-days', 0, 365, DEFAULT_RENEW_WITHIN_DAYS);
  const tls = readTls(c, options, warnings, renewWithinDays);
  const windowWarning = renewalWindowWarning(tls.mode, renewWithinDays, c.name('renew-within-days'));
  if (windowWarning) warnings.push(windowWarning);
  // A v1 limitation: the v2 extension serves TLS behind an internal load balancer too.
  if (!kubernetes && tls.mode !== 'disabled' && loadBalancerType === 'InternalLoadBalancer') {
    c.problem(
      'tls',
      `'${c.raw('tls') ?? ''}' cannot be used with ${c.name('load-balancer-type')}: internal (Azure ML does not support TLS termination on an internal load balancer); use tls: disabled or a public load balancer`,
    );
  }
  return { source, purpose, loadBalancerType, loadBalancerSubnet, tls, renewWithinDays };
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
      `${agentCount} is too few for a production cluster: it needs at least ${MIN_NODES.FastProd} nodes; use ${c.name('cluster-purpose')}: dev-test for fewer`,
    );
  }
  const vmSize = c.optional('vm-size', VM_SIZE, 'a VM size such as Standard_D3_v2') ?? DEFAULT_VM_SIZE;
  return { mode: 'create', location, agentCount, vmSize, network: readNetwork(c, subscriptionId) };
}
