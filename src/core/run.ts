/**
 * One run, whatever CI system drives it: inputs → desired → observed → plan → execution → report.
 */
import { computeResourceId, sameResourceId } from './azure/arm-id';
import { systemClock, type Clock } from './azure/clock';
import { createClients, type AzureClients } from './azure/clients';
import { CachingCredential, createCredential } from './azure/credential';
import { ArmGateway } from './azure/gateway';
import { checkTargetCluster } from './cluster/checks';
import { readDesiredState, type DesiredState } from './desired/read';
import { executePlan, waitUntilSettled, type StepRecord } from './execute/execute';
import { resolveKeptTls } from './cluster/keep-tls';
import { isTransitional, type ObservedCompute, type ObservedState } from './observe/model';
import { toObservedCompute } from './observe/from-arm';
import type { RunResult } from './contract/outputs';
import { planChange, type Plan, type ResolvedTls } from './plan/plan';
import { describePlan } from './plan/describe';
import type { Platform } from './contract/platform';
import type { RunContext } from './contract/run-context';
import type { SecretRedactor } from './contract/secrets';

export interface RunReport {
  readonly result: RunResult;
  readonly desired: DesiredState;
  readonly computeId: string;
  readonly plan: Plan;
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
  /** Called as soon as the gateway exists, so a cancellation can name the operation in progress. */
  readonly onGateway?: (gateway: ArmGateway) => void;
  /** For tests: clients over a given credential. */
  readonly clients?: AzureClients;
}

const RESULT_OF_ACTION: Record<Plan['action'], RunResult> = {
  none: 'unchanged',
  attach: 'attached',
  create: 'created',
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
  const desired = readDesiredState({
    readInput: ctx.readInput,
    displayName: ctx.displayName,
    defaultSubscriptionId: ctx.defaultSubscriptionId,
    now: options.now,
  });
  for (const warning of desired.warnings) platform.warning(warning, { title: 'TLS certificate' });
  if (desired.compute?.tls.mode === 'custom') {
    // The key is masked (and scrubbed from anything the product writes) before any request.
    options.redactor.add(desired.compute.tls.keyPem);
  }

  const { target } = desired;
  const deadline = startedAt + desired.timeoutMinutes * 60_000;
  const credential = new CachingCredential(createCredential(ctx.auth, ctx.cloud));
  const clients = options.clients ?? createClients(credential, ctx.cloud, target.subscriptionId);
  const gateway = new ArmGateway(clients, target, {
    deadline,
    signal: options.signal,
    clock,
    redactor: options.redactor,
    debug: (m) => platform.debug(m),
  });
  options.onGateway?.(gateway);
  const execution = { gateway, platform, clock, computeName: target.computeName, deadline, signal: options.signal };

  const observed = await platform.group('Read the current state', () => observe(gateway, desired, execution));
  const resolvedTls =
    desired.compute?.tls.mode === 'keep'
      ? await platform.group('Read the TLS certificate to keep', () =>
          resolveKeptTls({
            gateway,
            desired,
            observed,
            redactor: options.redactor,
            now: options.now ?? new Date(),
            platform,
            signal: options.signal,
          }),
        )
      : (desired.compute?.tls as ResolvedTls | undefined);
  const plan = planChange(desired, observed, resolvedTls);
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
  return report(resultOf(plan, steps), after ? toObservedCompute(after) : undefined, steps);
}

/** Reads only what the decision needs: the compute, then the workspace and its other computes when attaching. */
async function observe(
  gateway: ArmGateway,
  desired: DesiredState,
  execution: Parameters<typeof waitUntilSettled>[0],
): Promise<ObservedState> {
  let resource = await gateway.getCompute();
  const state = resource?.properties?.provisioningState;
  if (resource && state && isTransitional(state)) {
    execution.platform.info(
      `Compute ${desired.target.computeName} is ${state} (another operation is in progress); waiting for it to finish first.`,
    );
    resource = await waitUntilSettled(execution, state);
  }
  const compute = resource ? toObservedCompute(resource) : undefined;
  const want = desired.compute;
  if (!want) return { compute, otherBindings: [] };

  const wantedCluster = want.source.mode === 'attach' ? want.source.cluster.id : undefined;
  const newBinding = wantedCluster !== undefined && !sameResourceId(compute?.clusterId, wantedCluster);
  // The workspace is read only for its region, which a new compute needs unless `location` gives it.
  const needsLocation = !compute && !(want.source.mode === 'create' && want.source.location);
  const [workspaceLocation, others] = await Promise.all([
    needsLocation ? gateway.getWorkspaceLocation() : Promise.resolve(undefined),
    newBinding ? gateway.listComputes() : Promise.resolve([]),
  ]);
  const otherBindings = others
    .filter(
      (c) =>
        c.name?.toLowerCase() !== desired.target.computeName.toLowerCase() &&
        sameResourceId(c.properties?.resourceId ?? undefined, wantedCluster),
    )
    .map((c) => ({ name: c.name ?? '', id: c.id ?? '' }));
  return { compute, otherBindings, workspaceLocation };
}
