/**
 * The decision for compute-type: kubernetes, as a pure function: (desired, observed) → plan.
 * The extension is installed when missing and otherwise PATCHed in place to the desired settings;
 * the compute is attached when missing. Nothing is detached except for `replace`, a broken
 * compute, or operation: detach; the extension is never removed; a v1 attachment of the cluster
 * stops the run before any change, unless migrate-from names it (the coexistence path, whose
 * steps plan/migration.ts adds) or the extension already shares the cluster with it.
 */
import type { ComputeResource } from '@azure/arm-machinelearning';
import { sameResourceId, type ManagedClusterId } from '../azure/arm-id';
import { extensionResourceId, type Extension, type PatchExtension } from '../azure/extension-gateway';
import { StateError } from '../contract/errors';
import type { DesiredState } from '../desired/model';
import {
  AZUREML_EXTENSION_TYPE,
  hasCoexistence,
  RECORD,
  RELEASE_TRAIN,
  installBody,
  managedSettings,
  protectedSettings,
  settingsDrift,
  type ExtensionSettingsInput,
  type ExtensionTls,
} from '../extension/settings';
import type { ObservedKubernetesState } from '../observe/kubernetes';
import { isTransitional, MANAGED_BY_VALUE, TAGS } from '../observe/model';
import type { MigrationPlan } from './migration';
import type { Drift, ResolvedTls } from './plan';
import { v1Refusal } from './v1-coexistence';

export type KubernetesAction = 'none' | 'attach' | 'update' | 'reattach' | 'detach' | 'absent';

export interface KubernetesPlan {
  readonly action: KubernetesAction;
  readonly cluster?: ManagedClusterId;
  readonly extensionId?: string;
  readonly extension?:
    | { readonly kind: 'install'; readonly body: Extension }
    | { readonly kind: 'update'; readonly patch: PatchExtension };
  /** detach: before anything else (replace, broken compute, operation: detach); attach: at the end. */
  readonly detach: boolean;
  readonly attach?: { readonly clusterId: string; readonly body: ComputeResource };
  readonly reasons: readonly string[];
  readonly drift: readonly Drift[];
  readonly consequences: readonly string[];
  /** migrate-from: the three steps of the coexistence path (added once the cluster is read). */
  readonly migration?: MigrationPlan;
}

const BROKEN_STATES = ['failed', 'canceled'];
const KEEP = 'the AML extension and the AKS cluster stay in place';

