/**
 * The how-to's limitations for attaching an existing AKS cluster, as a pure function:
 * (cluster as ARM returns it, desired purpose and load balancer, region's versions) → findings.
 * A `failure` stops the run before any change; a `warning` is advice the how-to gives.
 *
 * Longer than the project's ~250 lines on purpose: it is the catalogue of the how-to's rules,
 * one small function each, read top to bottom as the how-to lists them.
 */
import type {
  KubernetesVersionListResult,
  ManagedCluster,
  ManagedClusterAgentPoolProfile,
} from '@azure/arm-containerservice';
import { MIN_NODES, type ClusterPurpose, type LoadBalancerType } from '../desired/model';
import { describeVmSize } from './vm-sizes';

export type FindingLevel = 'pass' | 'warning' | 'failure';
export type ClusterRule =
  | 'state'
  | 'size'
  | 'node-pools'
  | 'private-fqdn'
  | 'load-balancer'
  | 'authorized-ip-ranges'
  | 'kubernetes-version'
  | 'volume-driver';

export interface ClusterFinding {
  readonly rule: ClusterRule;
  readonly level: FindingLevel;
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
}

export interface ClusterRuleInput {
  readonly purpose: ClusterPurpose;
  readonly loadBalancerType: LoadBalancerType;
  /** Kubernetes versions AKS supports in the cluster's region; absent when they could not be read. */
  readonly versions?: KubernetesVersionListResult;
  /** Why the versions could not be read (the version rule is then skipped with a warning). */
  readonly versionsUnavailable?: string;
}

/** The how-to's attach example: "If the cluster has less than 12 virtual CPUs", use dev-test. */
export const MIN_PRODUCTION_VCPUS = 12;

export function evaluateCluster(cluster: ManagedCluster, input: ClusterRuleInput): ClusterFinding[] {
  return [
    ...stateRule(cluster),
    ...sizeRule(cluster, input.purpose),
    ...nodePoolRule(cluster),
    ...privateFqdnRule(cluster),
    ...loadBalancerRules(cluster, input.loadBalancerType),
    ...versionRule(cluster, input),
    ...volumeDriverRule(cluster),
  ];
}

type Pool = ManagedClusterAgentPoolProfile;

/**
 * The pools Azure ML deploys models to. The how-to: models cannot be deployed to a secondary node
 * pool, so only the default pool counts; AKS marks it (and any other system pool) mode System.
 * Without modes (older clusters) the first pool is the default one. Windows pools never count.
 */
export function defaultPools(cluster: ManagedCluster): { serving: Pool[]; secondary: Pool[] } {
  const pools = cluster.agentPoolProfiles ?? [];
  const linux = (p: Pool) => (p.osType ?? 'Linux').toLowerCase() === 'linux';
  const withModes = pools.some((p) => p.mode !== undefined);
  const serving = withModes
    ? pools.filter((p) => linux(p) && p.mode?.toLowerCase() === 'system')
    : pools.filter(linux).slice(0, 1);
  return { serving, secondary: pools.filter((p) => !serving.includes(p)) };
}

const poolText = (p: Pool) => `'${p.name ?? '?'}' (${p.count ?? 0} × ${p.vmSize ?? 'unknown size'})`;

