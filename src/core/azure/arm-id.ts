/** ARM resource ids of the resources the product touches; compared case-insensitively like ARM. */

export interface ManagedClusterId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** Canonical casing: /subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/… */
  readonly id: string;
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** Resource group names: 1-90 of letters, digits, '_', '-', '.', '(', ')', not ending with '.'. */
export const RESOURCE_GROUP_PATTERN = /^[-\w.()]{0,89}[-\w()]$/;
const RESOURCE_GROUP = '[-\\w.()]{0,89}[-\\w()]';
/** managedClusters resourceName pattern of the ContainerService spec. */
const CLUSTER_NAME = '[a-zA-Z0-9]|[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]';

const MANAGED_CLUSTER_ID = new RegExp(
  `^/subscriptions/(${GUID})/resourceGroups/(${RESOURCE_GROUP})/providers/Microsoft\\.ContainerService/managedClusters/(${CLUSTER_NAME})$`,
  'i',
);

export const SUBSCRIPTION_ID_PATTERN = new RegExp(`^${GUID}$`);

export function parseManagedClusterId(value: string): ManagedClusterId | undefined {
  const m = MANAGED_CLUSTER_ID.exec(value.replace(/\/+$/, ''));
  if (!m || !/^[\x20-\x7e]+$/.test(value)) return undefined;
  const [, subscriptionId, resourceGroup, name] = m;
  return {
    subscriptionId: subscriptionId.toLowerCase(),
    resourceGroup,
    name,
    id: `/subscriptions/${subscriptionId.toLowerCase()}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`,
  };
}

export function sameResourceId(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
}

export function computeResourceId(
  subscriptionId: string,
  resourceGroup: string,
  workspace: string,
  compute: string,
): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace}/computes/${compute}`;
}

/** Where a compute lives: the workspace coordinates and the compute name. */
export interface ComputeTarget {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspaceName: string;
  readonly computeName: string;
}
