/** Where scoring requests go: what the `endpoint` output, the summary and the plan show. */
import type { ObservedCompute } from './model';

/**
 * The endpoint a DNS record must point at: under tls: auto the name Azure generated, but only
 * when Azure reports one (a non-empty sslConfiguration.cname); otherwise the scoring IP. Never
 * clusterFqdn: that is the AKS cluster's own name (its API server, or a bare cluster label in
 * captured answers), not where scoring requests go. A real Auto compute answers `cname: ""`.
 */
export function endpointOf(compute: ObservedCompute | undefined): string | undefined {
  if (!compute) return undefined;
  if (compute.tls.status === 'Auto' && compute.tls.cname) return compute.tls.cname;
  return compute.scoringIp;
}
