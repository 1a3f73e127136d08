/**
 * Microsoft.ContainerService: ManagedClusters_Get (shape of the 2025-10-01 example),
 * listClusterUser/AdminCredential (kubeconfigs for the k8s module) and listKubernetesVersions.
 */
import { denied } from './authz';
import { armError, json, matchPath, type Handler, type Reply, type RequestContext } from '../server/http';
import { guidFrom, type EmulatorState } from '../server/state';
import { managedClusterId } from './ids';
import { kubeconfigYaml, type K8sDeps } from '../k8s/api-server';
import type { ManagedClusterRecord } from '../server/types';

export function clusterFqdn(c: ManagedClusterRecord): { fqdn?: string; privateFQDN?: string; azurePortalFQDN: string } {
  const loc = c.location.toLowerCase();
  const pub = `${c.dnsPrefix}-${c.fqdnSuffix}.hcp.${loc}.azmk8s.io`;
  const priv = `${c.dnsPrefix}-${c.fqdnSuffix}.${guidFrom(c.name).slice(0, 8)}.privatelink.${loc}.azmk8s.io`;
  const portal = `${c.dnsPrefix}-${c.fqdnSuffix}.portal.hcp.${loc}.azmk8s.io`;
  if (!c.enablePrivateCluster) return { fqdn: pub, azurePortalFQDN: portal };
  return c.enablePrivateClusterPublicFQDN
    ? { fqdn: pub, privateFQDN: priv, azurePortalFQDN: portal }
    : { privateFQDN: priv, azurePortalFQDN: portal };
}

export function renderManagedCluster(c: ManagedClusterRecord): Record<string, unknown> {
  const net = c.network ?? {};
  const access: Record<string, unknown> = { enablePrivateCluster: c.enablePrivateCluster };
  if (c.enablePrivateCluster) access.enablePrivateClusterPublicFQDN = c.enablePrivateClusterPublicFQDN;
  if (c.authorizedIPRanges.length > 0) access.authorizedIPRanges = [...c.authorizedIPRanges];
  return {
    id: managedClusterId(c.subscriptionId, c.resourceGroup, c.name),
    name: c.name,
    type: 'Microsoft.ContainerService/managedClusters',
    location: c.location,
    tags: { ...c.tags },
    sku: { name: 'Base', tier: 'Free' },
    properties: {
      provisioningState: c.provisioningState,
      powerState: { code: c.powerState },
      kubernetesVersion: c.kubernetesVersion,
      currentKubernetesVersion: c.currentKubernetesVersion,
      dnsPrefix: c.dnsPrefix,
      ...clusterFqdn(c),
      agentPoolProfiles: c.agentPools.map((p) => ({
        name: p.name,
        count: p.count,
        vmSize: p.vmSize,
        osType: p.osType,
        mode: p.mode,
        type: 'VirtualMachineScaleSets',
        maxPods: 110,
        provisioningState: 'Succeeded',
        powerState: { code: c.powerState },
        orchestratorVersion: c.kubernetesVersion,
        currentOrchestratorVersion: c.currentKubernetesVersion,
      })),
      enableRBAC: true,
      nodeResourceGroup: c.nodeResourceGroup,
      networkProfile: {
        networkPlugin: net.subnetId ? 'azure' : 'kubenet',
        loadBalancerSku: c.loadBalancerSku,
        outboundType: 'loadBalancer',
        serviceCidr: (net.serviceCidr as string) ?? '10.0.0.0/16',
        dnsServiceIP: (net.dnsServiceIP as string) ?? '10.0.0.10',
        ...(net.subnetId ? {} : { podCidr: '10.244.0.0/16' }),
      },
      apiServerAccessProfile: access,
      ...(c.aadManaged
        ? { aadProfile: { managed: true, enableAzureRBAC: true, tenantID: guidFrom(`tenant:${c.subscriptionId}`) } }
        : {}),
      disableLocalAccounts: c.disableLocalAccounts,
      maxAgentPools: 100,
    },
  };
}

export function createContainerServiceHandler(state: EmulatorState, k8s: K8sDeps): Handler {
  return (ctx) => {
    const s = ctx.segments;
    const mc = 'subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}';
    const get = matchPath(s, mc);
    if (get) {
      if (ctx.method !== 'GET') return undefined;
      ctx.operationId = 'ManagedClusters_Get';
      const c = lookup(ctx, state, get, 'Microsoft.ContainerService/managedClusters/read');
      return 'status' in c ? c : json(200, renderManagedCluster(c));
    }
    const cred = matchPath(s, `${mc}/{action}`);
    if (cred && ctx.method === 'POST') {
      const action = cred.action.toLowerCase();
      if (action !== 'listclusterusercredential' && action !== 'listclusteradmincredential') return undefined;
      const admin = action === 'listclusteradmincredential';
      ctx.operationId = admin
        ? 'ManagedClusters_ListClusterAdminCredentials'
        : 'ManagedClusters_ListClusterUserCredentials';
      const c = lookup(
        ctx,
        state,
        cred,
        admin
          ? 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action'
          : 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
      );
      if ('status' in c) return c;
      if (admin && c.disableLocalAccounts) {
        return armError(
          400,
          'BadRequest',
          'Getting static credential is not allowed because this cluster is set to disable local accounts.',
        );
      }
      const yaml = kubeconfigYaml(k8s, c, admin ? 'admin' : 'user');
      return json(200, {
        kubeconfigs: [{ name: admin ? 'clusterAdmin' : 'clusterUser', value: Buffer.from(yaml).toString('base64') }],
      });
    }
    const kv = matchPath(
      s,
      'subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions',
    );
    if (kv && ctx.method === 'GET') {
      ctx.operationId = 'ManagedClusters_ListKubernetesVersions';
      return json(200, {
        values: state.kubernetesVersions(kv.location).map((v) => ({
          version: v.version,
          ...(v.isDefault ? { isDefault: true } : {}),
          ...(v.isPreview ? { isPreview: true } : {}),
          capabilities: { supportPlan: ['KubernetesOfficial'] },
          patchVersions: Object.fromEntries(
            (v.patchVersions ?? []).map((p, i, all) => [p, { upgrades: all.slice(i + 1) }]),
          ),
        })),
      });
    }
    return undefined;
  };
}

function lookup(
  ctx: RequestContext,
  state: EmulatorState,
  m: Record<string, string>,
  action: string,
): ManagedClusterRecord | Reply {
  const c = state.liveManagedClusterByParts(m.sub, m.rg, m.name);
  if (!c) {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.ContainerService/managedClusters/${m.name}' under resource group '${m.rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  return denied(ctx, c.deniedPrincipals, action, managedClusterId(c.subscriptionId, c.resourceGroup, c.name)) ?? c;
}