function stateRule(cluster: ManagedCluster): ClusterFinding[] {
  const name = cluster.name ?? 'the cluster';
  if (cluster.powerState?.code?.toLowerCase() === 'stopped') {
    return [
      {
        rule: 'state',
        level: 'failure',
        message: `${name} is stopped; Azure ML installs its components through the cluster's API server, which a stopped cluster does not run`,
        hint: `Start it (az aks start -g ${resourceGroupOf(cluster)} -n ${name}) and re-run.`,
      },
    ];
  }
  const state = cluster.provisioningState ?? 'Unknown';
  const lower = state.toLowerCase();
  if (lower === 'succeeded')
    return [{ rule: 'state', level: 'pass', message: `${name} is running (provisioning state Succeeded)` }];
  if (lower === 'canceled') {
    // A cancelled AKS operation leaves the cluster as it was before it; attaching is possible.
    return [
      {
        rule: 'state',
        level: 'warning',
        message: `the last AKS operation on ${name} was canceled (provisioning state Canceled); the attach goes ahead on the cluster as it is`,
      },
    ];
  }
  if (lower === 'failed') {
    return [
      {
        rule: 'state',
        level: 'failure',
        message: `${name} is in provisioning state Failed; Azure ML cannot install its components on a broken cluster`,
        hint: `Repair it first (az aks update -g ${resourceGroupOf(cluster)} -n ${name} reconciles it), then re-run.`,
      },
    ];
  }
  if (lower.endsWith('ing')) {
    // A refresh detaches first: attaching to a cluster in mid-operation could leave the compute detached.
    return [
      {
        rule: 'state',
        level: 'failure',
        message: `${name} is ${state} (an AKS operation is in progress); only a settled cluster is attached, so that a failed attach cannot leave the compute detached`,
        hint: 'Re-run this step when the AKS operation has finished.',
      },
    ];
  }
  return [
    {
      rule: 'state',
      level: 'warning',
      message: `${name} reports provisioning state ${state}, which this tool does not know; the attach goes ahead`,
    },
  ];
}

function sizeRule(cluster: ManagedCluster, purpose: ClusterPurpose): ClusterFinding[] {
  const { serving } = defaultPools(cluster);
  const nodes = serving.reduce((n, p) => n + (p.count ?? 0), 0);
  const minimum = MIN_NODES[purpose];
  const pools = serving.length > 0 ? serving.map(poolText).join(', ') : 'no Linux system pool';
  const purposeText = purpose === 'FastProd' ? 'production' : 'dev-test';
  if (nodes < minimum) {
    return [
      {
        rule: 'size',
        level: 'failure',
        message: `a ${purposeText} cluster needs at least ${minimum} node(s) in its default node pool; ${nameOf(cluster)} has ${nodes} (${pools})`,
        hint:
          purpose === 'FastProd'
            ? 'Use cluster-purpose: dev-test, or scale the default node pool to 3 or more nodes (az aks scale).'
            : 'Scale the default node pool to at least 1 node (az aks scale).',
      },
    ];
  }
  if (purpose !== 'FastProd')
    return [{ rule: 'size', level: 'pass', message: `${nodes} node(s) in ${pools}: enough for dev-test` }];

  const unknown = serving.filter((p) => describeVmSize(p.vmSize).vcpus === undefined);
  if (unknown.length > 0) {
    return [
      {
        rule: 'size',
        level: 'warning',
        message: `the vCPUs of VM size ${unknown.map((p) => p.vmSize ?? '(none)').join(', ')} are not in this tool's table, so the production rule of ${MIN_PRODUCTION_VCPUS} vCPUs was not checked (${nodes} nodes are enough); Azure ML checks it when attaching`,
      },
    ];
  }
  const vcpus = serving.reduce((n, p) => n + (p.count ?? 0) * describeVmSize(p.vmSize).vcpus!, 0);
  if (vcpus < MIN_PRODUCTION_VCPUS) {
    return [
      {
        rule: 'size',
        level: 'failure',
        message: `a production cluster needs at least ${MIN_PRODUCTION_VCPUS} vCPUs in its default node pool; ${nameOf(cluster)} has ${vcpus} (${pools})`,
        hint: 'Use cluster-purpose: dev-test, or scale the default node pool or give it a larger VM size.',
      },
    ];
  }
  return [
    { rule: 'size', level: 'pass', message: `${nodes} nodes and ${vcpus} vCPUs in ${pools}: enough for production` },
  ];
}

