/**
 * The inputs of compute-type: kubernetes (the v2 `Kubernetes` compute with the Azure ML
 * extension): namespace and extension name, and what v2 cannot do, refused before any request.
 */
import { inputDefinition, type InputName } from '../contract/inputs';
import type { InputCollector } from './collector';
import type { DesiredKubernetes, Operation } from './model';

/** A Kubernetes namespace name (RFC 1123 label). */
const NAMESPACE = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** Extension resource names: lower-case letters, digits, '-' and '.', at most 253. */
const EXTENSION_NAME = /^[a-z0-9](?:[-.a-z0-9]{0,251}[a-z0-9])?$/;
const V2_ONLY: InputName[] = ['namespace', 'extension-name'];

/** Undefined for compute-type: aks (whose behaviour is unchanged). */
export function readKubernetesInputs(c: InputCollector, operation: Operation): DesiredKubernetes | undefined {
  const type = c.choice<'aks' | 'kubernetes'>('compute-type');
  if (type === 'aks') {
    // Azure Pipelines passes every input with its default, so only another value is a mistake.
    for (const input of V2_ONLY)
      if (c.raw(input) !== undefined && c.raw(input) !== inputDefinition(input).default)
        c.problem(input, `applies only with ${c.name('compute-type')}: kubernetes`);
    return undefined;
  }
  const namespace =
    c.optional('namespace', NAMESPACE, 'a Kubernetes namespace name: 1-63 lower-case letters, digits and hyphens') ??
    'default';
  const extensionName =
    c.optional(
      'extension-name',
      EXTENSION_NAME,
      'an extension name: lower-case letters, digits, hyphens and periods, starting and ending with a letter or digit',
    ) ?? 'azureml';
  if (operation !== 'detach') refuseV1Only(c);
  return { namespace, extensionName };
}

function refuseV1Only(c: InputCollector): void {
  if (c.raw('aks-resource-id') === undefined)
    c.problem(
      'aks-resource-id',
      `is required with ${c.name('compute-type')}: kubernetes; give the id of an existing AKS cluster (a Kubernetes compute attaches a cluster, Azure ML does not create one)`,
    );
  const tls = c.raw('tls');
  if (tls === 'auto' || tls === 'keep')
    c.problem(
      'tls',
      tls === 'auto'
        ? `'auto' is not available with ${c.name('compute-type')}: kubernetes (the Azure ML extension has no Microsoft-generated certificate); use tls: custom with your certificate, or tls: disabled`
        : `'keep' is not available with ${c.name('compute-type')}: kubernetes (it reads the v1 azuremlfessl secret); give the certificate with tls: custom`,
    );
  if (c.raw('load-balancer-subnet') !== undefined)
    c.problem(
      'load-balancer-subnet',
      `is not available with ${c.name('compute-type')}: kubernetes (the extension's internal load balancer uses the cluster's subnet)`,
    );
}
