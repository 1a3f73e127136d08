/**
 * With `responseShapes: 'captured'`, the renewal of a Microsoft-generated certificate as Azure
 * does it, rather than at once: a PUT with `sslConfiguration.renew: true` lays a renewed
 * certificate down only when the served one expires within 70 days ("if you update it 70 days
 * before expiration, renew will not change anything; within 70 days, renew will lay down the
 * renewed certificate", MicrosoftDocs/azure-docs#56352), and the cluster's azuremlfessl secret
 * serves it only `settings.capturedRenewalDelayMs` after the request ("This operation will take
 * about 5 hours to take effect", azure-ai-docs `v1/how-to-secure-web-service.md`). The delay is
 * read when the secret is read, so a test makes the hours pass by lowering the setting.
 */
import * as crypto from 'node:crypto';
import type { ComputeRecord, EmulatorSettings } from '../server/types';

const DAY_MS = 86_400_000;
const RENEWAL_WINDOW_DAYS = 70;

type Tls = NonNullable<ComputeRecord['tls']>;

/** A renewal request on the compute: pending when the served certificate is due, ignored otherwise. */
export function requestCapturedRenewal(rec: ComputeRecord, issue: () => Tls, now = Date.now()): void {
  if (!rec.tls) return;
  const notAfter = Date.parse(new crypto.X509Certificate(rec.tls.certPem).validTo);
  if (notAfter - now > RENEWAL_WINDOW_DAYS * DAY_MS) return;
  rec.renewal = { tls: issue(), requestedAt: now };
}

/** The TLS material the compute's cluster serves now: a renewed certificate once its delay has passed. */
export function servedTls(rec: ComputeRecord, settings: EmulatorSettings, now = Date.now()): ComputeRecord['tls'] {
  if (rec.renewal && now - rec.renewal.requestedAt >= settings.capturedRenewalDelayMs) {
    rec.tls = rec.renewal.tls;
    delete rec.renewal;
  }
  return rec.tls;
}
