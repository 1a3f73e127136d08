/** Which desired settings differ from the compute as found, each as `setting: from → to`. */
import type { DesiredCompute } from '../desired/model';
import type { ObservedCompute } from '../observe/model';
import type { Drift, ResolvedTls } from './plan';

/** The drift settings that replace sslConfiguration (and with it the served certificate). */
export const TLS_SETTINGS = ['tls', 'tls-cname', 'tls-certificate', 'leaf-domain-label'];

const show = (value: string | undefined) => value ?? '(none)';

export function settingDrift(compute: ObservedCompute, want: DesiredCompute, tls: ResolvedTls): Drift[] {
  const drift: Drift[] = [];
  const purpose = compute.purpose ?? 'FastProd';
  if (purpose.toLowerCase() !== want.purpose.toLowerCase())
    drift.push({ setting: 'cluster-purpose', from: purpose, to: want.purpose });
  const lb = compute.loadBalancerType ?? 'PublicIp';
  if (lb.toLowerCase() !== want.loadBalancerType.toLowerCase())
    drift.push({ setting: 'load-balancer-type', from: lb, to: want.loadBalancerType });
  if (
    want.loadBalancerType === 'InternalLoadBalancer' &&
    want.loadBalancerSubnet !== undefined &&
    (compute.loadBalancerSubnet ?? '') !== want.loadBalancerSubnet
  ) {
    drift.push({
      setting: 'load-balancer-subnet',
      from: show(compute.loadBalancerSubnet),
      to: want.loadBalancerSubnet,
    });
  }

  if (want.tls.mode === 'keep') {
    // The certificate is the one the cluster serves now (also an Azure-generated one under Auto):
    // only a new cname is a change. Fingerprint tags are not compared; keep means "as served".
    const cname = tls.mode === 'custom' ? tls.cname : '';
    if (want.tls.cname !== undefined && (compute.tls.cname ?? '').toLowerCase() !== cname.toLowerCase())
      drift.push({ setting: 'tls-cname', from: show(compute.tls.cname), to: cname });
    return drift;
  }

  const wantStatus = tls.mode === 'disabled' ? 'Disabled' : tls.mode === 'auto' ? 'Auto' : 'Enabled';
  if (compute.tls.status !== wantStatus) {
    drift.push({ setting: 'tls', from: compute.tls.status, to: wantStatus });
    return drift;
  }
  if (tls.mode === 'auto' && (compute.tls.leafDomainLabel ?? '') !== tls.leafDomainLabel) {
    drift.push({ setting: 'leaf-domain-label', from: show(compute.tls.leafDomainLabel), to: tls.leafDomainLabel });
  }
  if (tls.mode === 'custom') {
    if ((compute.tls.cname ?? '').toLowerCase() !== tls.cname)
      drift.push({ setting: 'tls-cname', from: show(compute.tls.cname), to: tls.cname });
    const fingerprint = tls.certificate.fingerprintSha256;
    if (!compute.tlsFingerprint)
      drift.push({
        setting: 'tls-certificate',
        from: '(no recorded fingerprint)',
        to: `sha256 ${fingerprint.slice(0, 16)}…`,
      });
    else if (compute.tlsFingerprint.toLowerCase() !== fingerprint)
      drift.push({
        setting: 'tls-certificate',
        from: `sha256 ${compute.tlsFingerprint.slice(0, 16)}…`,
        to: `sha256 ${fingerprint.slice(0, 16)}…`,
      });
  }
  return drift;
}
