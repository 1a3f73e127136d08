/**
 * How far ahead a Microsoft-generated certificate can usefully be renewed. Azure lays a renewed
 * certificate down only when the served one expires within 70 days ("if you update it 70 days
 * before expiration, renew will not change anything; within 70 days, renew will lay down the
 * renewed certificate", MicrosoftDocs/azure-docs#56352), so with `tls: auto` a larger
 * `renew-within-days` acts as 70. With `tls: custom` the input only warns, and keeps its value.
 */
import type { DesiredTls } from './model';

const AZURE_RENEWAL_WINDOW_DAYS = 70;

/** The days before expiry from which a renewal is requested (auto) or warned about (custom). */
export function renewalWindowDays(mode: DesiredTls['mode'], renewWithinDays: number): number {
  return mode === 'auto' ? Math.min(renewWithinDays, AZURE_RENEWAL_WINDOW_DAYS) : renewWithinDays;
}

/** The warning for a `renew-within-days` above what Azure honours with `tls: auto` (`input` as the adapter names it). */
export function renewalWindowWarning(
  mode: DesiredTls['mode'],
  renewWithinDays: number,
  input: string,
): string | undefined {
  if (renewalWindowDays(mode, renewWithinDays) === renewWithinDays) return undefined;
  return `${input} ${renewWithinDays} acts as ${AZURE_RENEWAL_WINDOW_DAYS} with tls: auto: Azure lays a renewed Microsoft-generated certificate down only when the served one expires within ${AZURE_RENEWAL_WINDOW_DAYS} days (MicrosoftDocs/azure-docs#56352), so an earlier renewal request would change nothing. Set ${input} to ${AZURE_RENEWAL_WINDOW_DAYS} or less to silence this warning.`;
}
