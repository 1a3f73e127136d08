/**
 * A cluster that still serves a v1 AKS attachment of the workspace: the docs disagree on whether
 * the v1 azureml-fe and the v2 extension may share it, so the step refuses before any change,
 * names the v1 compute and both documented paths, and never removes v1 resources itself.
 */
import type { ManagedClusterId } from '../azure/arm-id';
import { StateError } from '../contract/errors';

export function v1Refusal(cluster: ManagedClusterId, v1Computes: ReadonlyArray<{ readonly name: string }>): StateError {
  const names = v1Computes.map((c) => `'${c.name}'`).join(', ');
  return new StateError(
    `cluster ${cluster.id} still serves the v1 AKS compute ${names} of this workspace; the Azure ML extension was not installed and nothing was changed`,
    [
      'Two documented paths, both yours to choose (this step never removes v1 resources):',
      `- Official (Microsoft Learn, "Deploy Azure Machine Learning extension"): move the v1 web services off ${names}, detach it (compute-type: aks, operation: detach), clean up the legacy azureml-fe resources in the default namespace (kubectl delete deploy/svc/sa azureml-fe, azureml-fe-int-http, azuremlfessl, azuremlfeconfig, clusterrole/clusterrolebinding azureml-fe-*), then re-run this step.`,
      '- Preview (Azure/AML-Kubernetes, "attach-compute-on-aks-v1-cluster"): install the extension yourself with scoringFe.enableUpgrade=true next to the v1 azureml-fe, attach under a namespace other than azureml-<workspace>; then detach the v1 compute before managing the cluster with this step.',
    ].join('\n'),
  );
}
