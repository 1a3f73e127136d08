/** ARM resource ids. ARM compares ids case-insensitively, so every lookup key is lower-cased. */

export function workspaceId(sub: string, rg: string, ws: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
}

export function computeId(sub: string, rg: string, ws: string, name: string): string {
  return `${workspaceId(sub, rg, ws)}/computes/${name}`;
}

export function managedClusterId(sub: string, rg: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

export function key(...parts: string[]): string {
  return parts.join('/').toLowerCase();
}

export interface ParsedClusterId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const CLUSTER_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)\/?$/i;

export function parseManagedClusterId(id: string): ParsedClusterId | undefined {
  const m = CLUSTER_ID.exec(id.trim());
  return m ? { subscriptionId: m[1], resourceGroup: m[2], name: m[3] } : undefined;
}
