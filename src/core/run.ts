/**
 * One run, whatever CI system drives it: inputs → desired → observed → plan → execution → report.
 */
import { computeResourceId } from './azure/arm-id';
import { systemClock, type Clock } from './azure/clock';
import { createClients, type AzureClients } from './azure/clients';
import { CachingCredential, createCredential } from './azure/credential';
import { keyVaultDnsSuffix } from './azure/cloud';
import { resolveKeyVaultCertificate } from './keyvault/resolve';
import { ArmGateway } from './azure/gateway';
import { OperationTracker } from './azure/operation-tracker';
import { checkTargetCluster } from './cluster/checks';
import type { DesiredState } from './desired/model';
import { readDesiredState } from './desired/read';
import { executePlan, type StepRecord } from './execute/execute';
import { resolveKeptTls } from './cluster/keep-tls';
import {
  withKeptCertificate,
  withServedCertificate,
  type ServedCertificateContext,
} from './cluster/served-certificate';
import type { ObservedCompute } from './observe/model';
import { observe } from './observe/observe';
import { toObservedCompute } from './observe/from-arm';
import type { RunResult } from './contract/outputs';
import { planChange, type Plan } from './plan/plan';
import { describePlan } from './plan/describe';
import type { Platform } from './contract/platform';
import type { RunContext } from './contract/run-context';
import { encodedForms, type SecretRedactor } from './contract/secrets';
import { ArmExtensionGateway } from './azure/extension-gateway';
import { runKubernetes } from './execute/kubernetes/run';
import type { KubernetesPlan } from './plan/kubernetes-plan';

export interface RunReport {
  readonly result: RunResult;
  readonly desired: DesiredState;
  readonly computeId: string;
  readonly plan: Plan | KubernetesPlan;
  /** compute-type: kubernetes: the ARM id of the Azure ML extension. */
  readonly extensionId?: string;
  readonly before?: ObservedCompute;
  readonly after?: ObservedCompute;
  readonly steps: readonly StepRecord[];
  readonly durationMs: number;
  readonly tokenRequests: number;
}

export interface RunOptions {
  readonly redactor: SecretRedactor;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  readonly now?: Date;
  /** Called as soon as the run knows its compute, so a cancellation can name the operation in progress. */
  readonly onOperations?: (operations: OperationTracker) => void;
  /** For tests: clients over a given credential. */
  readonly clients?: AzureClients;
}

const RESULT_OF_ACTION: Record<Plan['action'], RunResult> = {
  none: 'unchanged',
  attach: 'attached',
  create: 'created',
  update: 'updated',
  reattach: 'reattached',
  detach: 'detached',
  absent: 'absent',
};

/** What the run did; when another run reached the desired state first, only waits were recorded. */
function resultOf(plan: Plan, steps: readonly StepRecord[]): RunResult {
  if (steps.some((s) => s.step !== 'wait')) return RESULT_OF_ACTION[plan.action];
  return plan.action === 'detach' ? 'absent' : 'unchanged';
}

