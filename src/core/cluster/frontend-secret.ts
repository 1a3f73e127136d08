/**
 * Reading the scoring front end's `azuremlfessl` secret (and other objects of the cluster) with
 * a local cluster credential: the user kubeconfig, or the admin one when the user one needs
 * kubelogin. Shared by `tls: keep`, the served-certificate expiry and the failure explanation.
 * Credentials are masked as soon as they are read. Failures are StateErrors whose message starts
 * with the purpose's label and ends with its outcome.
 */
import type { ManagedClusterId } from '../azure/arm-id';
import type { ClusterCredentials } from '../azure/gateway';
import { AzureError, CancelledError, StateError } from '../contract/errors';
import type { SecretRedactor } from '../contract/secrets';
import { KubernetesApiError, readSecretData } from './k8s-secret';
import { KubeconfigError, readKubeconfig, type KubeAccess } from './kubeconfig';

export const FRONTEND_SECRET = {
  namespace: 'default',
  name: 'azuremlfessl',
  cert: 'cert.pem',
  key: 'key.pem',
} as const;

export interface ClusterReadContext {
  readonly gateway: ClusterCredentials;
  readonly redactor: SecretRedactor;
  readonly signal?: AbortSignal;
  /** For tests: how the secret is fetched. */
  readonly readSecret?: typeof readSecretData;
}

/** Why the cluster is read, for the wording of failures. */
export interface ReadPurpose {
  /** Starts each failure, e.g. "tls: keep". */
  readonly label: string;
  /** Ends each failure, e.g. "nothing was changed". */
  readonly outcome: string;
  /** The way around it, appended to the hints. */
  readonly fallback: string;
  /** Added to the hint when the secret does not exist. */
  readonly missing?: string;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `where`: what is to be read, for the hints (e.g. "secret azuremlfessl (namespace default) of cluster x"). */
export async function clusterAccess(
  ctx: ClusterReadContext,
  clusterId: ManagedClusterId,
  where: string,
  purpose: ReadPurpose,
): Promise<KubeAccess> {
  let kubeconfig: string | undefined;
  try {
    kubeconfig = await ctx.gateway.getClusterUserKubeconfig(clusterId);
  } catch (error) {
    if (!(error instanceof AzureError)) throw error;
    const hint =
      error.statusCode === 403
        ? `Reading ${where} needs the cluster user credentials: grant this step's identity the "Azure Kubernetes Service Cluster User Role" on ${clusterId.id}, or ${lowerFirst(purpose.fallback)}`
        : error.statusCode === 404
          ? `The cluster no longer exists. ${purpose.fallback}`
          : purpose.fallback;
    throw new StateError(
      `${purpose.label}: could not get the credentials of cluster ${clusterId.name} to read ${FRONTEND_SECRET.name} (${error.code}); ${purpose.outcome}`,
      hint,
    );
  }
  try {
    return accessFrom(ctx, kubeconfig, `the kubeconfig of cluster ${clusterId.name}`, purpose);
  } catch (error) {
    if (error instanceof KubeconfigError && error.problem === 'external-auth')
      return adminAccess(ctx, clusterId, purpose);
    throw error;
  }
}

/** Reads a kubeconfig's server and credential, masking the credential at once. */
function accessFrom(
  ctx: ClusterReadContext,
  kubeconfig: string | undefined,
  what: string,
  purpose: ReadPurpose,
): KubeAccess {
  if (!kubeconfig)
    throw new StateError(
      `${purpose.label}: Azure returned no kubeconfig (${what}); ${purpose.outcome}`,
      purpose.fallback,
    );
  try {
    const access = readKubeconfig(kubeconfig);
    ctx.redactor.add(access.token);
    ctx.redactor.add(access.clientKeyPem);
    return access;
  } catch (error) {
    if (!(error instanceof KubeconfigError) || error.problem === 'external-auth') throw error;
    throw new StateError(
      `${purpose.label}: cannot use ${what}: ${error.message}; ${purpose.outcome}`,
      purpose.fallback,
    );
  }
}

/**
 * Entra-integrated clusters hand users a kubelogin plugin, which a pipeline step cannot run; the
 * local admin credential still works unless the cluster disables local accounts.
 */
async function adminAccess(
  ctx: ClusterReadContext,
  clusterId: ManagedClusterId,
  purpose: ReadPurpose,
): Promise<KubeAccess> {
  const noLocalAccounts = `${purpose.label} reads the secret with a local cluster credential: the user one of cluster ${clusterId.name} needs kubelogin (Microsoft Entra ID), and its admin one`;
  let kubeconfig: string | undefined;
  try {
    kubeconfig = await ctx.gateway.getClusterAdminKubeconfig(clusterId);
  } catch (error) {
    if (!(error instanceof AzureError)) throw error;
    const why =
      error.statusCode === 403
        ? `cannot be listed by this identity (${error.code}): grant it the "Azure Kubernetes Service Cluster Admin Role" on ${clusterId.id}, or ${lowerFirst(purpose.fallback)}`
        : `is refused (${error.code}: ${error.azureMessage}). ${purpose.fallback}`;
    throw new StateError(`${noLocalAccounts} ${why.split('. ')[0]}; ${purpose.outcome}`, why);
  }
  try {
    return accessFrom(ctx, kubeconfig, `the admin kubeconfig of cluster ${clusterId.name}`, purpose);
  } catch (error) {
    if (!(error instanceof KubeconfigError)) throw error;
    throw new StateError(
      `${purpose.label}: cannot use the admin kubeconfig of cluster ${clusterId.name}: ${error.message}; ${purpose.outcome}`,
      purpose.fallback,
    );
  }
}

/** The certificate and key of azuremlfessl (PEM text; the caller masks them). */
export async function readFrontendTls(
  ctx: ClusterReadContext,
  access: KubeAccess,
  where: string,
  purpose: ReadPurpose,
): Promise<{ certPem: string; keyPem: string }> {
  let data: Record<string, string>;
  try {
    data = await (ctx.readSecret ?? readSecretData)(access, FRONTEND_SECRET.namespace, FRONTEND_SECRET.name, {
      signal: ctx.signal,
    });
  } catch (error) {
    if (!(error instanceof KubernetesApiError)) throw error;
    if (error.reason === 'ABORTED') throw new CancelledError(`${upperFirst(purpose.outcome)}.`);
    const hint =
      error.status === 404
        ? `Azure ML keeps the scoring certificate there while TLS is enabled${purpose.missing ? `; ${purpose.missing}` : ''}. ${purpose.fallback}`
        : error.status === 401 || error.status === 403
          ? `The cluster's Kubernetes RBAC must let the cluster user read secrets in namespace ${FRONTEND_SECRET.namespace}. ${purpose.fallback}`
          : error.status === undefined
            ? `The API server ${new URL(access.server).host} must be reachable from this agent (a private cluster only from its virtual network: use a self-hosted agent there). ${purpose.fallback}`
            : purpose.fallback;
    const what = error.status === 404 ? 'does not exist' : `could not be read: ${error.message}`;
    throw new StateError(`${purpose.label}: ${where} ${what}; ${purpose.outcome}`, hint);
  }
  const entry = (key: string): string => {
    const value = data[key];
    if (typeof value !== 'string' || value.trim() === '')
      throw new StateError(`${purpose.label}: ${where} has no ${key}; ${purpose.outcome}`, purpose.fallback);
    return Buffer.from(value, 'base64').toString('utf8');
  };
  return { certPem: entry(FRONTEND_SECRET.cert), keyPem: entry(FRONTEND_SECRET.key) };
}
