/**
 * Just enough of a Kubernetes API server per managed cluster to read the `azuremlfessl`
 * secret that holds the scoring front end's TLS certificate and key (what `tls: keep` reads),
 * the azureml-fe leftovers, and the namespaces and azureml-fe deployment of the v1 → v2
 * coexistence path (front-end.ts). Kubeconfigs from listCluster*Credential point here, with a
 * bearer token per cluster; the admin token may always write, the user one unless kubernetesReadOnly.
 */
import { textOf } from '../server/text';
import * as crypto from 'node:crypto';
import { header, json, matchPath, type Handler, type Reply } from '../server/http';
import { managedClusterId } from '../arm/ids';
import type { EmulatorState } from '../server/state';
import type { ComputeRecord, EmulatorSettings, ManagedClusterRecord } from '../server/types';
import { servedTls } from '../arm/captured-renewal';
import { clusterObject, hasFrontEnd, k8sStatus as status } from './front-end';

export interface K8sDeps {
  state: EmulatorState;
  settings: () => EmulatorSettings;
  baseUrl: () => string;
  caCertPem: string;
}

export function clusterKey(c: { subscriptionId: string; resourceGroup: string; name: string }): string {
  return crypto
    .createHash('sha256')
    .update(managedClusterId(c.subscriptionId, c.resourceGroup, c.name).toLowerCase())
    .digest('hex')
    .slice(0, 20);
}

