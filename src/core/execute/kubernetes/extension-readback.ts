/**
 * After a PATCH of the Azure ML extension whose answer was lost: where the extension is. Azure
 * acted when the extension carries the patched settings (the certificate's fingerprint is one of
 * them, aksAmlAttach.tlsCertificateSha256) that it lacked before, or went through Updating since;
 * otherwise the PATCH (a merge of the same settings) may go again. Failed after an update it
 * received: that is the answer.
 */
import type { ManagedClusterId } from '../../azure/arm-id';
import type { ExtensionGateway, PatchExtension } from '../../azure/extension-gateway';
import { AzureError } from '../../contract/errors';
import { settingsDrift } from '../../extension/settings';
import { toObservedExtension, type ObservedExtension } from '../../observe/kubernetes';
import type { ExecutionContext } from '../context';
import type { ReadBack } from '../lost-answer';
import { waitWhileBusy } from '../waiting';

export interface PatchSent {
  readonly cluster: ManagedClusterId;
  readonly name: string;
  readonly patch: PatchExtension;
  /** The extension as the run observed it before the PATCH. */
  readonly before?: ObservedExtension;
}

export async function readBackExtensionPatch(
  ctx: ExecutionContext,
  extensions: ExtensionGateway,
  sent: PatchSent,
  failure: (settled: ObservedExtension) => AzureError,
): Promise<ReadBack> {
  const { cluster, name, patch, before } = sent;
  let busy = false;
  const settled = await waitWhileBusy(ctx, {
    what: `extension '${name}'`,
    read: () => extensions.getExtension(cluster, name),
    stateOf: (e) => e.provisioningState ?? undefined,
    label: 'extension update',
    recovery: (state) =>
      `The update of extension '${name}' on cluster ${cluster.name} may still run in Azure (state ${state}); the compute was not detached. Re-run the step once it has finished: it applies the settings again in place.`,
    onBusy: () => (busy = true),
  });
  if (!settled)
    return {
      kind: 'failed',
      error: new AzureError('ExtensionDisappeared', `extension '${name}' disappeared from cluster ${cluster.name}`),
    };
  const state = settled.provisioningState ?? 'Unknown';
  const wanted = patch.configurationSettings ?? {};
  const carries = settingsDrift(wanted, settled.configurationSettings ?? {}).length === 0;
  const lackedBefore = !!before && settingsDrift(wanted, before.settings).length > 0;
  if (state.toLowerCase() === 'failed') {
    // Failed before and untouched since: the repair never arrived and may go again.
    if (!busy && before?.provisioningState.toLowerCase() === 'failed') return { kind: 'unchanged' };
    return { kind: 'failed', error: failure(toObservedExtension(settled, cluster, name)) };
  }
  if (carries && (busy || lackedBefore)) return { kind: 'applied' };
  return { kind: 'unchanged' };
}
