/**
 * The catalogue of inputs of INTERFACE.md. action.yml and task.json are checked against it by a
 * test, so names, defaults and allowed values live here once.
 */
export interface InputDefinition {
  /** GitHub Action name (kebab-case). */
  readonly name: string;
  /** Azure DevOps task name (camelCase); undefined when the input exists on GitHub only. */
  readonly ado?: string;
  readonly default?: string;
  readonly allowed?: readonly string[];
  readonly required?: boolean;
  /** Holds secret material: masked as soon as it is read. */
  readonly secret?: boolean;
  readonly description: string;
}

export const INPUTS = [
  {
    name: 'subscription-id',
    ado: 'subscriptionId',
    description:
      'Subscription of the workspace. Defaults to the subscription of `creds` (GitHub) or of the service connection (Azure DevOps).',
  },
  {
    name: 'resource-group',
    ado: 'resourceGroup',
    required: true,
    description: 'Resource group of the Azure Machine Learning workspace.',
  },
  { name: 'workspace-name', ado: 'workspaceName', required: true, description: 'Azure Machine Learning workspace.' },
  {
    name: 'compute-name',
    ado: 'computeName',
    required: true,
    description:
      'Compute name in the workspace: 3-24 characters, letters, digits and hyphens, starting with a letter and ending with a letter or digit.',
  },
  {
    name: 'operation',
    ado: 'operation',
    default: 'ensure',
    allowed: ['ensure', 'refresh', 'detach'],
    description:
      '`ensure` attaches or creates when missing and reattaches only on drift; `refresh` always detaches and reattaches (updates Azure ML components, rotates certificates); `detach` removes the compute and keeps the cluster.',
  },
  {
    name: 'aks-resource-id',
    ado: 'aksResourceId',
    description:
      'Full ARM id of an existing AKS cluster to attach (may be in another subscription or region). Leave empty to create a new cluster through Azure ML.',
  },
  {
    name: 'cluster-purpose',
    ado: 'clusterPurpose',
    default: 'production',
    allowed: ['production', 'dev-test'],
    description: '`production` (at least 3 nodes and 12 vCPUs) or `dev-test` (at least 1 node).',
  },
  {
    name: 'location',
    ado: 'location',
    description: "Region of a new cluster (create only). Default: the workspace's region.",
  },
  {
    name: 'agent-count',
    ado: 'agentCount',
    description:
      'Number of nodes of a new cluster (create only). Default 3; production needs at least 3, dev-test at least 1.',
  },
  {
    name: 'vm-size',
    ado: 'vmSize',
    description: 'VM size of the nodes of a new cluster (create only). Default Standard_D3_v2.',
  },
  {
    name: 'vnet-resource-group',
    ado: 'vnetResourceGroup',
    description: 'Resource group of the virtual network of a new cluster (create only).',
  },
  { name: 'vnet-name', ado: 'vnetName', description: 'Virtual network of a new cluster (create only).' },
  { name: 'subnet-name', ado: 'subnetName', description: 'Subnet of a new cluster (create only).' },
  {
    name: 'service-cidr',
    ado: 'serviceCidr',
    description: 'Kubernetes service address range of a new cluster, e.g. 10.0.0.0/16 (create only).',
  },
  {
    name: 'dns-service-ip',
    ado: 'dnsServiceIp',
    description: 'Kubernetes DNS service IP of a new cluster, inside service-cidr, e.g. 10.0.0.10 (create only).',
  },
  {
    name: 'docker-bridge-cidr',
    ado: 'dockerBridgeCidr',
    description: 'Docker bridge address range of a new cluster, e.g. 172.17.0.1/16 (create only).',
  },
  {
    name: 'load-balancer-type',
    ado: 'loadBalancerType',
    default: 'public',
    allowed: ['public', 'internal'],
    description: '`public` (public IP) or `internal` (private IP in the virtual network; no TLS).',
  },
  {
    name: 'load-balancer-subnet',
    ado: 'loadBalancerSubnet',
    description: 'Subnet of the internal load balancer (with load-balancer-type: internal).',
  },
  {
    name: 'tls',
    ado: 'tls',
    default: 'disabled',
    allowed: ['disabled', 'auto', 'custom', 'keep'],
    description:
      '`disabled`, `auto` (Microsoft certificate; needs leaf-domain-label), `custom` (your certificate and key), or `keep` (reattach with the certificate and key the cluster serves now, read from its azuremlfessl secret).',
  },
  {
    name: 'leaf-domain-label',
    ado: 'leafDomainLabel',
    description: 'With tls: auto, the label of the generated name <label>######.<region>.cloudapp.azure.com.',
  },
  {
    name: 'overwrite-existing-domain',
    ado: 'overwriteExistingDomain',
    default: 'false',
    allowed: ['true', 'false'],
    description: 'With tls: auto, overwrite an existing domain with the same leaf domain label.',
  },
  {
    name: 'tls-cert',
    ado: 'tlsCert',
    description: 'With tls: custom, the certificate (PEM text, may include the chain). Pass it from a secret.',
  },
  {
    name: 'tls-key',
    ado: 'tlsKey',
    secret: true,
    description: 'With tls: custom, the private key (PEM text) of tls-cert. Pass it from a secret.',
  },
  {
    name: 'tls-cert-file',
    ado: 'tlsCertFile',
    description: 'With tls: custom, a PEM file with the certificate, instead of tls-cert.',
  },
  {
    name: 'tls-key-file',
    ado: 'tlsKeyFile',
    description: 'With tls: custom, a PEM file with the private key, instead of tls-key.',
  },
  {
    name: 'tls-cname',
    ado: 'tlsCname',
    description:
      'The DNS name the certificate is for (tls: custom). With tls: keep it defaults to the current cname of the compute.',
  },
  {
    name: 'tls-certificate-id',
    ado: 'tlsCertificateId',
    description:
      'With tls: custom, instead of tls-cert/tls-key: an Azure Key Vault certificate identifier, https://<vault>.vault.azure.net/certificates/<name>[/<version>] (or its secret identifier, .../secrets/<name>[/<version>]). Without a version the current one is applied, and a version Key Vault renewed is applied on the next run. Read with the same sign-in as Azure Resource Manager.',
  },
  {
    name: 'renew-within-days',
    ado: 'renewWithinDays',
    default: '30',
    description:
      'With tls: auto, renew the Microsoft-generated certificate in place when the served one expires within this many days (Azure renews only within 70: a larger value acts as 70; a renewal is requested at most once in 24 hours); with tls: custom, warn when the given certificate does (0: never).',
  },
  {
    name: 'compute-type',
    ado: 'computeType',
    default: 'aks',
    allowed: ['aks', 'kubernetes'],
    description:
      '`aks`: the v1 inference compute (type AKS). `kubernetes`: the v2 compute (type Kubernetes) with the Azure ML extension installed or updated in place on the cluster.',
  },
  {
    name: 'namespace',
    ado: 'namespace',
    default: 'default',
    description: 'With compute-type: kubernetes, the Kubernetes namespace of the compute (it must exist).',
  },
  {
    name: 'extension-name',
    ado: 'extensionName',
    default: 'azureml',
    description: 'With compute-type: kubernetes, the name of the Azure ML extension resource on the cluster.',
  },
  {
    name: 'migrate-from',
    ado: 'migrateFrom',
    description:
      'With compute-type: kubernetes, the name of the v1 AKS compute of the same workspace attached to the same cluster: the v2 compute is set up beside it (azureml-fe annotated, the extension installed with scoringFe.enableUpgrade=true, then the Kubernetes compute attached); the v1 compute stays attached.',
  },
  {
    name: 'pr-comment',
    ado: 'prComment',
    default: 'auto',
    allowed: ['auto', 'off'],
    description:
      '`auto`: on a pull request run, post the plan (dry run) or the outcome as one comment per compute and update it on later runs; `off`: never. A missing permission gives a notice, never a failed step.',
  },
  {
    name: 'github-token',
    default: '${{ github.token }}',
    secret: true,
    description:
      'Token for the pull-request comment (the job needs permissions: pull-requests: write). Azure DevOps uses the job access token (System.AccessToken).',
  },
  {
    name: 'replace',
    ado: 'replace',
    default: 'false',
    allowed: ['true', 'false'],
    description: 'Allow re-binding an existing compute name to a different cluster (detach, then attach the new one).',
  },
  {
    name: 'dry-run',
    ado: 'dryRun',
    default: 'false',
    allowed: ['true', 'false'],
    description: 'Print the plan and change nothing.',
  },
  {
    name: 'timeout-minutes',
    ado: 'timeoutMinutes',
    default: '30',
    description: 'Give up waiting on Azure after this many minutes (1-240).',
  },
  // GitHub-only authentication and cloud inputs; Azure DevOps takes these from the service connection.
  {
    name: 'creds',
    secret: true,
    description:
      'JSON as taken by azure/login: {"clientId","clientSecret","subscriptionId","tenantId"}. Its subscriptionId is the default for subscription-id.',
  },
  {
    name: 'client-id',
    description:
      'Client (application) id of a service principal or user-assigned managed identity. With tenant-id and no client-secret: GitHub OIDC (needs permissions: id-token: write).',
  },
  { name: 'tenant-id', description: 'Microsoft Entra tenant id.' },
  { name: 'client-secret', secret: true, description: 'Client secret of the service principal (prefer OIDC).' },
  {
    name: 'environment',
    default: 'AzureCloud',
    allowed: ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'],
    description: 'Azure cloud.',
  },
  {
    name: 'arm-endpoint',
    description:
      'Resource Manager endpoint for Azure Stack or another custom cloud, e.g. https://management.local.azurestack.external/',
  },
  {
    name: 'authority-host',
    description: 'Microsoft Entra authority for a custom cloud, e.g. https://login.microsoftonline.com/',
  },
] as const satisfies readonly InputDefinition[];

export type InputName = (typeof INPUTS)[number]['name'];

/** Reads one input in its raw form; an empty or all-whitespace value reads as undefined. */
export type InputReader = (name: InputName) => string | undefined;

export function inputDefinition(name: InputName): InputDefinition {
  const found = (INPUTS as readonly InputDefinition[]).find((d) => d.name === name);
  if (!found) throw new Error(`unknown input ${name}`);
  return found;
}
