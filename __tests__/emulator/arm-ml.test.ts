/** Machine Learning computes through the real @azure/arm-machinelearning client. */
import type { RestError } from '@azure/core-rest-pipeline';
import { selfSigned } from '../../emulator';
import { DEMO } from '../../testkit/demo-world';
import { POLL, RG, startHarness, WS, type Harness } from '../../testkit/emulator-clients';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.emu.traffic.clear();
});

async function expectRestError(p: Promise<unknown>): Promise<RestError> {
  try {
    await p;
  } catch (e) {
    return e as RestError;
  }
  throw new Error('expected the call to fail');
}

const attachBody = (resourceId: string, extra: Record<string, unknown> = {}) => ({
  location: DEMO.location,
  properties: {
    computeType: 'AKS' as const,
    resourceId,
    properties: { clusterPurpose: 'FastProd' as const, ...extra },
  },
});

describe('workspaces and computes', () => {
  test('get workspace, attach, list, get, detach (cluster kept)', async () => {
    const ws = await h.ml.workspaces.get(RG, WS);
    expect(ws.location).toBe('eastus');
    expect(ws.id).toMatch(/\/workspaces\/demo-ws$/);

    const attached = await h.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'prod-aks',
      { ...attachBody(DEMO.clusters.prod), tags: { team: 'ml' } },
      POLL,
    );
    const props = attached.properties as unknown as Record<string, any>;
    expect(props.provisioningState).toBe('Succeeded');
    expect(props.isAttachedCompute).toBe(true);
    expect(props.resourceId.toLowerCase()).toBe(DEMO.clusters.prod.toLowerCase());
    expect(props.properties.systemServices[0].publicIpAddress).toMatch(/^20\./);
    expect(props.properties.clusterFqdn).toMatch(/azmk8s\.io$/);
    expect(attached.tags).toEqual({ team: 'ml' });

    const put = h.emu.traffic.filter({ operationId: 'Compute_CreateOrUpdate' })[0];
    expect(put.status).toBe(201);
    expect(put.responseHeaders['azure-asyncoperation']).toContain('/computeOperationsStatus/');
    expect((put.responseBody as any).properties.provisioningState).toBe('Updating');

    const listed = [];
    for await (const c of h.ml.computeOperations.list(RG, WS)) listed.push(c.name);
    expect(listed).toEqual(['prod-aks']);
    expect((await h.ml.computeOperations.get(RG, WS, 'prod-aks')).name).toBe('prod-aks');

    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'prod-aks', 'Detach', POLL);
    expect(h.emu.state.getCompute(DEMO.subscriptionId, RG, WS, 'prod-aks')).toBeUndefined();
    expect(h.emu.state.getManagedCluster(DEMO.clusters.prod)).toBeDefined();
    const del = h.emu.traffic.filter({ operationId: 'Compute_Delete' })[0];
    expect(del.status).toBe(202);
    expect(del.responseHeaders.location).toContain('/computeOperationsResult/');
    expect(h.emu.traffic.mutating().map((e) => e.method)).toEqual(['PUT', 'DELETE']);
    expect(h.emu.tokenRequests(DEMO.clientId)).toBe(1);
  });

  test('paths are case-insensitive and errors use the ARM shape', async () => {
    const path = `/subscriptions/${DEMO.subscriptionId}/resourcegroups/${RG}/providers/microsoft.machinelearningservices/workspaces/${WS}/computes/nope`;
    const token = await h.credential.getToken(`${h.emu.url}/.default`);
    const res = await fetchJson(`${h.emu.url}${path}?api-version=2022-10-01`, token!.token);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ResourceNotFound');
    expect(res.headers.get('x-ms-request-id')).toBeTruthy();
    expect(res.headers.get('x-ms-ratelimit-remaining-subscription-reads')).toBeTruthy();

    const noVersion = await fetchJson(`${h.emu.url}${path}`, token!.token);
    expect(noVersion.body.error.code).toBe('MissingApiVersionParameter');
    const badVersion = await fetchJson(`${h.emu.url}${path}?api-version=2021-01-01`, token!.token);
    expect(badVersion.body.error.code).toBe('InvalidApiVersionParameter');

    const unauth = await fetchJson(`${h.emu.url}${path}?api-version=2022-10-01`, 'not-a-token');
    expect(unauth.status).toBe(401);
    expect(unauth.body.error.code).toBe('InvalidAuthenticationToken');
    expect(unauth.headers.get('www-authenticate')).toMatch(/^Bearer authorization_uri=/);

    const del = await fetchJson(`${h.emu.url}${path}?api-version=2022-10-01`, token!.token, 'DELETE');
    expect(del.status).toBe(400);
    expect(del.body.error.code).toBe('MissingRequiredParameter');
    const gone = await fetchJson(
      `${h.emu.url}${path}?api-version=2022-10-01&underlyingResourceAction=Detach`,
      token!.token,
      'DELETE',
    );
    expect(gone.status).toBe(204);
  });

  test('creating a compute provisions a new cluster in the workspace resource group', async () => {
    const c = await h.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'new-aks',
      {
        location: 'eastus',
        properties: { computeType: 'AKS', properties: { agentCount: 3, agentVmSize: 'Standard_D4_v3' } },
      },
      POLL,
    );
    const props = c.properties as unknown as Record<string, any>;
    expect(props.isAttachedCompute).toBe(false);
    expect(props.resourceId).toMatch(
      /\/resourceGroups\/demo-rg\/providers\/Microsoft\.ContainerService\/managedClusters\/new-aks[a-z0-9]{5}$/,
    );
    expect(
      (h.emu.traffic.filter({ operationId: 'Compute_CreateOrUpdate' })[0].responseBody as any).properties
        .provisioningState,
    ).toBe('Creating');
    const cluster = await h.cs.managedClusters.get(RG, props.resourceId.split('/').pop());
    expect(cluster.agentPoolProfiles?.[0]).toMatchObject({ count: 3, vmSize: 'Standard_D4_v3' });
    expect(cluster.provisioningState).toBe('Succeeded');
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'new-aks', 'Delete', POLL);
    expect(h.emu.state.getManagedCluster(props.resourceId)).toBeUndefined();
  });

  test('PUT on an existing compute with its resourceId updates it in place; another resourceId is refused; PUT/DELETE during an operation is a 409', async () => {
    const poller = await h.ml.computeOperations.beginCreateOrUpdate(
      RG,
      WS,
      'busy',
      attachBody(DEMO.clusters.prod),
      POLL,
    );
    const during = await expectRestError(h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'busy', 'Detach', POLL));
    expect(during.statusCode).toBe(409);
    await poller.pollUntilDone();
    const ip = (await h.ml.computeOperations.get(RG, WS, 'busy')).properties as any;
    h.emu.traffic.clear();
    const updated = await h.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'busy',
      attachBody(DEMO.clusters.prod, { loadBalancerType: 'InternalLoadBalancer', loadBalancerSubnet: 'aks-subnet' }),
      POLL,
    );
    const put = h.emu.traffic.filter({ operationId: 'Compute_CreateOrUpdate' })[0];
    expect(put.status).toBe(201);
    expect((put.responseBody as any).properties.provisioningState).toBe('Updating');
    expect((updated.properties as any).provisioningState).toBe('Succeeded');
    expect((updated.properties as any).properties.loadBalancerType).toBe('InternalLoadBalancer');
    expect((updated.properties as any).properties.systemServices[0].publicIpAddress).not.toBe(
      ip.properties.systemServices[0].publicIpAddress,
    );
    expect(h.emu.traffic.mutating().map((e) => e.method)).toEqual(['PUT']);
    const moved = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'busy', attachBody(DEMO.clusters.small), POLL),
    );
    expect(moved.statusCode).toBe(400);
    expect(moved.message).toMatch(/resourceId cannot be changed/);
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'busy', 'Detach', POLL);
  });

  test('validation: cluster missing, TLS rules, internal load balancer', async () => {
    const missing = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'ghost',
        attachBody(DEMO.clusters.prod.replace('aks-prod', 'nope')),
        POLL,
      ),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.code).toBe('AksClusterNotFound');

    const noCname = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'tls1',
        attachBody(DEMO.clusters.prod, { sslConfiguration: { status: 'Enabled', cert: 'x', key: 'y' } }),
        POLL,
      ),
    );
    expect(noCname.code).toBe('InvalidSslConfiguration');

    const a = selfSigned({ commonName: 'a.example.com', dnsNames: ['a.example.com'] });
    const b = selfSigned({ commonName: 'b.example.com' });
    const mismatch = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'tls2',
        attachBody(DEMO.clusters.prod, {
          sslConfiguration: { status: 'Enabled', cert: a.certPem, key: b.keyPem, cname: 'a.example.com' },
        }),
        POLL,
      ),
    );
    expect(mismatch.message).toMatch(/does not match/);

    const ilb = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'tls3',
        attachBody(DEMO.clusters.prod, {
          loadBalancerType: 'InternalLoadBalancer',
          sslConfiguration: { status: 'Auto', leafDomainLabel: 'x' },
        }),
        POLL,
      ),
    );
    expect(ilb.code).toBe('UnsupportedConfiguration');
    expect(h.emu.traffic.mutating().every((e) => e.status === 400)).toBe(true);
    expect(h.emu.state.listComputes(DEMO.subscriptionId, RG, WS)).toEqual([]);
  });

  test('production purpose on a 1-node cluster fails asynchronously; DevTest works', async () => {
    const err = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'small', attachBody(DEMO.clusters.small), POLL),
    );
    expect(err.message).toMatch(/at least 3 node/);
    const failed = h.emu.state.getCompute(DEMO.subscriptionId, RG, WS, 'small')!;
    expect(failed.properties.provisioningState).toBe('Failed');
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'small', 'Detach', POLL);
    const ok = await h.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'small',
      attachBody(DEMO.clusters.small, {
        clusterPurpose: 'DevTest',
        loadBalancerType: 'InternalLoadBalancer',
        loadBalancerSubnet: 'aks-subnet',
      }),
      POLL,
    );
    expect((ok.properties as any).properties.systemServices[0].publicIpAddress).toMatch(/^10\./);
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'small', 'Detach', POLL);
  });

  test('a second attach of the same cluster in the workspace breaks the first', async () => {
    await h.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'first', attachBody(DEMO.clusters.prod), POLL);
    await h.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'second', attachBody(DEMO.clusters.prod), POLL);
    const first = await h.ml.computeOperations.get(RG, WS, 'first');
    expect(first.properties?.provisioningState).toBe('Failed');
    expect(first.properties?.provisioningErrors?.[0].error?.code).toBe('ClusterAttachedElsewhere');
    expect((await h.ml.computeOperations.get(RG, WS, 'second')).properties?.provisioningState).toBe('Succeeded');
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'first', 'Detach', POLL);
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'second', 'Detach', POLL);
  });

  test('TLS Enabled: secrets are stored, never returned, and served from azuremlfessl', async () => {
    const tls = h.emu.ca.issue({ commonName: 'ml.contoso.com', dnsNames: ['ml.contoso.com'] });
    await h.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'tls-aks',
      attachBody(DEMO.clusters.prod, {
        sslConfiguration: { status: 'Enabled', cert: tls.certPem, key: tls.keyPem, cname: 'ml.contoso.com' },
      }),
      POLL,
    );
    for (const e of h.emu.traffic.all()) expect(JSON.stringify(e.responseBody ?? '')).not.toContain('PRIVATE KEY');
    const got = await h.ml.computeOperations.get(RG, WS, 'tls-aks');
    expect((got.properties as any).properties.sslConfiguration).toEqual({ status: 'Enabled', cname: 'ml.contoso.com' });
    expect(h.emu.state.getCompute(DEMO.subscriptionId, RG, WS, 'tls-aks')!.tls!.keyPem).toBe(tls.keyPem);

    const creds = await h.cs.managedClusters.listClusterUserCredentials(RG, 'aks-prod');
    const kubeconfig = Buffer.from(creds.kubeconfigs![0].value!).toString('utf8');
    const server = /server: (\S+)/.exec(kubeconfig)![1];
    const token = /token: (\S+)/.exec(kubeconfig)![1];
    expect(server.startsWith(`${h.emu.url}/k8s/`)).toBe(true);
    const secret = await fetchJson(`${server}/api/v1/namespaces/default/secrets/azuremlfessl`, token);
    expect(secret.body.kind).toBe('Secret');
    expect(Buffer.from(secret.body.data['cert.pem'], 'base64').toString()).toBe(tls.certPem);
    expect(Buffer.from(secret.body.data['key.pem'], 'base64').toString()).toBe(tls.keyPem);
    const denied = await fetchJson(`${server}/api/v1/namespaces/default/secrets/azuremlfessl`, 'wrong');
    expect(denied.status).toBe(401);

    const keys = await h.ml.computeOperations.listKeys(RG, WS, 'tls-aks');
    expect((keys as any).userKubeConfig).toContain('kind: Config');
    expect(h.emu.traffic.mutating().map((e) => e.operationId)).toEqual(['Compute_CreateOrUpdate']);
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'tls-aks', 'Detach', POLL);
  });

  test('TLS Auto generates the FQDN and a certificate for it', async () => {
    const c = await h.ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'auto-aks',
      attachBody(DEMO.clusters.prod, {
        sslConfiguration: { status: 'Auto', leafDomainLabel: 'contoso', overwriteExistingDomain: true },
      }),
      POLL,
    );
    const fqdn = (c.properties as any).properties.clusterFqdn as string;
    expect(fqdn).toMatch(/^contoso[a-z0-9]{6}\.eastus\.cloudapp\.azure\.com$/);
    const tls = h.emu.state.getCompute(DEMO.subscriptionId, RG, WS, 'auto-aks')!.tls!;
    expect(new (require('node:crypto').X509Certificate)(tls.certPem).subjectAltName).toBe(`DNS:${fqdn}`);
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'auto-aks', 'Detach', POLL);
  });

  test('one-shot failNextOperation, seeded computes, denied cluster', async () => {
    h.emu.settings.failNextOperation = { code: 'InternalServerError', message: 'boom' };
    const err = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'fails', attachBody(DEMO.clusters.prod), POLL),
    );
    expect(err.message).toContain('boom');
    expect(h.emu.settings.failNextOperation).toBeNull();
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'fails', 'Detach', POLL);

    h.emu.state.putCompute({
      subscriptionId: DEMO.subscriptionId,
      resourceGroup: RG,
      workspaceName: WS,
      name: 'seeded',
      tags: { a: 'b' },
      properties: {
        computeType: 'AKS',
        resourceId: DEMO.clusters.small,
        provisioningState: 'Failed',
        properties: { sslConfiguration: { status: 'Enabled', cert: 'C', key: 'K', cname: 'x' } },
      },
    });
    const seeded = await h.ml.computeOperations.get(RG, WS, 'seeded');
    expect((seeded.properties as any).properties.sslConfiguration).toEqual({ status: 'Enabled', cname: 'x' });
    expect(h.emu.state.getCompute(DEMO.subscriptionId, RG, WS, 'seeded')!.tls).toEqual({ certPem: 'C', keyPem: 'K' });
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'seeded', 'Detach', POLL);

    h.emu.state.putManagedCluster({
      subscriptionId: 'other-sub',
      resourceGroup: 'rg2',
      name: 'locked',
      location: 'westus',
      deniedPrincipals: [DEMO.clientId],
    });
    const locked =
      '/subscriptions/other-sub/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/locked';
    const e403 = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'locked', attachBody(locked), POLL),
    );
    expect(e403.statusCode).toBe(403);
    expect(e403.code).toBe('AuthorizationFailed');
  });

  test('list pages with nextLink', async () => {
    h.emu.settings.pageSize = 2;
    for (const n of ['p1', 'p2', 'p3']) {
      h.emu.state.putCompute({
        subscriptionId: DEMO.subscriptionId,
        resourceGroup: RG,
        workspaceName: WS,
        name: n,
        properties: { computeType: 'AKS' },
      });
    }
    const names = [];
    for await (const c of h.ml.computeOperations.list(RG, WS)) names.push(c.name);
    expect(names).toEqual(['p1', 'p2', 'p3']);
    expect(h.emu.traffic.count({ operationId: 'Compute_List' })).toBe(2);
    h.emu.settings.pageSize = 50;
    for (const n of ['p1', 'p2', 'p3']) h.emu.state.setComputeState(DEMO.subscriptionId, RG, WS, n, 'Succeeded');
  });
});

