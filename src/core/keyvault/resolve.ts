/**
 * The Key Vault stage of a run, between input validation and observation: tls-certificate-id is
 * read, decoded and checked, and becomes the same `custom` certificate the rest of the pipeline
 * applies. Every failure here happens before any request to Resource Manager.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { Clock } from '../azure/clock';
import { requestTimeoutFromEnv } from '../azure/request-timeout';
import { InputError } from '../contract/errors';
import type { InputName } from '../contract/inputs';
import type { Platform } from '../contract/platform';
import { encodedForms, type SecretRedactor } from '../contract/secrets';
import type { DesiredState, DesiredTls } from '../desired/model';
import { checkTlsMaterial } from '../tls/certificate';
import { decodeCertificateSecret, DecodeError, PEM_CONTENT_TYPE, PFX_CONTENT_TYPE } from './decode';
import { certificateName, KeyVaultError } from './errors';
import type { KeyVaultCertificateId } from './identifier';
import { readCertificateSecret, type CertificateSecret } from './read-secret';

export interface KeyVaultStageDeps {
  readonly credential: TokenCredential;
  readonly redactor: SecretRedactor;
  readonly platform: Platform;
  readonly displayName: (input: InputName) => string;
  readonly now: Date;
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

/** The desired state with a Key Vault certificate replaced by the certificate it holds now. */
export async function resolveKeyVaultCertificate(
  desired: DesiredState,
  deps: KeyVaultStageDeps,
): Promise<DesiredState> {
  const compute = desired.compute;
  if (compute?.tls.mode !== 'key-vault') return desired;
  const { certificateId: id, cname } = compute.tls;
  const tls = await deps.platform.group('Read the TLS certificate from Key Vault', async () => {
    const secret = await readCertificateSecret(id, deps.credential, {
      deadline: deps.deadline,
      signal: deps.signal,
      clock: deps.clock,
      requestTimeoutMs: requestTimeoutFromEnv(),
      // Registered before anything is logged: the whole value (PEM, or the PFX's base64).
      protect: (value) => deps.redactor.add(value),
      debug: (m) => deps.platform.debug(m),
    });
    return certificateFromSecret(id, secret, cname, compute.renewWithinDays, deps);
  });
  return { ...desired, compute: { ...compute, tls } };
}

/** The secret as the custom certificate the pipeline applies; its key registered in every form first. */
export function certificateFromSecret(
  id: KeyVaultCertificateId,
  secret: CertificateSecret,
  givenCname: string | undefined,
  warnWithinDays: number,
  deps: KeyVaultStageDeps,
): DesiredTls {
  const what = certificateName(id, secret.version);
  const contentType = (secret.contentType ?? '').toLowerCase();
  if (!secret.keyId || !secret.managed || (contentType !== PEM_CONTENT_TYPE && contentType !== PFX_CONTENT_TYPE))
    throw new KeyVaultError(
      'not-a-certificate',
      id.vaultName,
      `'${id.name}' is a secret, not a certificate's secret (${secret.keyId && secret.managed ? `content type '${secret.contentType ?? ''}'` : 'no certificate manages it'}); import the certificate into Key Vault's certificates (PEM or PFX) and give its identifier`,
    );
  if (secret.expiresOn && secret.expiresOn.getTime() <= deps.now.getTime())
    throw new KeyVaultError(
      'expired',
      id.vaultName,
      `${what} expired on ${secret.expiresOn.toISOString()}; renew the certificate in Key Vault (or let its lifetime action do it), or give a current version`,
    );
  if (secret.notBefore && secret.notBefore.getTime() > deps.now.getTime())
    throw new KeyVaultError(
      'not-yet-valid',
      id.vaultName,
      `${what} is not valid before ${secret.notBefore.toISOString()}`,
    );

  let decoded;
  try {
    decoded = decodeCertificateSecret(secret.value, contentType);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw new KeyVaultError(
      error.reason === 'password-protected' ? 'password-protected' : 'invalid-certificate',
      id.vaultName,
      `${what} cannot be used: ${error.message}${error.reason === 'password-protected' ? '; import it into Key Vault without a password' : ''}`,
    );
  }
  const { certPem, keyPem, keyDerBase64 } = decoded;
  if (!keyPem)
    throw new KeyVaultError(
      'key-not-exportable',
      id.vaultName,
      `${what} has no exportable private key (its secret holds the certificate only); create the certificate with an exportable key (policy keyProperties.exportable: true)`,
    );
  deps.redactor.add(keyPem);
  for (const form of [...encodedForms(keyPem), keyDerBase64]) deps.redactor.add(form);

  const check = checkTlsMaterial(certPem, keyPem, undefined, deps.now, warnWithinDays);
  const cname = givenCname ?? check.certificate?.dnsNames.find((n) => !n.startsWith('*.'))?.toLowerCase();
  const withCname = cname ? checkTlsMaterial(certPem, keyPem, cname, deps.now, warnWithinDays) : check;
  const certificateProblems = withCname.problems.filter((p) => p.field !== 'cname');
  if (certificateProblems.length > 0 || !withCname.certificate)
    throw new KeyVaultError(
      'invalid-certificate',
      id.vaultName,
      `${what} cannot be used: ${certificateProblems.map((p) => `the ${p.field === 'key' ? 'key' : 'certificate'} ${p.message}`).join('; ')}`,
    );
  const cnameProblems = withCname.problems.filter((p) => p.field === 'cname');
  if (!cname || cnameProblems.length > 0)
    throw new InputError([
      {
        input: deps.displayName('tls-cname'),
        message: cname
          ? `${cnameProblems[0].message} (${what} in Key Vault ${id.vaultName})`
          : `is required: ${what} in Key Vault ${id.vaultName} names no DNS name but wildcards to default to; give the DNS name clients will call`,
      },
    ]);
  for (const warning of withCname.warnings) deps.platform.warning(warning, { title: 'TLS certificate' });
  const certificate = withCname.certificate;
  deps.platform.info(
    `Key Vault ${id.vaultName}: certificate ${id.name}, version ${secret.version}, SHA-256 ${certificate.fingerprintSha256}, for ${cname}, expires ${certificate.validTo.toISOString()}`,
  );
  return {
    mode: 'custom',
    certPem,
    keyPem,
    cname,
    certificate,
    keyVault: { vaultName: id.vaultName, name: id.name, version: secret.version },
  };
}
