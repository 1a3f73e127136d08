/** The Kubernetes compute's own steps: attach (PUT computeType Kubernetes) and detach (DELETE …?underlyingResourceAction=Detach). */
import type { ComputeResource } from '@azure/arm-machinelearning';
import type { ExecutionContext, StepRecord } from '../context';
import { waitForOperation } from '../waiting';

export async function attachKubernetesCompute(ctx: ExecutionContext, body: ComputeResource): Promise<StepRecord> {
  return ctx.platform.group(`Attach ${ctx.computeName} (Kubernetes)`, async () => {
    const startedAt = ctx.clock.now();
    const start = await ctx.gateway.beginCreateOrUpdate(body, 'attach');
    const outcome = await waitForOperation(ctx, 'attach', start);
    ctx.platform.info(`Attached ${ctx.computeName} as a Kubernetes compute.`);
    return { step: 'attach', durationMs: ctx.clock.now() - startedAt, polls: outcome.polls };
  });
}

export async function detachKubernetesCompute(ctx: ExecutionContext): Promise<StepRecord> {
  return ctx.platform.group(`Detach ${ctx.computeName}`, async () => {
    const startedAt = ctx.clock.now();
    const start = await ctx.gateway.beginDetach();
    const outcome = await waitForOperation(ctx, 'detach', start);
    ctx.platform.info(
      `Detached ${ctx.computeName}; the Azure ML extension and the AKS cluster were left in place (this step never removes them).`,
    );
    return { step: 'detach', durationMs: ctx.clock.now() - startedAt, polls: outcome.polls };
  });
}