/** `tls`: the TLS to apply when it differs from the input (tls: keep with migrate-from, resolved from the v1 front end). */
export function planKubernetes(
  desired: DesiredState,
  observed: ObservedKubernetesState,
  tls?: ResolvedTls,
): KubernetesPlan {
  const name = desired.target.computeName;
  const compute = observed.compute;
  if (compute && compute.computeType !== 'Kubernetes') {
    throw new StateError(
      `compute '${name}' exists and is of type ${compute.computeType}, not Kubernetes; nothing was changed`,
      compute.computeType.toUpperCase() === 'AKS'
        ? 'It is a v1 AKS compute: manage it with compute-type: aks, or attach the cluster as a Kubernetes compute under another compute-name (see "Moving from v1 to v2" in the README).'
        : 'Choose another compute-name.',
    );
  }
  if (compute && isTransitional(compute.provisioningState))
    throw new StateError(`compute '${name}' is still ${compute.provisioningState}`);

  if (desired.operation === 'detach' || !desired.compute || !desired.kubernetes) {
    return compute
      ? {
          action: 'detach',
          detach: true,
          reasons: ['operation: detach'],
          drift: [],
          consequences: [`compute '${name}' leaves the workspace; ${KEEP} (the step never removes them)`],
        }
      : {
          action: 'absent',
          detach: false,
          reasons: [`compute '${name}' does not exist in the workspace`],
          drift: [],
          consequences: [],
        };
  }

  const want = desired.compute;
  if (want.source.mode !== 'attach') throw new StateError('compute-type: kubernetes attaches an existing cluster');
  const cluster = want.source.cluster;
  // A run without migrate-from must not undo a coexistence set up before: the setting is kept.
  const coexisting = hasCoexistence(observed.extension?.settings);
  const migrateFrom = desired.kubernetes.migrateFrom?.toLowerCase();
  const v1Others = observed.v1Computes.filter((c) => c.name.toLowerCase() !== migrateFrom);
  if (v1Others.length > 0 && !coexisting) throw v1Refusal(cluster, v1Others);
  if (!observed.cluster)
    throw new StateError(
      `AKS cluster ${cluster.id} does not exist (no such cluster in subscription ${cluster.subscriptionId}, resource group ${cluster.resourceGroup}); nothing was changed`,
      'Check aks-resource-id (az aks show -g <group> -n <name> --query id prints it).',
    );

  const input: ExtensionSettingsInput = {
    cluster,
    location: observed.cluster.location,
    purpose: want.purpose,
    loadBalancerType: want.loadBalancerType,
    tls: extensionTls(tls ?? (want.tls.mode === 'keep' ? undefined : want.tls)),
    coexistence: coexisting || migrateFrom !== undefined,
  };
  const reasons: string[] = [];
  const drift: Drift[] = [];
  const extensionName = desired.kubernetes.extensionName;
  const extension = planExtension(desired, observed, input, reasons, drift);

  let detach = false;
  let attachNeeded = !compute;
  if (!compute) reasons.push(`compute '${name}' does not exist in the workspace`);
  else {
    const bound = compute.clusterId;
    const namespace = desired.kubernetes.namespace;
    const moves: string[] = [];
    if (!sameResourceId(bound, cluster.id))
      moves.push(`it is bound to cluster ${bound ?? '(none)'}, not to ${cluster.id}`);
    if ((compute.namespace ?? 'default') !== namespace)
      moves.push(
        `its namespace is ${compute.namespace ?? 'default'}, not ${namespace} (a namespace cannot be changed in place)`,
      );
    if (moves.length > 0 && !desired.replace)
      throw new StateError(
        `compute '${name}': ${moves.join('; ')}; nothing was changed`,
        'Set replace: true to detach it and attach it again as desired, or choose another compute-name.',
      );
    if (moves.length > 0) {
      drift.push({
        setting: 'aks-resource-id / namespace',
        from: `${bound ?? '(none)'} (${compute.namespace ?? 'default'})`,
        to: `${cluster.id} (${namespace})`,
      });
      reasons.push(...moves.map((m) => `replace: ${m}`));
    } else if (BROKEN_STATES.includes(compute.provisioningState.toLowerCase())) {
      reasons.push(
        `provisioning state is ${compute.provisioningState}${compute.provisioningErrors.length ? ` (${compute.provisioningErrors.join('; ')})` : ''}`,
      );
    }
    detach = moves.length > 0 || BROKEN_STATES.includes(compute.provisioningState.toLowerCase());
    attachNeeded = detach;
  }

  const action: KubernetesAction = detach ? 'reattach' : attachNeeded ? 'attach' : extension ? 'update' : 'none';
  if (action === 'none')
    reasons.push(
      `compute '${name}' is attached to ${cluster.id} and extension '${extensionName}' has the desired settings`,
    );
  const consequences: string[] = [];
  if (extension?.kind === 'install')
    consequences.push(
      'Azure installs the Azure ML extension on the cluster (namespace azureml; typically several minutes)',
    );
  if (extension?.kind === 'update')
    consequences.push(
      'the extension is updated in place (Helm upgrade); the scoring endpoint stays up and the compute is not detached',
    );
  if (detach) consequences.push(`compute '${name}' is unavailable from the detach until the attach completes; ${KEEP}`);
  return {
    action,
    cluster,
    extensionId: extensionResourceId(cluster, extensionName),
    extension,
    detach,
    attach: attachNeeded ? { clusterId: cluster.id, body: computeBody(desired, observed, cluster) } : undefined,
    reasons,
    drift,
    consequences,
  };
}

