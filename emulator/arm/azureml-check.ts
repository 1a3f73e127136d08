/**
 * The Azure ML extension's pre-install/pre-upgrade health checks (the arcml-healthcheck configmap
 * of the troubleshooting page), as far as the emulator can see the cluster: the v1 azureml-fe
 * conflict (E45005, unless both the azureml-fe deployment is annotated azureml-fe-enable-upgrade=true
 * and scoringFe.enableUpgrade is set: Azure/AML-Kubernetes attach-compute-on-aks-v1-cluster.md), inferenceRouterHA on fewer than three nodes
 * (E40002), and the SSL settings (E40007: the key must match the certificate, whose names must
 * cover sslCname).
 */
import * as crypto from 'node:crypto';
import { managedClusterId } from './ids';
import type { EmulatorState } from '../server/state';
import type { ExtensionRecord, ManagedClusterRecord, OperationOutcome } from '../server/types';
import { FRONT_END_ANNOTATION, frontEndDeployment } from '../k8s/front-end';

const truthy = (v: string | undefined) => (v ?? '').toLowerCase() === 'true';
const SERVICE_TYPES = ['loadbalancer', 'nodeport', 'clusterip'];

export function azureMlHealthCheck(
  state: EmulatorState,
  cluster: ManagedClusterRecord,
  ext: ExtensionRecord,
): OperationOutcome | undefined {
  const settings = ext.configurationSettings;
  const id = managedClusterId(cluster.subscriptionId, cluster.resourceGroup, cluster.name).toLowerCase();
  const v1 = state
    .allLiveComputes()
    .find(
      (c) =>
        c.properties.computeType === 'AKS' &&
        (typeof c.properties.resourceId === 'string' ? c.properties.resourceId : '').toLowerCase() === id &&
        c.properties.provisioningState === 'Succeeded',
    );
  const annotated = truthy(frontEndDeployment(state, cluster)?.annotations[FRONT_END_ANNOTATION]);
  if (v1 && !(truthy(settings['scoringFe.enableUpgrade']) && annotated))
    return {
      code: 'E45005',
      message: `AZUREML_FE_DEPLOYMENT_CONFLICT: the legacy azureml-fe of AKS compute '${v1.name}' (workspace '${v1.workspaceName}') runs in the default namespace; Azure Machine Learning extension isn't supported in the legacy AKS. Delete the legacy azureml-fe components, or annotate the azureml-fe deployment ${FRONT_END_ANNOTATION}=true and install with scoringFe.enableUpgrade=true.`,
    };
  if (!truthy(settings.enableInference) && !truthy(settings.enableTraining))
    return {
      code: 'E40000',
      message: 'INVALID_CONFIGURATION: enable training or inference (enableTraining / enableInference).',
    };
  if (!truthy(settings.enableInference)) return undefined;
  if (!SERVICE_TYPES.includes((settings.inferenceRouterServiceType ?? '').toLowerCase()))
    return {
      code: 'E40000',
      message: `INVALID_CONFIGURATION: inferenceRouterServiceType '${settings.inferenceRouterServiceType ?? ''}' is not LoadBalancer, NodePort or ClusterIP.`,
    };
  const nodes = cluster.agentPools.filter((p) => p.osType === 'Linux').reduce((n, p) => n + p.count, 0);
  if ((settings.inferenceRouterHA ?? 'true').toLowerCase() !== 'false' && nodes < 3)
    return {
      code: 'E40002',
      message: `INSUFFICIENT_NODE: you have enabled inferenceRouterHA that requires at least three nodes in your cluster (cluster '${cluster.name}' has ${nodes}).`,
    };
  if (truthy(settings.allowInsecureConnections)) return undefined;
  return sslProblem(settings, ext.configurationProtectedSettings);
}

function sslProblem(settings: Record<string, string>, secrets: Record<string, string>): OperationOutcome | undefined {
  const invalid = (why: string): OperationOutcome => ({
    code: 'E40007',
    message: `INVALID_SSL_SETTING: ${why}. The SSL key or certificate isn't valid. The CNAME should be compatible with the certificate.`,
  });
  if (settings['scoringFe.sslSecret']) return settings.sslCname ? undefined : invalid('sslCname is missing');
  const certB64 = secrets['scoringFe.sslCert'];
  const keyB64 = secrets['scoringFe.sslKey'];
  if (!certB64 || !keyB64)
    return invalid('scoringFe.sslCert and scoringFe.sslKey are required unless allowInsecureConnections is true');
  if (!settings.sslCname) return invalid('sslCname is missing');
  let cert: crypto.X509Certificate;
  let key: crypto.KeyObject;
  try {
    cert = new crypto.X509Certificate(Buffer.from(certB64, 'base64').toString('utf8'));
    key = crypto.createPrivateKey(Buffer.from(keyB64, 'base64').toString('utf8'));
  } catch {
    return invalid('scoringFe.sslCert or scoringFe.sslKey is not base64-encoded PEM');
  }
  if (!cert.checkPrivateKey(key)) return invalid('the key does not match the certificate');
  if (!cert.checkHost(settings.sslCname)) return invalid(`the certificate does not cover ${settings.sslCname}`);
  return undefined;
}
