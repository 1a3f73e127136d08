/**
 * The baseline: the same run done the straightforward way, with the SDK's own long-running-
 * operation handling — beginCreateOrUpdateAndWait / beginDeleteAndWait with default options
 * (@azure/arm-machinelearning 2.1.1 on core-lro 2.x) and the SDK's default retry policies.
 * It reads what the product reads (so that the comparison isolates waiting, not reading): the
 * compute; when attaching anew, the workspace (its region) and the list of computes; before an
 * attach, the cluster and the Kubernetes versions of its region.
 *
 * Usage: node build/scripts/bench/sdk-baseline.js '<BaselineConfig JSON>'
 * Prints one JSON line: {result, resultAt (epoch ms, when the SDK call returned), error?}.
 * The process then ends by itself, whenever Node has nothing left to do.
 */
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { AzureMachineLearningWorkspaces, type ComputeResource } from '@azure/arm-machinelearning';
import { ClientSecretCredential } from '@azure/identity';
import type { BaselineConfig } from './proc';

async function main(config: BaselineConfig): Promise<string> {
  const credential = new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
    authorityHost: config.authorityHost,
    disableInstanceDiscovery: true,
  });
  const options = {
    endpoint: config.armEndpoint,
    $host: config.armEndpoint,
    credentialScopes: [`${config.armEndpoint}/.default`],
  };
  const ml = new AzureMachineLearningWorkspaces(credential, config.subscriptionId, options);
  const { resourceGroup: rg, workspaceName: ws, computeName: name } = config;

  const existing = await ml.computeOperations.get(rg, ws, name).catch((error: { statusCode?: number }) => {
    if (error.statusCode === 404) return undefined;
    throw error;
  });
  if (config.operation === 'rotate') {
    // An update in place the straightforward way (azureml-core's AksCompute.update): PUT the compute as read with the new certificate.
    if (!existing?.properties || !config.tls) throw new Error('rotate needs an attached compute and a certificate');
    const aks = (existing.properties as { properties?: Record<string, unknown> }).properties ?? {};
    const sslConfiguration = { status: 'Enabled', ...config.tls };
    const properties = {
      ...existing.properties,
      properties: { ...aks, sslConfiguration },
    } as ComputeResource['properties'];
    await ml.computeOperations.beginCreateOrUpdateAndWait(rg, ws, name, { ...existing, properties });
    return 'updated';
  }
  const boundTo = (existing?.properties as { resourceId?: string } | undefined)?.resourceId;
  if (
    config.operation === 'ensure' &&
    existing &&
    (!config.clusterId || boundTo?.toLowerCase() === config.clusterId.toLowerCase())
  )
    return 'unchanged';

  let location = existing?.location ?? config.location;
  if (!existing) {
    const [workspace] = await Promise.all([
      location ? Promise.resolve(undefined) : ml.workspaces.get(rg, ws),
      config.clusterId ? collect(ml.computeOperations.list(rg, ws)) : Promise.resolve([]),
    ]);
    location ??= workspace?.location;
  }
  if (config.clusterId) {
    const [, , sub, , group, , , , clusterName] = config.clusterId.split('/');
    const cs = new ContainerServiceClient(credential, sub, options);
    const cluster = await cs.managedClusters.get(group, clusterName);
    await cs.managedClusters.listKubernetesVersions(cluster.location);
  }

  if (existing) await ml.computeOperations.beginDeleteAndWait(rg, ws, name, 'Detach');
  const body: ComputeResource = {
    location,
    tags: { 'managed-by': 'aks-aml-attach' },
    properties: {
      computeType: 'AKS',
      ...(config.clusterId ? { resourceId: config.clusterId } : {}),
      properties: {
        clusterPurpose: 'FastProd',
        loadBalancerType: 'PublicIp',
        sslConfiguration: { status: 'Disabled' },
        ...(config.clusterId ? {} : { agentCount: 3, agentVmSize: 'Standard_D3_v2' }),
      },
    },
  };
  await ml.computeOperations.beginCreateOrUpdateAndWait(rg, ws, name, body);
  return existing ? 'reattached' : config.clusterId ? 'attached' : 'created';
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

main(JSON.parse(process.argv[2] ?? '{}') as BaselineConfig).then(
  (result) => console.log(JSON.stringify({ result, resultAt: Date.now() })),
  (error: unknown) => {
    console.log(
      JSON.stringify({
        result: 'failed',
        resultAt: Date.now(),
        error: error instanceof Error ? error.message.split('\n')[0] : String(error),
      }),
    );
    process.exitCode = 1;
  },
);