function extensionTls(tls: ResolvedTls | undefined): ExtensionTls {
  if (tls?.mode !== 'custom') return { mode: 'disabled' };
  return {
    mode: 'custom',
    certPem: tls.certPem,
    keyPem: tls.keyPem,
    cname: tls.cname,
    fingerprintSha256: tls.certificate.fingerprintSha256,
    expiresOn: tls.certificate.validTo,
  };
}

function planExtension(
  desired: DesiredState,
  observed: ObservedKubernetesState,
  input: ExtensionSettingsInput,
  reasons: string[],
  drift: Drift[],
): KubernetesPlan['extension'] {
  const e = observed.extension;
  const name = desired.kubernetes!.extensionName;
  if (!e) {
    reasons.push(`extension '${name}' is not installed on the cluster`);
    return { kind: 'install', body: installBody(input) };
  }
  if (e.extensionType.toLowerCase() !== AZUREML_EXTENSION_TYPE)
    throw new StateError(
      `extension '${name}' on cluster ${input.cluster.name} is of type ${e.extensionType}, not Microsoft.AzureML.Kubernetes; nothing was changed`,
      'Give the name of the Azure ML extension in extension-name.',
    );
  if (isTransitional(e.provisioningState))
    throw new StateError(
      `extension '${name}' is ${e.provisioningState} (another operation is in progress); nothing was changed`,
      'Re-run the step once that operation has finished (az k8s-extension show --query provisioningState).',
    );
  const managed = managedSettings(input);
  const changed = settingsDrift(managed, e.settings);
  const broken = e.provisioningState.toLowerCase() === 'failed';
  const refresh = desired.operation === 'refresh';
  const short = (f: string | undefined) => (f ? `sha256 ${f.slice(0, 16)}…` : '(no recorded fingerprint)');
  for (const d of changed.filter((d) => d.key !== RECORD.expiresOn))
    drift.push(
      d.key === RECORD.fingerprint
        ? { setting: 'tls-certificate', from: short(d.from), to: short(d.to) }
        : { setting: d.key, from: d.from ?? '(not set)', to: d.to },
    );
  const certChanged = changed.some((d) => d.key === RECORD.fingerprint);
  if (broken) reasons.push(`extension '${name}' is Failed${e.problems.length ? ` (${e.problems.join('; ')})` : ''}`);
  if (refresh)
    reasons.push(
      `operation: refresh re-applies the extension settings and moves it to the newest version of release train ${RELEASE_TRAIN} (now ${e.currentVersion ?? 'unknown'})`,
    );
  reasons.push(...drift.map((d) => `extension setting ${d.setting}: ${d.from} → ${d.to}`));
  if (!broken && !refresh && changed.length === 0) return undefined;

  const all = broken || refresh;
  const patch: PatchExtension = {
    configurationSettings: all ? managed : Object.fromEntries(changed.map((d) => [d.key, d.to])),
  };
  // Sending any protected setting replaces them all: the certificate and key always go together.
  const secrets = protectedSettings(input.tls);
  if (secrets && (all || certChanged)) patch.configurationProtectedSettings = secrets;
  if (refresh) {
    patch.autoUpgradeMinorVersion = true;
    patch.releaseTrain = RELEASE_TRAIN;
  }
  return { kind: 'update', patch };
}

function computeBody(
  desired: DesiredState,
  observed: ObservedKubernetesState,
  cluster: ManagedClusterId,
): ComputeResource {
  const location = observed.compute?.location ?? observed.workspaceLocation ?? observed.cluster?.location;
  const tags: Record<string, string> = { ...(observed.compute?.tags ?? {}), [TAGS.managedBy]: MANAGED_BY_VALUE };
  return {
    location,
    tags,
    properties: {
      computeType: 'Kubernetes',
      resourceId: cluster.id,
      properties: { namespace: desired.kubernetes!.namespace },
      ...(observed.compute?.description ? { description: observed.compute.description } : {}),
    },
  };
}