export async function runOnce(platform: Platform, ctx: RunContext, options: RunOptions): Promise<RunReport> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const requested = readDesiredState({
    readInput: ctx.readInput,
    displayName: ctx.displayName,
    defaultSubscriptionId: ctx.defaultSubscriptionId,
    now: options.now,
    keyVaultDnsSuffix: keyVaultDnsSuffix(ctx.cloud),
  });
  for (const warning of requested.warnings) platform.warning(warning, { title: 'TLS certificate' });
  if (requested.compute?.tls.mode === 'custom') {
    // The key is masked (and scrubbed from anything the product writes) before any request.
    options.redactor.add(requested.compute.tls.keyPem);
    // The extension takes the key base64-encoded (a protected setting): that form is secret too.
    for (const form of encodedForms(requested.compute.tls.keyPem)) options.redactor.add(form);
  }

  const { target } = requested;
  const deadline = startedAt + requested.timeoutMinutes * 60_000;
  const credential = new CachingCredential(createCredential(ctx.auth, ctx.cloud));
  // tls-certificate-id: the certificate is read (and its key masked) before anything else is.
  const desired = await resolveKeyVaultCertificate(requested, {
    credential,
    redactor: options.redactor,
    platform,
    displayName: ctx.displayName,
    now: options.now ?? new Date(),
    deadline,
    signal: options.signal,
    clock,
  });
  const clients = options.clients ?? createClients(credential, ctx.cloud, target.subscriptionId);
  const operations = new OperationTracker(
    computeResourceId(target.subscriptionId, target.resourceGroup, target.workspaceName, target.computeName),
  );
  options.onOperations?.(operations);
  const gateway = new ArmGateway(clients, target, {
    deadline,
    signal: options.signal,
    clock,
    redactor: options.redactor,
    debug: (m) => platform.debug(m),
    operations,
  });
  const execution = {
    gateway,
    operations,
    platform,
    clock,
    computeName: target.computeName,
    deadline,
    signal: options.signal,
    cluster: { gateway, redactor: options.redactor, signal: options.signal },
  };

  if (desired.kubernetes) {
    const run = await runKubernetes(desired, gateway, new ArmExtensionGateway(clients, gateway.requests), execution, {
      redactor: options.redactor,
      now: options.now ?? new Date(),
    });
    return {
      ...run,
      desired,
      computeId:
        run.after?.id ||
        run.before?.id ||
        computeResourceId(target.subscriptionId, target.resourceGroup, target.workspaceName, target.computeName),
      durationMs: clock.now() - startedAt,
      tokenRequests: credential.tokenRequests,
    };
  }

  const served: ServedCertificateContext = {
    gateway,
    redactor: options.redactor,
    signal: options.signal,
    platform,
    renewalDepends:
      desired.operation === 'ensure' && desired.compute?.tls.mode === 'auto' && desired.compute.renewWithinDays > 0,
  };
  // tls: keep reads the served certificate itself (below); reading it here too would list the
  // cluster's credentials and GET azuremlfessl twice.
  const keeping = desired.compute?.tls.mode === 'keep';
  const found = await platform.group('Read the current state', async () => {
    const state = await observe(gateway, desired, execution);
    return desired.compute && !keeping
      ? { ...state, compute: await withServedCertificate(served, state.compute) }
      : state;
  });
  const resolvedTls = keeping
    ? await platform.group('Read the TLS certificate to keep', () =>
        resolveKeptTls({
          gateway,
          desired,
          observed: found,
          redactor: options.redactor,
          now: options.now ?? new Date(),
          platform,
          signal: options.signal,
        }),
      )
    : desired.compute?.tls;
  const observed = keeping ? { ...found, compute: withKeptCertificate(found.compute, resolvedTls) } : found;
  const plan = planChange(desired, observed, resolvedTls, options.now ?? new Date());
  for (const line of describePlan(desired, observed, plan)) platform.info(line);
  if (plan.attach?.clusterId && (plan.action === 'attach' || plan.action === 'reattach')) {
    await platform.group('Check the cluster', () => checkTargetCluster({ gateway, platform, desired, plan }));
  }

  const computeId =
    observed.compute?.id ||
    computeResourceId(target.subscriptionId, target.resourceGroup, target.workspaceName, target.computeName);
  const report = (result: RunResult, after: ObservedCompute | undefined, steps: StepRecord[]): RunReport => ({
    result,
    desired,
    computeId: after?.id || computeId,
    plan,
    before: observed.compute,
    after,
    steps,
    durationMs: clock.now() - startedAt,
    tokenRequests: credential.tokenRequests,
  });

  if (desired.dryRun) {
    platform.info('dry-run: true — nothing was changed.');
    return report('planned', observed.compute, []);
  }
  if (plan.action === 'none' || plan.action === 'absent')
    return report(RESULT_OF_ACTION[plan.action], observed.compute, []);

  const steps = await executePlan(plan, execution);
  const after = plan.action === 'detach' ? undefined : await gateway.getCompute();
  const afterCompute = after ? await withServedCertificate(served, toObservedCompute(after)) : undefined;
  return report(resultOf(plan, steps), afterCompute, steps);
}
