/**
 * Installs the Azure ML extension (PUT) or updates it in place (PATCH), and waits until it has
 * settled. A PATCH whose answer was lost is judged by reading the extension back
 * (extension-readback.ts) and sent again only when Azure did not act on it.
 */
import type { ManagedClusterId } from '../../azure/arm-id';
import type { ExtensionGateway } from '../../azure/extension-gateway';
import type { LroOutcome } from '../../azure/poller';
import { AzureError } from '../../contract/errors';
import type { KubernetesPlan } from '../../plan/kubernetes-plan';
import { toObservedExtension, type ObservedExtension } from '../../observe/kubernetes';
import type { ExecutionContext, StepRecord } from '../context';
import { sendReadingBackLostAnswers } from '../lost-answer';
import { ProgressReporter } from '../progress';
import { readBackExtensionPatch } from './extension-readback';

export async function applyExtension(
  ctx: ExecutionContext,
  extensions: ExtensionGateway,
  cluster: ManagedClusterId,
  name: string,
  change: NonNullable<KubernetesPlan['extension']>,
  before?: ObservedExtension,
): Promise<{ record: StepRecord; extension: ObservedExtension }> {
  const install = change.kind === 'install';
  const label = `${install ? 'Install' : 'Update'} extension ${name} on ${cluster.name}`;
  const ended = (state: string, detail?: string, code?: string): AzureError =>
    new AzureError(
      code ?? `Extension${state}`,
      `the ${install ? 'installation' : 'update'} of extension '${name}' on cluster ${cluster.name} ended ${state}${detail ? `: ${detail}` : ''}`,
      undefined,
      install
        ? 'The compute was not attached. Fix the cause and re-run the step: it updates the extension in place.'
        : 'The compute was not detached. Fix the cause and re-run the step: it applies the settings again in place.',
    );
  return ctx.platform.group(label, async () => {
    const startedAt = ctx.clock.now();
    const start =
      change.kind === 'install'
        ? await extensions.beginInstall(cluster, name, change.body)
        : await sendReadingBackLostAnswers(ctx, {
            what: `update of extension ${name}`,
            send: () => extensions.beginUpdate(cluster, name, change.patch),
            readBack: () =>
              readBackExtensionPatch(ctx, extensions, { cluster, name, patch: change.patch, before }, (e) =>
                ended(e.provisioningState, e.problems.join('; ') || undefined),
              ),
          });
    let outcome: Pick<LroOutcome, 'status' | 'error' | 'polls'> = { status: 'Succeeded', polls: 0 };
    if (start !== 'applied') {
      if (!install && start.status === 200) ctx.platform.info('Azure answered that nothing had to change.');
      const progress = new ProgressReporter(ctx.platform, `extension ${name}`, ctx.clock);
      outcome = await extensions.waitFor(start, (p) => progress.update(p.status));
    }
    const after = await extensions.getExtension(cluster, name);
    const observed = after && toObservedExtension(after, cluster, name);
    if (outcome.status !== 'Succeeded' || observed?.provisioningState !== 'Succeeded') {
      const detail = observed?.problems.length ? observed.problems.join('; ') : outcome.error?.message;
      throw ended(observed?.provisioningState ?? outcome.status, detail, outcome.error?.code);
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