describe('long-running operation headers and outcomes', () => {
  test.each(['location', 'azure-async-operation'] as const)(
    'asyncHeaders=%s: the SDK still completes attach and detach',
    async (mode) => {
      h.emu.settings.asyncHeaders = mode;
      try {
        const c = await h.ml.computeOperations.beginCreateOrUpdateAndWait(
          RG,
          WS,
          `lro-${mode.slice(0, 3)}`,
          attachBody(DEMO.clusters.prod),
          POLL,
        );
        expect(c.properties?.provisioningState).toBe('Succeeded');
        await h.ml.computeOperations.beginDeleteAndWait(RG, WS, `lro-${mode.slice(0, 3)}`, 'Detach', POLL);
      } finally {
        h.emu.settings.asyncHeaders = 'both';
      }
      const put = h.emu.traffic.filter({ operationId: 'Compute_CreateOrUpdate' })[0];
      expect('location' in put.responseHeaders).toBe(mode === 'location');
      expect('azure-asyncoperation' in put.responseHeaders).toBe(mode !== 'location');
      expect(
        h.emu.traffic
          .filter({ kind: 'lro' })
          .every(
            (e) =>
              e.operationId === (mode === 'location' ? 'ComputeOperationsResult_Get' : 'ComputeOperationsStatus_Get'),
          ),
      ).toBe(true);
      expect(h.emu.state.listComputes(DEMO.subscriptionId, RG, WS).filter((c) => c.name.startsWith('lro-'))).toEqual(
        [],
      );
    },
  );

  test('retryAfterSeconds is sent on the initial answer and while in progress', async () => {
    h.emu.settings.retryAfterSeconds = 1;
    try {
      await h.ml.computeOperations.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'retry-after',
        attachBody(DEMO.clusters.prod),
        POLL,
      );
    } finally {
      h.emu.settings.retryAfterSeconds = null;
    }
    expect(h.emu.traffic.filter({ operationId: 'Compute_CreateOrUpdate' })[0].responseHeaders['retry-after']).toBe('1');
    const polls = h.emu.traffic.filter({ kind: 'lro' });
    expect(polls[0].responseHeaders['retry-after']).toBe('1');
    expect((polls[polls.length - 1].responseBody as any).status).toBe('Succeeded');
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'retry-after', 'Detach', POLL);
  });

  test('cancelNextOperation: the detach ends Canceled and the compute stays', async () => {
    await h.ml.computeOperations.beginCreateOrUpdateAndWait(RG, WS, 'stays', attachBody(DEMO.clusters.prod), POLL);
    h.emu.settings.cancelNextOperation = true;
    await expect(h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'stays', 'Detach', POLL)).rejects.toThrow();
    expect(h.emu.state.getCompute(DEMO.subscriptionId, RG, WS, 'stays')!.properties.provisioningState).toBe(
      'Succeeded',
    );
    const last = h.emu.traffic.filter({ kind: 'lro' }).pop()!;
    expect((last.responseBody as any).status).toBe('Canceled');
    await h.ml.computeOperations.beginDeleteAndWait(RG, WS, 'stays', 'Detach', POLL);
  });

  test('expired access tokens are refused', async () => {
    h.emu.settings.tokenLifetimeSeconds = 1;
    const { ClientSecretCredential } = await import('@azure/identity');
    const cred = new ClientSecretCredential(DEMO.tenantId, DEMO.clientId, DEMO.clientSecret, {
      authorityHost: h.emu.url,
      disableInstanceDiscovery: true,
    });
    const token = (await cred.getToken(`${h.emu.url}/.default`)).token;
    h.emu.settings.tokenLifetimeSeconds = 3600;
    await new Promise((r) => setTimeout(r, 1100));
    const res = await fetchJson(
      `${h.emu.url}/subscriptions/${DEMO.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}?api-version=2022-10-01`,
      token,
    );
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
  });
});

