/**
 * tls: keep — read the certificate and key the cluster serves now from its azuremlfessl secret,
 * before anything is detached. (Being completed.)
 */
import type { ArmGateway } from './azure/gateway';
import type { DesiredState } from './desired';
import { StateError } from './errors';
import type { ObservedState } from './observed';
import type { ResolvedTls } from './plan';
import type { SecretRedactor } from './secrets';

export interface KeepTlsContext {
  readonly gateway: ArmGateway;
  readonly desired: DesiredState;
  readonly observed: ObservedState;
  readonly redactor: SecretRedactor;
  readonly now: Date;
}

export async function resolveKeptTls(_ctx: KeepTlsContext): Promise<ResolvedTls> {
  throw new StateError('tls: keep is not available yet');
}
