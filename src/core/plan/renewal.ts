/**
 * Renewal of a Microsoft-generated (`tls: auto`) certificate, as Azure does it: a PUT with
 * `sslConfiguration.renew: true` lays a renewed certificate down only when the served one
 * expires within 70 days (desired/renewal-window.ts), and the cluster serves it about 5 hours
 * after the request (azure-ai-docs `v1/how-to-secure-web-service.md`). Until then azuremlfessl
 * still holds the old certificate, so a scheduled run would find it due again: the request is
 * recorded in a compute tag, and not repeated for 24 hours.
 */
import type { DesiredCompute, DesiredState } from '../desired/model';
import { renewalWindowDays } from '../desired/renewal-window';
import { TAGS, type ObservedCompute } from '../observe/model';
import { TLS_SETTINGS } from './drift';
import type { Drift, ResolvedTls } from './plan';

const DAY_MS = 86_400_000;
/** No second renewal request within this long of the first: Azure serves the new certificate within about 5 hours. */
const RENEWAL_REPEAT_MS = DAY_MS;
export const SERVE_DELAY_TEXT = 'Azure serves the new certificate within about 5 hours';

export type Renewal =
  /** Not due, or not judged (expiry unknown, another TLS mode or label, refresh). */
  | { readonly kind: 'none' }
  /** Request a renewal now. */
  | { readonly kind: 'due'; readonly reason: string }
  /** Due, but requested less than 24 hours ago: wait for Azure to serve it. */
  | { readonly kind: 'pending'; readonly reason: string };

/** Whether the served Microsoft certificate is to be renewed now, is waiting for a renewal requested earlier, or neither. */
export function renewalOf(
  desired: DesiredState,
  compute: ObservedCompute,
  want: DesiredCompute,
  tls: ResolvedTls,
  drift: readonly Drift[],
  now: Date,
): Renewal {
  const none = { kind: 'none' } as const;
  const windowDays = renewalWindowDays(tls.mode, want.renewWithinDays);
  if (desired.operation !== 'ensure' || windowDays <= 0) return none;
  if (tls.mode !== 'auto' || compute.tls.status !== 'Auto' || !compute.tls.leafDomainLabel) return none;
  // A new label or mode replaces sslConfiguration anyway, and with it the certificate.
  if (drift.some((d) => TLS_SETTINGS.includes(d.setting))) return none;
  const expiresText = compute.tlsExpiresOn;
  const expiresOn = expiresText ? Date.parse(expiresText) : NaN;
  if (!expiresText || Number.isNaN(expiresOn) || expiresOn - now.getTime() > windowDays * DAY_MS) return none;

  const days = Math.floor((expiresOn - now.getTime()) / DAY_MS);
  const served = days < 0 ? `expired on ${expiresText}` : `expires on ${expiresText} (in ${days} days)`;
  const requestedAt = renewalRequestedAt(compute);
  if (requestedAt && Math.abs(now.getTime() - requestedAt.getTime()) < RENEWAL_REPEAT_MS) {
    const again = new Date(requestedAt.getTime() + RENEWAL_REPEAT_MS).toISOString();
    return {
      kind: 'pending',
      reason: `renewal pending: renewal requested at ${requestedAt.toISOString()}; ${SERVE_DELAY_TEXT} (the certificate served now ${served}); no second renewal is requested before ${again}`,
    };
  }
  const within =
    windowDays === want.renewWithinDays
      ? `renew-within-days ${windowDays}`
      : `${windowDays} days (renew-within-days ${want.renewWithinDays} acts as ${windowDays})`;
  const earlier = requestedAt
    ? `; the renewal requested at ${requestedAt.toISOString()} was not served within 24 hours, so it is requested again`
    : '';
  return {
    kind: 'due',
    reason: `the Microsoft-generated certificate ${served}, within ${within}: renew it in place (same DNS name)${earlier}`,
  };
}

/** When this product last requested a renewal of the compute's certificate (its tag), if it did. */
function renewalRequestedAt(compute: ObservedCompute): Date | undefined {
  const text = compute.tags[TAGS.renewalRequestedAt];
  const time = text ? Date.parse(text) : NaN;
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * The tags a write sends: a renewal request records its time; a pending one stays recorded;
 * otherwise the record is stale (the certificate was renewed, or the write replaces it) and goes
 * with the write. Nothing is ever written only to clear it.
 */
export function withRenewalTag(
  tags: Readonly<Record<string, string>>,
  renewal: Renewal,
  renewing: boolean,
  now: Date,
): Record<string, string> {
  const out = { ...tags };
  if (renewing) out[TAGS.renewalRequestedAt] = now.toISOString();
  else if (renewal.kind !== 'pending') delete out[TAGS.renewalRequestedAt];
  return out;
}
