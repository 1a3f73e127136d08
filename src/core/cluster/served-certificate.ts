/**
 * The expiry of the certificate a compute serves, whatever its TLS mode. With `Enabled` (a
 * custom certificate) it is the tag this product wrote at attach or update (observe/from-arm.ts);
 * with `Auto` (a Microsoft-generated certificate) ARM says nothing about it, so it is read from
 * the scoring front end's azuremlfessl secret, as `tls: keep` reads it, when the identity may.
 * Microsoft no longer renews these certificates by itself (MicrosoftDocs/azure-ai-docs PR #461):
 * this date is what `renew-within-days` is judged by and what `tls-expires-on` reports.
 */
import { parseManagedClusterId } from '../azure/arm-id';
import { CancelledError, StateError } from '../contract/errors';
import type { Platform } from '../contract/platform';
import type { ObservedCompute } from '../observe/model';
import type { ResolvedTls } from '../plan/plan';
import { describeCertificate } from '../tls/certificate';
import {
  clusterAccess,
  FRONTEND_SECRET,
  readFrontendTls,
  type ClusterReadContext,
  type ReadPurpose,
} from './frontend-secret';

export interface ServedCertificateContext extends ClusterReadContext {
  readonly platform: Pick<Platform, 'info' | 'warning'>;
  /** A renewal depends on the date: say loudly (a warning) when it cannot be known. */
  readonly renewalDepends: boolean;
}

const SERVED: ReadPurpose = {
  label: 'the expiry of the Microsoft-generated certificate is unknown',
  outcome: 'tls-expires-on stays empty and no renewal is judged by it',
  fallback:
    'Otherwise renew it on a schedule (operation: refresh), or read its expiry yourself: kubectl get secret azuremlfessl -o jsonpath="{.data.cert\\.pem}".',
};

/** The compute with `tlsExpiresOn` of the certificate it serves, when that can be known (a reason is logged when not). */
export async function withServedCertificate(
  ctx: ServedCertificateContext,
  compute: ObservedCompute | undefined,
): Promise<ObservedCompute | undefined> {
  if (!compute || compute.tls.status !== 'Auto') return compute;
  const say = (text: string) =>
    ctx.renewalDepends ? ctx.platform.warning(text, { title: 'TLS certificate' }) : ctx.platform.info(text);
  const clusterId = compute.clusterId ? parseManagedClusterId(compute.clusterId) : undefined;
  if (!clusterId) {
    say(`${SERVED.label}: compute '${compute.name}' is bound to no AKS cluster; ${SERVED.outcome}.`);
    return compute;
  }
  const where = `secret ${FRONTEND_SECRET.name} (namespace ${FRONTEND_SECRET.namespace}) of cluster ${clusterId.name}`;
  try {
    const access = await clusterAccess(ctx, clusterId, where, SERVED);
    const { certPem, keyPem } = await readFrontendTls(ctx, access, where, SERVED);
    ctx.redactor.add(keyPem);
    const validTo = describeCertificate(certPem).validTo;
    ctx.platform.info(
      `The certificate compute '${compute.name}' serves (${where}) expires on ${validTo.toISOString()}.`,
    );
    return { ...compute, tlsExpiresOn: validTo.toISOString() };
  } catch (error) {
    if (error instanceof CancelledError || !(error instanceof Error)) throw error;
    say(
      error instanceof StateError
        ? error.message
        : `${SERVED.label}: ${where} holds no readable certificate; ${SERVED.outcome}.`,
    );
    return compute;
  }
}

/** With `tls: keep`, the certificate read to keep is the one served: its expiry is the compute's (Auto has no tag for it). */
export function withKeptCertificate(
  compute: ObservedCompute | undefined,
  kept: ResolvedTls | undefined,
): ObservedCompute | undefined {
  if (!compute || compute.tlsExpiresOn || kept?.mode !== 'custom') return compute;
  return { ...compute, tlsExpiresOn: kept.certificate.validTo.toISOString() };
}
