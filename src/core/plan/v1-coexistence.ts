/**
 * A cluster that still serves a v1 AKS attachment of the workspace, and no migrate-from naming it:
 * installing the extension beside the v1 azureml-fe fails (E45005 AZUREML_FE_DEPLOYMENT_CONFLICT)
 * unless the coexistence path is taken, so the step refuses before any change, names the v1
 * compute and both documented paths, and never removes v1 resources itself.
 */
import type { ManagedClusterId } from '../azure/arm-id';
import { StateError } from '../contract/errors';

export function v1Refusal(cluster: ManagedClusterId, v1Computes: ReadonlyArray<{ readonly name: string }>): StateError {
  const names = v1Computes.map((c) => `'${c.name}'`).join(', ');
  const first = v1Computes[0]?.name ?? '<v1-compute>';
  return new StateError(
    `cluster ${cluster.id} still serves the v1 AKS compute ${names} of this workspace; the Azure ML extension was not installed and nothing was changed`,
    [
      'Two documented paths (this step never removes v1 resources):',
      `- Beside it, without an outage (Azure/AML-Kubernetes, "attach-compute-on-aks-v1-cluster"): set migrate-from: ${first}. The step annotates the v1 azureml-fe deployment azureml-fe-enable-upgrade=true, installs the extension with scoringFe.enableUpgrade=true and attaches the Kubernetes compute in a namespace other than azureml-<workspace>; the v1 compute stays attached until you detach it.`,
      `- Off it first (Microsoft Learn, "Deploy Azure Machine Learning extension"): move the v1 web services off ${names}, detach it (compute-type: aks, operation: detach), clean up the legacy azureml-fe resources in the default namespace (kubectl delete deploy/svc/sa azureml-fe, azureml-fe-int-http, azuremlfessl, azuremlfeconfig, clusterrole/clusterrolebinding azureml-fe-*), then re-run this step.`,
    ].join('\n'),
  );
}
