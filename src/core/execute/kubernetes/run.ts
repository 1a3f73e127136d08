/**
 * One run of compute-type: kubernetes: observe (compute, extension, cluster, v1 computes) →
 * migrate-from pre-flight → plan → the cluster read (namespace, azureml-fe) → cluster checks →
 * annotation (migrate-from) → extension install/update → detach (replace or repair only) → attach.
 * The extension goes first, so a failure there leaves any existing attachment as it was.
 */
import type { ExtensionGateway } from '../../azure/extension-gateway';
import { extensionResourceId } from '../../azure/extension-gateway';
import type { ArmGateway } from '../../azure/gateway';
import { parseManagedClusterId, type ManagedClusterId } from '../../azure/arm-id';
import { checkTargetCluster } from '../../cluster/checks';
import { readClusterView, type ClusterView } from '../../cluster/coexistence';
import { credentialsOnce } from '../../cluster/credentials-once';
import type { ClusterReadContext } from '../../cluster/frontend-secret';
import { resolveMigrationTls } from '../../cluster/migration-tls';
import type { SecretRedactor } from '../../contract/secrets';
import { checkMigrationSource, checkNamespace, planMigration, withMigration } from '../../plan/migration';
import type { RunResult } from '../../contract/outputs';
import type { DesiredState } from '../../desired/model';
import {
  observeKubernetes,
  withExtensionView,
  type ObservedExtension,
  type ObservedKubernetesState,
} from '../../observe/kubernetes';
import { toObservedCompute } from '../../observe/from-arm';
import type { ObservedCompute } from '../../observe/model';
import { describeKubernetesPlan } from '../../plan/kubernetes-describe';
import { planKubernetes, type KubernetesPlan } from '../../plan/kubernetes-plan';
import type { ExecutionContext, StepRecord } from '../context';
import { annotateFrontEnd } from './annotate';
import { applyExtension } from './extension';
import { attachKubernetesCompute, detachKubernetesCompute } from './compute';

export interface KubernetesRunResult {
  readonly result: RunResult;
  readonly plan: KubernetesPlan;
  readonly before?: ObservedCompute;
  readonly after?: ObservedCompute;
  readonly steps: StepRecord[];
  readonly extensionId?: string;
}

const RESULT: Record<KubernetesPlan['action'], RunResult> = {
  none: 'unchanged',
  attach: 'attached',
  update: 'updated',
  reattach: 'reattached',
  detach: 'detached',
  absent: 'absent',
};

export interface KubernetesRunOptions {
  readonly redactor: SecretRedactor;
  readonly now: Date;
}

export async function runKubernetes(
  desired: DesiredState,
  gateway: ArmGateway,
  extensions: ExtensionGateway,
  execution: ExecutionContext,
  options: KubernetesRunOptions,
): Promise<KubernetesRunResult> {
  const { platform } = execution;
  const source = desired.compute?.source;
  const cluster = desired.operation !== 'detach' && source?.mode === 'attach' ? source.cluster : undefined;
  const observed = await platform.group('Read the current state', () =>
    observeKubernetes({ gateway, extensions, execution }, desired, cluster),
  );
  const reading = { gateway: credentialsOnce(gateway), redactor: options.redactor, signal: execution.signal };
  const { plan, view } = await decide(desired, observed, cluster, { ...reading, now: options.now, platform });
  for (const line of describeKubernetesPlan(desired, observed, plan)) platform.info(line);
  const bound = observed.compute?.clusterId ? parseManagedClusterId(observed.compute.clusterId) : undefined;
  const extensionId =
    plan.extensionId ??
    (bound && desired.kubernetes ? extensionResourceId(bound, desired.kubernetes.extensionName) : undefined);
  const done = (result: RunResult, after: ObservedCompute | undefined, steps: StepRecord[]): KubernetesRunResult => ({
    result,
    plan,
    before: observed.compute,
    after,
    steps,
    extensionId,
  });

  if (plan.cluster && desired.compute && (plan.extension || plan.attach)) {
    const { purpose, loadBalancerType } = desired.compute;
    await platform.group('Check the cluster', () =>
      checkTargetCluster({
        gateway,
        platform,
        desired,
        plan: { attach: { clusterId: plan.cluster!.id, purpose, loadBalancerType } },
        cluster: observed.cluster,
      }),
    );
  }
  if (desired.dryRun) {
    platform.info('dry-run: true — nothing was changed.');
    return done('planned', observed.compute, []);
  }
  if (plan.action === 'none' || plan.action === 'absent') return done(RESULT[plan.action], observed.compute, []);

  const steps: StepRecord[] = [];
  if (plan.migration?.annotate && view && plan.cluster)
    steps.push(await annotateFrontEnd(execution, view.access, plan.cluster));
  let extension: ObservedExtension | undefined = observed.extension;
  if (plan.extension && plan.cluster) {
    const applied = await applyExtension(
      execution,
      extensions,
      plan.cluster,
      desired.kubernetes!.extensionName,
      plan.extension,
      observed.extension,
    );
    steps.push(applied.record);
    extension = applied.extension;
  }
  if (plan.detach) steps.push(await detachKubernetesCompute(execution));
  if (plan.action === 'detach') return done('detached', undefined, steps);
  if (plan.attach) steps.push(await attachKubernetesCompute(execution, plan.attach.body));
  const resource = await gateway.getCompute();
  const after = resource ? toObservedCompute(resource) : undefined;
  return done(RESULT[plan.action], after && extension ? withExtensionView(after, extension) : after, steps);
}

/**
 * The plan, with what only the cluster itself can tell: migrate-from's v1 compute checked before
 * anything is read from the cluster, its certificate for tls: keep, then the namespace (before an
 * attach) and azureml-fe (migrate-from) read with the cluster credential.
 */
async function decide(
  desired: DesiredState,
  observed: ObservedKubernetesState,
  cluster: ManagedClusterId | undefined,
  reading: ClusterReadContext & { readonly now: Date; readonly platform: ExecutionContext['platform'] },
): Promise<{ plan: KubernetesPlan; view?: ClusterView }> {
  const { platform } = reading;
  const v1 = cluster && desired.kubernetes?.migrateFrom ? checkMigrationSource(desired, observed, cluster) : undefined;
  const keptTls =
    v1 && desired.compute?.tls.mode === 'keep'
      ? await platform.group('Read the TLS certificate to keep', () => resolveMigrationTls(reading, desired, v1))
      : undefined;
  const plan = planKubernetes(desired, observed, keptTls);
  const target = plan.cluster;
  if (!target || !(plan.attach || v1)) return { plan };
  const view = await platform.group('Read the cluster', () =>
    readClusterView(reading, target, {
      namespace: plan.attach ? desired.kubernetes?.namespace : undefined,
      frontEnd: !!v1,
    }),
  );
  if (plan.attach) checkNamespace(desired, target, view);
  return { plan: v1 ? withMigration(plan, planMigration(desired, plan, v1, view, target)) : plan, view };
}
