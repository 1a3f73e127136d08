/**
 * Compute_CreateOrUpdate on an existing AKS compute: an update in place, as Azure ML applies
 * azureml-core's `AksCompute.update` (a PUT of the compute as GET returned it, same resourceId).
 * 201 + Azure-AsyncOperation with provisioningState Updating; the old settings stay in force
 * until the operation ends, then the new ones apply: the compute stays attached, the scoring IP
 * stays (unless the load balancer type changes) and so does the generated FQDN, except under a
 * new leaf domain label. `sslConfiguration.renew: true` (azureml-core's renewal, not in the
 * 2022-10-01 spec) lays down a new certificate for the same FQDN (a new notAfter); with captured
 * shapes only within 70 days of expiry, and served hours later (captured-renewal.ts). A failed
 * update leaves the old settings, Failed. A PUT naming another resourceId is refused (400).
 */
import { textOf } from '../server/text';
import { armError, json, type Reply, type RequestContext } from '../server/http';
import type { ComputeRecord, WorkspaceRecord } from '../server/types';
import {
  fail,
  generatedFqdn,
  renderCompute,
  scoringIp,
  validatePut,
  type MlDeps,
  type Validated,
} from './machine-learning';
import { clusterFqdn } from './container-service';
import { isCaptured } from './captured-shapes';
import { requestCapturedRenewal } from './captured-renewal';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Whether this PUT on an existing compute is an update (it names the compute's own cluster). */
export function isUpdate(body: unknown): boolean {
  const resourceId = isObj(body) && isObj(body.properties) ? body.properties.resourceId : undefined;
  return typeof resourceId === 'string' && resourceId !== '';
}

export function updateCompute(ctx: RequestContext, deps: MlDeps, ws: WorkspaceRecord, existing: ComputeRecord): Reply {
  const props = (ctx.body as Json).properties as Json;
  if (String(props.resourceId).toLowerCase() !== textOf(existing.properties.resourceId).toLowerCase()) {
    return armError(
      400,
      'BadRequest',
      `Compute '${existing.name}' is bound to '${String(existing.properties.resourceId)}'; its resourceId cannot be changed by an update. Detach it and attach the other cluster.`,
    );
  }
  const v = validatePut(ctx, deps, ws, existing.name);
  if ('status' in v) return v;
  const ssl = isObj(v.aks.sslConfiguration) ? v.aks.sslConfiguration : undefined;
  const renew = ssl?.renew === true;
  if (ssl) delete ssl.renew;
  const oldAks = existing.properties.properties as Json;
  const oldSsl = isObj(oldAks.sslConfiguration) ? oldAks.sslConfiguration : undefined;
  if (renew && (oldSsl?.status !== 'Auto' || !oldSsl.leafDomainLabel)) {
    return armError(
      400,
      'BadRequest',
      'Invalid configuration. When renew is set the cluster should have the leaf domain label set for SSL.',
    );
  }

  const previous = { properties: JSON.parse(JSON.stringify(existing.properties)) as Json, tls: existing.tls };
  existing.properties.provisioningState = 'Updating';
  existing.properties.modifiedOn = new Date().toISOString();
  const { headers } = deps.lro.start({
    subscriptionId: ws.subscriptionId,
    location: ws.location,
    kind: 'update',
    durationMs: deps.settings().attachMs,
    complete: (forced) => {
      if (forced.status !== 'Succeeded') {
        existing.properties = previous.properties;
        existing.tls = previous.tls;
        return fail(existing, forced.error!, forced.status === 'Canceled' ? 'Canceled' : 'Failed');
      }
      applyUpdate(deps, existing, v, renew);
      return undefined;
    },
    finalBody: () => renderCompute(existing),
  });
  return json(201, renderCompute(existing), headers);
}

/** Other TLS material served at once: a renewal still pending is void. */
function replaceTls(rec: ComputeRecord, tls: ComputeRecord['tls']): void {
  rec.tls = tls;
  delete rec.renewal;
}

/** The new settings take effect: TLS material, generated FQDN and scoring IP as Azure ML would leave them. */
function applyUpdate(deps: MlDeps, rec: ComputeRecord, v: Validated, renew: boolean): void {
  const oldAks = rec.properties.properties as Json;
  const oldSsl = isObj(oldAks.sslConfiguration) ? oldAks.sslConfiguration : { status: 'Disabled' };
  const aks: Json = { ...oldAks, ...v.aks };
  const ssl = isObj(aks.sslConfiguration) ? aks.sslConfiguration : { status: 'Disabled' };
  const cluster = deps.state.liveManagedCluster(String(rec.properties.resourceId));
  const sameAuto =
    ssl.status === 'Auto' &&
    oldSsl.status === 'Auto' &&
    String(ssl.leafDomainLabel).toLowerCase() === String(oldSsl.leafDomainLabel).toLowerCase() &&
    ssl.overwriteExistingDomain !== true;
  if (ssl.status === 'Auto') {
    const fqdn = sameAuto && typeof oldAks.clusterFqdn === 'string' ? oldAks.clusterFqdn : undefined;
    aks.clusterFqdn =
      fqdn ?? (cluster ? generatedFqdn(String(ssl.leafDomainLabel), cluster.location) : oldAks.clusterFqdn);
    const issue = () => deps.issueAutoCertificate(String(aks.clusterFqdn));
    // A renewal (or a new label) lays down a new certificate; the same label alone keeps the served one.
    // Captured shapes: a renewal as Azure does it, within 70 days and served hours later (captured-renewal.ts).
    if (renew && sameAuto && rec.tls && isCaptured(deps.settings())) requestCapturedRenewal(rec, issue);
    else if (renew || !sameAuto || !rec.tls) replaceTls(rec, issue());
  } else {
    if (cluster) aks.clusterFqdn = clusterFqdn(cluster).fqdn ?? clusterFqdn(cluster).privateFQDN;
    replaceTls(rec, ssl.status === 'Enabled' ? v.tls : undefined);
  }
  if (aks.loadBalancerType !== 'InternalLoadBalancer') delete aks.loadBalancerSubnet;
  if (cluster)
    aks.systemServices = [
      {
        systemServiceType: 'ScoringFrontEnd',
        publicIpAddress: scoringIp(cluster, aks.loadBalancerType === 'InternalLoadBalancer'),
        version: '1.0.0',
      },
    ];
  rec.properties.properties = aks;
  rec.tags = v.tags;
  if (v.description !== undefined) rec.properties.description = v.description;
  else delete rec.properties.description;
  rec.properties.provisioningState = 'Succeeded';
  delete rec.properties.provisioningErrors;
  rec.properties.modifiedOn = new Date().toISOString();
}