describe('container service', () => {
  test('get, credentials, kubernetes versions, missing cluster', async () => {
    const mc = await h.cs.managedClusters.get(RG, 'aks-prod');
    expect(mc).toMatchObject({ name: 'aks-prod', location: 'eastus', kubernetesVersion: '1.30.6' });
    expect(mc.networkProfile?.loadBalancerSku).toBe('standard');
    expect(mc.agentPoolProfiles?.[0]).toMatchObject({
      count: 3,
      vmSize: 'Standard_D3_v2',
      mode: 'System',
      osType: 'Linux',
    });
    expect(mc.apiServerAccessProfile?.enablePrivateCluster).toBe(false);
    const admin = await h.cs.managedClusters.listClusterAdminCredentials(RG, 'aks-prod');
    expect(admin.kubeconfigs?.[0].name).toBe('clusterAdmin');
    const versions = await h.cs.managedClusters.listKubernetesVersions('eastus');
    expect(versions.values?.find((v) => v.isDefault)?.version).toBe('1.30');
    const err = await expectRestError(h.cs.managedClusters.get(RG, 'missing'));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('ResourceNotFound');
  });
});

describe('throttling and echo mode', () => {
  test('token bucket answers 429 with Retry-After and counts them', async () => {
    const token = (await h.credential.getToken(`${h.emu.url}/.default`))!.token;
    h.emu.settings.throttle = { readsPerSecond: 0.5, writesPerSecond: 0.5, burst: 2 };
    const url = `${h.emu.url}/subscriptions/${DEMO.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}?api-version=2022-10-01`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetchJson(url, token)).status);
    const last = await fetchJson(url, token);
    h.emu.settings.throttle = null;
    expect(statuses).toEqual([200, 200, 429]);
    expect(last.body.error.code).toBe('TooManyRequests');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(h.emu.throttledCount()).toBe(2);
  });

  test('echo mode quotes the request body in 4xx messages', async () => {
    h.emu.settings.echoRequestBodyInErrors = true;
    const err = await expectRestError(
      h.ml.computeOperations.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'echo',
        attachBody(DEMO.clusters.prod, { sslConfiguration: { status: 'Enabled', key: 'SECRET-KEY' } }),
        POLL,
      ),
    );
    h.emu.settings.echoRequestBodyInErrors = false;
    expect(err.message).toContain('SECRET-KEY');
  });
});

async function fetchJson(
  url: string,
  token: string,
  method = 'GET',
): Promise<{ status: number; body: any; headers: Headers }> {
  // Node's fetch (undici) ignores https.Agent; use node:https so the in-process CA applies.
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