function nodePoolRule(cluster: ManagedCluster): ClusterFinding[] {
  return defaultPools(cluster).secondary.flatMap((p): ClusterFinding[] => {
    const accelerator = describeVmSize(p.vmSize).accelerator;
    if (!accelerator) return [];
    return [
      {
        rule: 'node-pools',
        level: 'warning',
        message: `node pool ${poolText(p)} has ${accelerator} nodes but is a secondary pool: Azure ML does not deploy models to secondary node pools, so no model can use them`,
        hint: `To serve models on ${accelerator} nodes, attach a cluster whose default node pool has that VM size.`,
      },
    ];
  });
}

function privateFqdnRule(cluster: ManagedCluster): ClusterFinding[] {
  const access = cluster.apiServerAccessProfile;
  if (!access?.enablePrivateCluster) return [];
  if (access.enablePrivateClusterPublicFqdn) {
    return [
      {
        rule: 'private-fqdn',
        level: 'failure',
        message: `${nameOf(cluster)} is a private cluster with a public FQDN, which Azure Machine Learning does not support`,
        hint: `Remove the public FQDN (az aks update -g ${resourceGroupOf(cluster)} -n ${nameOf(cluster)} --disable-public-fqdn) or attach another cluster.`,
      },
    ];
  }
  return [
    {
      rule: 'private-fqdn',
      level: 'pass',
      message: `${nameOf(cluster)} is a private cluster (Private Link, no public FQDN): supported`,
    },
  ];
}

function loadBalancerRules(cluster: ManagedCluster, loadBalancerType: LoadBalancerType): ClusterFinding[] {
  const sku = cluster.networkProfile?.loadBalancerSku?.toLowerCase();
  const ranges = cluster.apiServerAccessProfile?.authorizedIPRanges ?? [];
  const out: ClusterFinding[] = [];
  if (ranges.length > 0 && sku === 'basic') {
    out.push({
      rule: 'authorized-ip-ranges',
      level: 'failure',
      message: `${nameOf(cluster)} limits its API server to authorized IP ranges but has a Basic load balancer; authorized IP ranges only work with a Standard load balancer`,
      hint: 'Attach a cluster with a Standard load balancer (az aks create --load-balancer-sku standard), or remove the authorized IP ranges.',
    });
  } else if (ranges.length > 0) {
    out.push({
      rule: 'authorized-ip-ranges',
      level: 'warning',
      message: `${nameOf(cluster)} accepts API server calls only from ${ranges.length} authorized IP range(s): they must include the Azure Machine Learning control plane ranges of the workspace's region and its paired region, or Azure ML cannot deploy inference pods`,
      hint: 'Take the ranges of the AzureMachineLearning service tag from "Azure IP Ranges and Service Tags" (https://www.microsoft.com/download/details.aspx?id=56519).',
    });
  }
  // No rule ties an internal load balancer to a SKU: clusters that Azure ML creates have a Basic
  // load balancer (the how-to's first limitation) and the how-to offers InternalLoadBalancer for them.
  const scoring =
    loadBalancerType === 'InternalLoadBalancer'
      ? 'an internal load balancer (private IP) works with either SKU'
      : 'scoring uses a public IP';
  out.push({ rule: 'load-balancer', level: 'pass', message: `load balancer SKU ${sku ?? 'not reported'}; ${scoring}` });
  return out;
}

const MINOR = /^v?(\d+)\.(\d+)/;

