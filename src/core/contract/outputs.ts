/** The step outputs of INTERFACE.md: kebab-case for GitHub, camelCase for Azure Pipelines. */
export const OUTPUTS = [
  {
    name: 'result',
    ado: 'result',
    description:
      'created, attached, reattached, updated (changed in place), unchanged, detached, absent, or planned (dry run)',
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
  {
    name: 'tls-expires-on',
    ado: 'tlsExpiresOn',
    description:
      'ISO 8601 expiry of the certificate the compute serves (empty without TLS, or when it cannot be known)',
  },
  {
    name: 'tls-certificate-version',
    ado: 'tlsCertificateVersion',
    description: 'The Key Vault certificate version applied, with tls-certificate-id (empty otherwise)',
  },
  {
    name: 'extension-id',
    ado: 'extensionId',
    description: 'ARM id of the Azure ML extension (compute-type: kubernetes)',
  },
] as const;

export type OutputName = (typeof OUTPUTS)[number]['name'];

export type RunResult =
  'created' | 'attached' | 'reattached' | 'updated' | 'unchanged' | 'detached' | 'absent' | 'planned';
