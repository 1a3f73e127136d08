/**
 * The inputs of compute-type: kubernetes (the v2 `Kubernetes` compute with the Azure ML
 * extension): namespace, extension name and the v1 compute to migrate from, and what v2 cannot
 * do, refused before any request.
 */
import { inputDefinition, type InputName } from '../contract/inputs';
import { printable, type InputCollector } from './collector';
import type { DesiredKubernetes, Operation } from './model';
import { COMPUTE_NAME } from './patterns';

/** A Kubernetes namespace name (RFC 1123 label). */
const NAMESPACE = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** Extension resource names: lower-case letters, digits, '-' and '.', at most 253. */
const EXTENSION_NAME = /^[a-z0-9](?:[-.a-z0-9]{0,251}[a-z0-9])?$/;
const V2_ONLY: InputName[] = ['namespace', 'extension-name', 'migrate-from'];

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
  const migrateFrom = readMigrateFrom(c, operation, namespace);
  if (operation !== 'detach') refuseV1Only(c, migrateFrom !== undefined);
  return { namespace, extensionName, ...(migrateFrom !== undefined && { migrateFrom }) };
}

/** The v1 compute the v2 one is set up beside; its web services live in namespace azureml-<workspace-name>. */
function readMigrateFrom(c: InputCollector, operation: Operation, namespace: string): string | undefined {
  const name = c.optional(
    'migrate-from',
    COMPUTE_NAME,
    'the name of the v1 AKS compute of this workspace (3-24 letters, digits and hyphens)',
  );
  if (name === undefined) return undefined;
  if (operation === 'detach') {
    c.problem(
      'migrate-from',
      `does not apply with ${c.name('operation')}: detach; the v1 compute is detached on its own, with ${c.name('compute-type')}: aks and ${c.name('compute-name')}: ${printable(name)}`,
    );
    return undefined;
  }
  if (name.toLowerCase() === (c.raw('compute-name') ?? '').toLowerCase())
    c.problem(
      'migrate-from',
      `names the compute to set up (${printable(name)}); give the v2 compute a name of its own, the v1 compute stays attached beside it`,
    );
  const workspace = c.raw('workspace-name');
  if (workspace !== undefined && namespace === `azureml-${workspace.toLowerCase()}`)
    c.problem(
      'namespace',
      `'${namespace}' is where the v1 web services of workspace ${printable(workspace)} live; with ${c.name('migrate-from')} the Kubernetes compute needs another namespace (e.g. default, or one you created), or its online deployments conflict with the v1 web services`,
    );
  return name;
}

function refuseV1Only(c: InputCollector, migrating: boolean): void {
  if (c.raw('aks-resource-id') === undefined)
    c.problem(
      'aks-resource-id',
      `is required with ${c.name('compute-type')}: kubernetes; give the id of an existing AKS cluster (a Kubernetes compute attaches a cluster, Azure ML does not create one)`,
    );
  const tls = c.raw('tls');
  if (tls === 'auto' || (tls === 'keep' && !migrating))
    c.problem(
      'tls',
      tls === 'auto'
        ? `'auto' is not available with ${c.name('compute-type')}: kubernetes (the Azure ML extension has no Microsoft-generated certificate); use tls: custom with your certificate, or tls: disabled`
        : `'keep' is not available with ${c.name('compute-type')}: kubernetes without ${c.name('migrate-from')} (it takes the certificate the v1 front end serves); give the certificate with tls: custom`,
    );
  if (c.raw('load-balancer-subnet') !== undefined)
    c.problem(
      'load-balancer-subnet',
      `is not available with ${c.name('compute-type')}: kubernetes (the extension's internal load balancer uses the cluster's subnet)`,
    );
}