export function kubeconfigYaml(deps: K8sDeps, c: ManagedClusterRecord, role: 'user' | 'admin'): string {
  const user = `${role === 'admin' ? 'clusterAdmin' : 'clusterUser'}_${c.resourceGroup}_${c.name}`;
  const token = role === 'admin' ? c.adminToken : c.userToken;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(deps.caCertPem).toString('base64')}`,
    `    server: ${deps.baseUrl()}/k8s/${clusterKey(c)}`,
    `  name: ${c.name}`,
    'contexts:',
    '- context:',
    `    cluster: ${c.name}`,
    `    user: ${user}`,
    `  name: ${c.name}`,
    `current-context: ${c.name}`,
    'preferences: {}',
    'users:',
    `- name: ${user}`,
    '  user:',
    // Entra-integrated clusters hand users a kubelogin exec plugin instead of a credential.
    ...(role === 'user' && c.aadManaged
      ? [
          '    exec:',
          '      apiVersion: client.authentication.k8s.io/v1beta1',
          '      command: kubelogin',
          '      args:',
          '      - get-token',
          '      - --login',
          '      - devicecode',
        ]
      : [`    token: ${token}`]),
    '',
  ].join('\n');
}

/** The TLS material the cluster serves now: from the most recently modified compute bound to it. */
function currentTls(deps: K8sDeps, c: ManagedClusterRecord): ComputeRecord['tls'] {
  const state = deps.state;
  const id = managedClusterId(c.subscriptionId, c.resourceGroup, c.name).toLowerCase();
  const bound = state
    .allLiveComputes()
    .filter((x) => x.tls && textOf(x.properties.resourceId).toLowerCase() === id)
    .filter((x) => x.properties.provisioningState !== 'Creating' && x.properties.provisioningState !== 'Updating');
  bound.sort((a, b) => String(b.properties.modifiedOn).localeCompare(String(a.properties.modifiedOn)));
  return bound[0] && servedTls(bound[0], deps.settings());
}

export function createK8sHandler(deps: K8sDeps): Handler {
  return (ctx) => {
    if (ctx.kind !== 'k8s') return undefined;
    const key = ctx.segments[1];
    const cluster = deps.state.allLiveManagedClusters().find((c) => clusterKey(c) === key);
    if (!cluster) return status(404, 'NotFound', 'the server could not find the requested resource');
    const bearer = /^Bearer\s+(\S+)/i.exec(header(ctx, 'authorization') ?? '')?.[1];
    if (!bearer || (bearer !== cluster.userToken && bearer !== cluster.adminToken))
      return status(401, 'Unauthorized', 'Unauthorized');
    const writer = bearer === cluster.adminToken || !cluster.kubernetesReadOnly;
    const object = clusterObject(deps.state, cluster, ctx, ctx.segments.slice(2), writer);
    if (object) return object;
    const frontEnd = ctx.method === 'GET' ? frontEndObject(deps.state, cluster, ctx.segments.slice(2)) : undefined;
    if (frontEnd) return frontEnd;
    const m = matchPath(ctx.segments.slice(2), 'api/v1/namespaces/{ns}/secrets/{name}');
    if (!m || ctx.method !== 'GET') return status(404, 'NotFound', 'the server could not find the requested resource');
    ctx.operationId = 'CoreV1_ReadNamespacedSecret';
    const tls = m.ns === 'default' && m.name === 'azuremlfessl' ? currentTls(deps, cluster) : undefined;
    if (!tls) return status(404, 'NotFound', `secrets "${m.name}" not found`);
    return json(200, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'azuremlfessl', namespace: 'default' },
      type: 'Opaque',
      data: {
        'cert.pem': Buffer.from(tls.certPem).toString('base64'),
        'key.pem': Buffer.from(tls.keyPem).toString('base64'),
      },
    });
  };
}

/**
 * The azureml-fe objects an attachment installs (MicrosoftDocs/azure-docs PR #86416 lists them
 * for cleanup before a reattach) and a detach leaves behind: readable with GET, 404 when absent.
 * The secret azuremlfessl is answered above, from the TLS material served.
 */
const FRONT_END_OBJECTS: Array<{ path: string; kind: string; apiVersion: string; name: string; namespaced: boolean }> =
  [
    {
      path: 'api/v1/namespaces/{ns}/serviceaccounts/{name}',
      kind: 'ServiceAccount',
      apiVersion: 'v1',
      name: 'azureml-fe',
      namespaced: true,
    },
    {
      path: 'api/v1/namespaces/{ns}/services/{name}',
      kind: 'Service',
      apiVersion: 'v1',
      name: 'azureml-fe',
      namespaced: true,
    },
    {
      path: 'api/v1/namespaces/{ns}/services/{name}',
      kind: 'Service',
      apiVersion: 'v1',
      name: 'azureml-fe-int-http',
      namespaced: true,
    },
    {
      path: 'api/v1/namespaces/{ns}/configmaps/{name}',
      kind: 'ConfigMap',
      apiVersion: 'v1',
      name: 'azuremlfeconfig',
      namespaced: true,
    },
    {
      path: 'apis/apps/v1/namespaces/{ns}/deployments/{name}',
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      name: 'azureml-fe',
      namespaced: true,
    },
    {
      path: 'apis/rbac.authorization.k8s.io/v1/clusterroles/{name}',
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      name: 'azureml-fe-role',
      namespaced: false,
    },
    {
      path: 'apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{name}',
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      name: 'azureml-fe-binding',
      namespaced: false,
    },
  ];

function frontEndObject(state: EmulatorState, cluster: ManagedClusterRecord, segments: string[]): Reply | undefined {
  for (const path of new Set(FRONT_END_OBJECTS.map((o) => o.path))) {
    const m = matchPath(segments, path);
    if (!m) continue;
    const o = FRONT_END_OBJECTS.find(
      (x) => x.path === path && x.name === m.name && (!x.namespaced || m.ns === 'default'),
    );
    const kind = FRONT_END_OBJECTS.find((x) => x.path === path)!.kind;
    if (!o || !hasFrontEnd(state, cluster))
      return status(404, 'NotFound', `${kind.toLowerCase()}s "${m.name}" not found`);
    const metadata: Record<string, unknown> = { name: o.name };
    if (o.namespaced) metadata.namespace = m.ns;
    return json(200, { apiVersion: o.apiVersion, kind: o.kind, metadata });
  }
  return undefined;
}
