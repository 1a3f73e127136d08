/**
 * The Azure ML extension's settings, exactly as `az k8s-extension create/update` sends them at
 * ARM level for an AKS cluster. Reference: Azure/azure-cli-extensions,
 * src/k8s-extension/azext_k8s_extension/partner_extensions/AzureMLKubernetes.py @
 * 3f6c0dae43a5d340162d7953f713a08466d1b9e9 (Create: __validate_scoring_fe_settings,
 * __set_up_inference_ssl, the AKS defaults and _dereference; Update: __normalize_config).
 * Deliberate differences, each because this step knows more than a one-off CLI call:
 * - clusterPurpose and inferenceRouterHA are always sent (the CLI only sets them for < 3 nodes),
 *   so that a later change of cluster-purpose can be applied in place;
 * - the local PEM paths sslCertPemFile/sslKeyPemFile are not sent (the step is given PEM text;
 *   the chart reads only scoringFe.sslCert/scoringFe.sslKey);
 * - the fingerprint and expiry of the certificate applied are recorded in two plain settings
 *   (RECORD), because ARM never returns protected settings and a compute's tags cannot be
 *   changed without a detach.
 * Python booleans the CLI stores are sent as str() gives them ("True"/"False").
 */
import type { Extension } from '@azure/arm-kubernetesconfiguration';
import type { ManagedClusterId } from '../azure/arm-id';
import type { ClusterPurpose, LoadBalancerType } from '../desired/model';

export const AZUREML_EXTENSION_TYPE = 'microsoft.azureml.kubernetes';
export const RELEASE_TRAIN = 'stable';
export const RELEASE_NAMESPACE = 'azureml';
/** Plain settings that record the certificate applied (protected settings are never read back). */
export const RECORD = {
  fingerprint: 'aksAmlAttach.tlsCertificateSha256',
  expiresOn: 'aksAmlAttach.tlsCertificateExpiresOn',
} as const;

export type ExtensionTls =
  | { readonly mode: 'disabled' }
  | {
      readonly mode: 'custom';
      readonly certPem: string;
      readonly keyPem: string;
      readonly cname: string;
      readonly fingerprintSha256: string;
      readonly expiresOn: Date;
    };

export interface ExtensionSettingsInput {
  readonly cluster: ManagedClusterId;
  /**
   * The v1 azureml-fe and the extension share the cluster (migrate-from, or an extension that
   * already carries scoringFe.enableUpgrade): the setting is sent and kept, never stripped.
   */
  readonly coexistence?: boolean;
  /** The cluster's region (lower-cased by the CLI). */
  readonly location: string;
  readonly purpose: ClusterPurpose;
  readonly loadBalancerType: LoadBalancerType;
  readonly tls: ExtensionTls;
}

export const COEXISTENCE_SETTING = 'scoringFe.enableUpgrade';

/** Whether the extension's settings already let it share the cluster with the v1 azureml-fe. */
export function hasCoexistence(settings: Readonly<Record<string, string>> | undefined): boolean {
  return (settings?.[COEXISTENCE_SETTING] ?? '').trim().toLowerCase() === 'true';
}

/** Settings whose value this step keeps as desired on every run; the value a missing key stands for. */
const WHEN_ABSENT: Record<string, string> = {
  'scoringFe.serviceType.internalLoadBalancer': 'false',
  inferenceRouterHA: 'true',
  clusterPurpose: 'FastProd',
  allowInsecureConnections: 'false',
};

/** The settings this step owns, compared on every run and sent by a PATCH when they differ. */
export function managedSettings(input: ExtensionSettingsInput): Record<string, string> {
  const s: Record<string, string> = {
    enableInference: 'True',
    inferenceRouterServiceType: 'loadBalancer',
    clusterPurpose: input.purpose,
    inferenceRouterHA: input.purpose === 'DevTest' ? 'false' : 'true',
  };
  if (input.loadBalancerType === 'InternalLoadBalancer') {
    s.internalLoadBalancerProvider = 'azure';
    s['scoringFe.serviceType.internalLoadBalancer'] = 'True';
  } else {
    s['scoringFe.serviceType.internalLoadBalancer'] = 'False';
  }
  // Azure/AML-Kubernetes attach-compute-on-aks-v1-cluster.md: lets the extension install beside the v1 azureml-fe.
  if (input.coexistence) s[COEXISTENCE_SETTING] = 'true';
  if (input.tls.mode === 'custom') {
    s.allowInsecureConnections = 'False';
    s.sslCname = input.tls.cname;
    s[RECORD.fingerprint] = input.tls.fingerprintSha256;
    s[RECORD.expiresOn] = input.tls.expiresOn.toISOString();
  } else {
    s.allowInsecureConnections = 'True';
  }
  return s;
}

/** Protected settings: the certificate and key, base64 of the PEM text (as the CLI encodes the files). */
export function protectedSettings(tls: ExtensionTls): Record<string, string> | undefined {
  if (tls.mode !== 'custom') return undefined;
  return {
    'scoringFe.sslCert': Buffer.from(tls.certPem, 'ascii').toString('base64'),
    'scoringFe.sslKey': Buffer.from(tls.keyPem, 'ascii').toString('base64'),
  };
}

/** The PUT body of a new installation. */
export function installBody(input: ExtensionSettingsInput): Extension {
  const managed = managedSettings(input);
  // The CLI sends the internal-load-balancer flag only when it is on.
  if (input.loadBalancerType !== 'InternalLoadBalancer') delete managed['scoringFe.serviceType.internalLoadBalancer'];
  const location = input.location.toLowerCase();
  const id = input.cluster.id;
  const configurationSettings: Record<string, string> = {
    ...managed,
    enableTraining: 'False',
    // The AKS defaults of Create (filled only when absent), then _dereference of cluster_name.
    cluster_name: id,
    domain: `${location}.cloudapp.azure.com`,
    location,
    jobSchedulerLocation: location,
    cluster_name_friendly: input.cluster.name,
    'servicebus.enabled': 'false',
    'relayserver.enabled': 'false',
    'nginxIngress.enabled': 'true',
    clusterId: id,
    'prometheus.prometheusSpec.externalLabels.cluster_name': id,
  };
  const body: Extension = {
    extensionType: AZUREML_EXTENSION_TYPE,
    autoUpgradeMinorVersion: true,
    releaseTrain: RELEASE_TRAIN,
    scope: { cluster: { releaseNamespace: RELEASE_NAMESPACE } },
    configurationSettings,
  };
  const secrets = protectedSettings(input.tls);
  if (secrets) body.configurationProtectedSettings = secrets;
  return body;
}

const normalise = (key: string, value: string | undefined): string =>
  (value ?? WHEN_ABSENT[key] ?? '').trim().toLowerCase();

/** Managed settings whose observed value differs from the desired one (case-insensitive, absent = default). */
export function settingsDrift(
  desired: Record<string, string>,
  observed: Record<string, string> | undefined,
): Array<{ key: string; from?: string; to: string }> {
  const out: Array<{ key: string; from?: string; to: string }> = [];
  for (const [key, to] of Object.entries(desired)) {
    const from = observed?.[key];
    if (normalise(key, from) !== normalise(key, to)) out.push({ key, from, to });
  }
  return out;
}
