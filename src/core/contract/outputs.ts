/** The step outputs of INTERFACE.md: kebab-case for GitHub, camelCase for Azure Pipelines. */
export const OUTPUTS = [
  {
    name: 'result',
    ado: 'result',
    description: 'created, attached, reattached, unchanged, detached, absent, or planned (dry run)',
  },
  { name: 'compute-id', ado: 'computeId', description: 'ARM id of the compute' },
  { name: 'cluster-id', ado: 'clusterId', description: 'ARM id of the AKS cluster' },
  { name: 'provisioning-state', ado: 'provisioningState', description: "The compute's final provisioning state" },
  {
    name: 'endpoint',
    ado: 'endpoint',
    description:
      'Where a DNS record for tls-cname must point: the scoring IP, or the Azure-generated FQDN with tls: auto',
  },
] as const;

export type OutputName = (typeof OUTPUTS)[number]['name'];

export type RunResult = 'created' | 'attached' | 'reattached' | 'unchanged' | 'detached' | 'absent' | 'planned';
