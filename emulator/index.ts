/**
 * Azure emulator for tests and demos: Entra ID + OIDC issuers + ARM (Machine Learning computes,
 * AKS managed clusters, cluster extensions) + a sliver of the Kubernetes API, over HTTPS on 127.0.0.1.
 * The real Azure SDK clients talk to it as a custom cloud (authorityHost = armEndpoint = url).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createArmGate } from './arm/front-door';
import { createMlHandler } from './arm/machine-learning';
import { createContainerServiceHandler } from './arm/container-service';
import { createKubernetesConfigurationHandler } from './arm/kubernetes-configuration';
import { createEntraHandler } from './identity/entra';
import { FaultInjector } from './server/faults';
import { createK8sHandler, type K8sDeps } from './k8s/api-server';
import { DevOpsEmulator } from './devops/pull-request-threads';
import { OperationRegistry } from './arm/lro';
import { adoIssuer, createOidcHandler, githubIssuer } from './identity/oidc';
import { createCertificateAuthority, type CertificateAuthority } from './tools/pki';
import { EmulatorServer } from './server/server';
import { startConnectProxy } from './server/connect-proxy';
import { createKeyVaultHandler } from './keyvault/data-plane';
import { KEY_VAULT_HOST_PATTERNS } from './keyvault/hosts';
import { KeyVaultState } from './keyvault/vaults';
import { EmulatorState } from './server/state';
import { Throttle } from './arm/throttle';
import { TokenService } from './identity/tokens';
import { TrafficLog } from './server/traffic';
import { DEFAULT_SETTINGS, type EmulatorSeed, type EmulatorSettings } from './server/types';
import { GithubComments } from './github/comments';

export * from './server/types';
export { EmulatorState } from './server/state';
export { isMutating, TrafficLog, type TrafficEntry } from './server/traffic';
export { FaultInjector, type FaultAction } from './server/faults';
export { createCertificateAuthority, selfSigned, type CertificateAuthority, type IssuedCertificate } from './tools/pki';
export { trustCaInProcess } from './tools/trust';
export { managedClusterId } from './arm/ids';
export { GITHUB_API_PREFIX, GithubComments } from './github/comments';
export { DevOpsEmulator } from './devops/pull-request-threads';
export { KeyVaultState, type ImportOptions } from './keyvault/vaults';

export interface EmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  seed?: EmulatorSeed;
  settings?: Partial<EmulatorSettings>;
}

export interface Emulator {
  /** https://127.0.0.1:PORT, no trailing slash. Use as authorityHost and as ARM endpoint. */
  url: string;
  caCertPem: string;
  /** The CA in a temp file, for NODE_EXTRA_CA_CERTS of child processes. Removed on stop(). */
  caCertPath: string;
  /** The emulator's CA, e.g. to issue TLS certificates the product should accept. */
  ca: CertificateAuthority;
  state: EmulatorState;
  traffic: TrafficLog;
  faults: FaultInjector;
  /** Mutable: changes apply to the next request / operation. */
  settings: EmulatorSettings;
  /** Token requests (token endpoint POSTs and managed identity calls) by client id; all when omitted. */
  tokenRequests(clientId?: string): number;
  /** 429 answers sent by the throttle (not counting injected faults). */
  throttledCount(): number;
  /** Key Vault's data plane: vaults, certificates and their versions. */
  keyVault: KeyVaultState;
  /** http://127.0.0.1:PORT: a CONNECT proxy to the emulator, for HTTPS_PROXY (how clients reach `<vault>.vault.azure.net`). */
  proxyUrl: string;
  /** The `host:port` of every tunnel opened through the proxy. */
  proxyTunnels: readonly string[];
  /** The issuers of the emulator's GitHub and Azure DevOps OIDC tokens. */
  oidcIssuers: { github: string; azureDevOps: string };
  /** GitHub's pull-request comment endpoints under `${url}/api/v3` (GITHUB_API_URL), their token and comments. */
  github: GithubComments;
  /** Azure DevOps pull-request threads, under any collection path (e.g. `${url}/emulator-org/`). */
  devops: DevOpsEmulator;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings: EmulatorSettings = { ...DEFAULT_SETTINGS, ...(options.settings ?? {}) };
  const state = new EmulatorState(options.seed ?? {});
  const traffic = new TrafficLog();
  const faults = new FaultInjector();
  const throttle = new Throttle();
  const tokenRequests = new Map<string, number>();
  const ca = createCertificateAuthority('aks-aml-attach emulator CA');
  // *.emulator.test: a name that is not loopback, for requests that must go through HTTPS_PROXY; and Key Vault's hosts.
  const serverCert = ca.issue({
    commonName: 'localhost',
    dnsNames: ['localhost', '*.emulator.test', ...KEY_VAULT_HOST_PATTERNS],
    ipAddresses: ['127.0.0.1', '::1'],
  });
  const keyVault = new KeyVaultState();

  let url = '';
  const baseUrl = () => url;
  const getSettings = () => settings;
  const tokens = new TokenService(baseUrl);
  const lro = new OperationRegistry(getSettings, baseUrl);
  const k8s: K8sDeps = { state, settings: getSettings, baseUrl, caCertPem: ca.certPem };
  const github = new GithubComments();
  const devops = new DevOpsEmulator();

  const server = new EmulatorServer({
    certPem: serverCert.chainPem,
    keyPem: serverCert.keyPem,
    traffic,
    faults,
    settings: getSettings,
    handlers: [
      github.handler(),
      devops.handler(),
      createOidcHandler({ state, tokens, settings: getSettings, baseUrl }),
      createEntraHandler({
        state,
        tokens,
        settings: getSettings,
        baseUrl,
        oidcIssuers: () => [githubIssuer(url), adoIssuer(url)],
        tokenRequests,
      }),
      createK8sHandler(k8s),
      createKeyVaultHandler({ vaults: keyVault, tokens }),
      createArmGate({ tokens, throttle, settings: getSettings, baseUrl }, [
        lro.handler(),
        createMlHandler({
          state,
          lro,
          settings: getSettings,
          k8s,
          issueAutoCertificate: (fqdn) => ca.issue({ commonName: fqdn, dnsNames: [fqdn] }),
        }),
        createKubernetesConfigurationHandler({ state, settings: getSettings, baseUrl }),
        createContainerServiceHandler(state, k8s),
      ]),
    ],
  });
  url = await server.listen(options.port ?? 0);
  const proxy = await startConnectProxy({ targetPort: () => Number(new URL(url).port) });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aml-emulator-'));
  const caCertPath = path.join(dir, 'ca.pem');
  fs.writeFileSync(caCertPath, ca.certPem);

  return {
    url,
    caCertPem: ca.certPem,
    caCertPath,
    ca,
    state,
    traffic,
    faults,
    settings,
    tokenRequests: (clientId) =>
      clientId === undefined
        ? [...tokenRequests.values()].reduce((a, b) => a + b, 0)
        : (tokenRequests.get(clientId.toLowerCase()) ?? 0),
    throttledCount: () => throttle.throttled,
    keyVault,
    proxyUrl: proxy.url,
    proxyTunnels: proxy.tunnels,
    oidcIssuers: { github: githubIssuer(url), azureDevOps: adoIssuer(url) },
    github,
    devops,
    async stop() {
      lro.stop();
      await proxy.stop();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
