/** Key Vault failures: each names the vault and what is missing; all happen before any change. */
import { ProductError } from '../contract/errors';
import type { KeyVaultCertificateId } from './identifier';

export type KeyVaultProblem =
  | 'forbidden'
  | 'not-found'
  | 'disabled'
  | 'expired'
  | 'not-yet-valid'
  | 'key-not-exportable'
  | 'not-a-certificate'
  | 'password-protected'
  | 'unreadable'
  | 'invalid-certificate'
  | 'unreachable';

const NOTHING_CHANGED = 'Nothing was changed.';

export class KeyVaultError extends ProductError {
  readonly kind = 'key-vault';
  constructor(
    readonly problem: KeyVaultProblem,
    readonly vaultName: string,
    detail: string,
  ) {
    super(`Key Vault ${vaultName}: ${detail}\n${NOTHING_CHANGED}`);
    this.name = 'KeyVaultError';
  }
}

/** The certificate as the messages name it: `certificate 'name'` or `version 'v' of certificate 'name'`. */
export function certificateName(id: KeyVaultCertificateId, version = id.version): string {
  return version ? `version '${version}' of certificate '${id.name}'` : `certificate '${id.name}'`;
}
