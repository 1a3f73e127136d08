/** Installs the Azure ML extension (PUT) or updates it in place (PATCH), and waits until it has settled. */
import type { ManagedClusterId } from '../../azure/arm-id';
import type { ExtensionGateway } from '../../azure/extension-gateway';
import { AzureError } from '../../contract/errors';
import type { KubernetesPlan } from '../../plan/kubernetes-plan';
import { toObservedExtension, type ObservedExtension } from '../../observe/kubernetes';
import type { ExecutionContext, StepRecord } from '../context';
import { ProgressReporter } from '../progress';

export async function applyExtension(
  ctx: ExecutionContext,
  extensions: ExtensionGateway,
  cluster: ManagedClusterId,
  name: string,
  change: NonNullable<KubernetesPlan['extension']>,
): Promise<{ record: StepRecord; extension: ObservedExtension }> {
  const install = change.kind === 'install';
  const label = `${install ? 'Install' : 'Update'} extension ${name} on ${cluster.name}`;
  return ctx.platform.group(label, async () => {
    const startedAt = ctx.clock.now();
    const start = install
      ? await extensions.beginInstall(cluster, name, change.body)
      : await extensions.beginUpdate(cluster, name, change.patch);
    if (!install && start.status === 200) ctx.platform.info('Azure answered that nothing had to change.');
    const progress = new ProgressReporter(ctx.platform, `extension ${name}`, ctx.clock);
    const outcome = await extensions.waitFor(start, (p) => progress.update(p.status));
    const after = await extensions.getExtension(cluster, name);
    const observed = after && toObservedExtension(after, cluster, name);
    if (outcome.status !== 'Succeeded' || observed?.provisioningState !== 'Succeeded') {
      const detail = observed?.problems.length ? observed.problems.join('; ') : outcome.error?.message;
      throw new AzureError(
        outcome.error?.code ?? `Extension${observed?.provisioningState ?? outcome.status}`,
        `the ${install ? 'installation' : 'update'} of extension '${name}' on cluster ${cluster.name} ended ${observed?.provisioningState ?? outcome.status}${detail ? `: ${detail}` : ''}`,
        undefined,
        install
          ? 'The compute was not attached. Fix the cause and re-run the step: it updates the extension in place.'
          : 'The compute was not detached. Fix the cause and re-run the step: it applies the settings again in place.',
      );
    }
    ctx.platform.info(
      `Extension ${name} is ${observed.provisioningState}, version ${observed.currentVersion ?? 'unknown'} (release train ${observed.releaseTrain ?? 'unknown'}).`,
    );
    return {
      record: {
        step: install ? 'extension install' : 'extension update',
        durationMs: ctx.clock.now() - startedAt,
        polls: outcome.polls,
      },
      extension: observed,
    };
  });
}