function minorOf(version: string | undefined): [number, number] | undefined {
  const m = MINOR.exec(version ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const compareMinor = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

function versionRule(cluster: ManagedCluster, input: ClusterRuleInput): ClusterFinding[] {
  const current = cluster.currentKubernetesVersion ?? cluster.kubernetesVersion ?? '';
  const minor = minorOf(current);
  const region = cluster.location ?? "the cluster's region";
  if (!minor)
    return [
      {
        rule: 'kubernetes-version',
        level: 'warning',
        message: `${nameOf(cluster)} reports no Kubernetes version; the version check was skipped`,
      },
    ];
  const listed = (input.versions?.values ?? [])
    .map((v) => ({ version: v.version ?? '', minor: minorOf(v.version), preview: v.isPreview === true }))
    .filter((v): v is { version: string; minor: [number, number]; preview: boolean } => v.minor !== undefined)
    .sort((a, b) => compareMinor(a.minor, b.minor));
  if (listed.length === 0) {
    const why = input.versionsUnavailable ? ` (${input.versionsUnavailable})` : '';
    return [
      {
        rule: 'kubernetes-version',
        level: 'warning',
        message: `could not read the Kubernetes versions AKS supports in ${region}${why}, so Kubernetes ${current} was not checked; Azure ML checks it when attaching`,
      },
    ];
  }
  const supported = listed.map((v) => (v.preview ? `${v.version} (preview)` : v.version)).join(', ');
  const entry = listed.find((v) => compareMinor(v.minor, minor) === 0);
  if (!entry && compareMinor(minor, listed[0].minor) < 0) {
    return [
      {
        rule: 'kubernetes-version',
        level: 'failure',
        message: `${nameOf(cluster)} runs Kubernetes ${current}, which AKS no longer supports in ${region}; Azure ML refuses to attach it. Supported versions: ${supported}`,
        hint: `Upgrade the cluster (az aks upgrade -g ${resourceGroupOf(cluster)} -n ${nameOf(cluster)} --kubernetes-version <version>) and re-run.`,
      },
    ];
  }
  if (!entry) {
    return [
      {
        rule: 'kubernetes-version',
        level: 'warning',
        message: `Kubernetes ${current} is not among the versions AKS lists for ${region} (${supported}); Azure ML may refuse it`,
      },
    ];
  }
  if (entry.preview) {
    return [
      {
        rule: 'kubernetes-version',
        level: 'warning',
        message: `Kubernetes ${current} is a preview version: it can be attached, but previews have no SLA and are not advised for production workloads`,
      },
    ];
  }
  return [
    {
      rule: 'kubernetes-version',
      level: 'pass',
      message: `Kubernetes ${current} is supported in ${region} (${supported})`,
    },
  ];
}

/**
 * The how-to: AKS mounts blobs with the blobfuse FlexVolume driver up to 1.16 and the blob CSI
 * driver from 1.17, and web services must be redeployed after an upgrade across that line.
 * Warned when the cluster is upgrading across it (current ≠ target), or still runs ≤ 1.16.
 */
function volumeDriverRule(cluster: ManagedCluster): ClusterFinding[] {
  const current = minorOf(cluster.currentKubernetesVersion ?? cluster.kubernetesVersion);
  const target = minorOf(cluster.kubernetesVersion);
  if (!current) return [];
  const flexVolume = (v: [number, number]) => compareMinor(v, [1, 16]) <= 0;
  if (target && flexVolume(current) !== flexVolume(target)) {
    return [
      {
        rule: 'volume-driver',
        level: 'warning',
        message: `${nameOf(cluster)} is moving from Kubernetes ${cluster.currentKubernetesVersion ?? '(unknown)'} to ${cluster.kubernetesVersion ?? '(unknown)'}, across 1.16 → 1.17, where AKS changes from the blobfuse FlexVolume driver to the blob CSI driver`,
        hint: 'Redeploy (or update) the web services of this compute once the upgrade has finished.',
      },
    ];
  }
  if (flexVolume(current)) {
    return [
      {
        rule: 'volume-driver',
        level: 'warning',
        message: `${nameOf(cluster)} runs Kubernetes ${cluster.currentKubernetesVersion ?? cluster.kubernetesVersion ?? '(unknown)'} (blobfuse FlexVolume driver); from 1.17 on AKS uses the blob CSI driver`,
        hint: 'After upgrading the cluster to 1.17 or later, redeploy (or update) the web services of this compute.',
      },
    ];
  }
  return [];
}

function nameOf(cluster: ManagedCluster): string {
  return cluster.name ?? 'the cluster';
}

function resourceGroupOf(cluster: ManagedCluster): string {
  return /\/resourceGroups\/([^/]+)\//i.exec(cluster.id ?? '')?.[1] ?? '<resource-group>';
}
