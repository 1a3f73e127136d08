/**
 * Issue 16: each way a Key Vault certificate can be unusable fails the step before any request to
 * Resource Manager, naming the vault and what is missing (the GitHub bundle; both bundles share
 * the core and the 403/404 cases run through both in key-vault.test.ts).
 */
import { runAction, type ActionRun } from '../../testkit/run-action';
import { emulatorPerTest, githubInputs } from '../../testkit/world';
import {
  addVaultSecrets,
  certificateId,
  CERTIFICATE,
  ensureVault,
  importCertificate,
  keyVaultEnv,
  VAULT,
  VAULT_HOST,
} from '../../testkit/key-vault';
import { keyScanner } from '../../testkit/kubernetes';

const world = emulatorPerTest({ expectOperations: ['GetSecret'] });
const DAY = 86_400_000;

async function run(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    inputs: githubInputs(world(), { tls: 'custom', ...inputs }),
    caCertPath: world().caCertPath,
    env: { ...keyVaultEnv(world()), RUNNER_DEBUG: '1' },
  });
}

/** The run failed with a message naming the vault and saying `what`, and nothing reached ARM. */
function expectRefused(r: ActionRun, what: RegExp): void {
  expect(r.exitCode).not.toBe(0);
  const error = r.stdout.split('\n').find((l) => l.startsWith('::error')) ?? '';
  expect(error).toContain(`Key Vault ${VAULT}`);
  expect(error).toMatch(what);
  expect(world().traffic.filter({ kind: 'arm' })).toEqual([]);
}

test('a disabled current version, an expired version and a certificate without an exportable key', async () => {
  const emulator = world();
  const current = importCertificate(emulator);
  emulator.keyVault.setEnabled(VAULT_HOST, CERTIFICATE, current.version, false);
  expectRefused(await run({ 'tls-certificate-id': certificateId() }), /is disabled/);

  const expired = importCertificate(emulator, { name: 'old', expires: new Date(Date.now() - DAY) });
  expectRefused(await run({ 'tls-certificate-id': certificateId(expired.version, 'old') }), /expired on/);

  importCertificate(emulator, { name: 'hsm', withoutKey: true });
  expectRefused(await run({ 'tls-certificate-id': certificateId(undefined, 'hsm') }), /no exportable private key/);

  importCertificate(emulator, { name: 'hsm-pfx', withoutKey: true, format: 'pfx' });
  expectRefused(await run({ 'tls-certificate-id': certificateId(undefined, 'hsm-pfx') }), /no exportable private key/);
});

test('a secret that is not a certificate, a PFX protected by a password; the PFX forms of Key Vault are both read', async () => {
  const emulator = world();
  ensureVault(emulator);
  emulator.keyVault.setSecret(VAULT_HOST, 'db-password', 'not-a-certificate-value', 'text/plain');
  expectRefused(
    await run({ 'tls-certificate-id': certificateId(undefined, 'db-password', 'secrets') }),
    /is a secret, not a certificate/,
  );

  const locked = importCertificate(emulator, { name: 'locked', format: 'pfx', password: 'hunter2-hunter2' });
  expectRefused(
    await run({ 'tls-certificate-id': certificateId(locked.version, 'locked') }),
    /protected by a password/,
  );

  // No password at all (key unencrypted, MAC over no password bytes): read too; dry run, nothing written.
  const bare = importCertificate(emulator, { name: 'bare', format: 'pfx', password: null });
  const planned = await run({ 'tls-certificate-id': certificateId(undefined, 'bare'), 'dry-run': 'true' });
  expect(planned.outputs).toEqual(
    expect.objectContaining({ result: 'planned', 'tls-certificate-version': bare.version }),
  );

  const scanner = addVaultSecrets(keyScanner(emulator, [locked.keyPem, bare.keyPem]), emulator, 'bare');
  addVaultSecrets(scanner, emulator, 'locked');
  expect(scanner.scan({ stdout: planned.stdout, stderr: planned.stderr, summary: planned.summary })).toEqual([]);
});

test('identifiers that are not Key Vault certificates of the signed-in cloud are input errors, before any request', async () => {
  const emulator = world();
  const r = await run({
    'tls-certificate-id': 'https://contoso-tls.vault.usgovcloudapi.net/certificates/scoring',
    'tls-cert': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
  });
  expect(r.exitCode).not.toBe(0);
  const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
  expect(errors.join('\n')).toContain(
    'is not a Key Vault host of the signed-in cloud; expected <vault>.vault.azure.net',
  );
  expect(errors.join('\n')).toMatch(
    /tls-cert: give the certificate once: either tls-certificate-id \(Key Vault\) or tls-cert/,
  );
  expect(emulator.traffic.all()).toEqual([]);
});

test('a throttled or failing Key Vault is retried as ARM is (Retry-After honoured), then the certificate is applied', async () => {
  const emulator = world();
  const current = importCertificate(emulator);
  emulator.faults.add({ match: { kind: 'keyvault' }, times: 1, action: { status: 429, retryAfterSeconds: 1 } });
  emulator.faults.add({ match: { kind: 'keyvault' }, times: 1, action: { status: 503 } });
  const started = Date.now();
  const r = await run({ 'tls-certificate-id': certificateId(), 'dry-run': 'true' });
  expect(r.outputs).toEqual(expect.objectContaining({ result: 'planned', 'tls-certificate-version': current.version }));
  expect(emulator.traffic.filter({ kind: 'keyvault' }).map((e) => e.status)).toEqual([429, 503, 401, 200]);
  expect(Date.now() - started).toBeGreaterThan(1000);
  expect(r.stdout).toMatch(
    /::debug::GET certificate 'scoring' from Key Vault contoso-tls: attempt 1 failed \(HTTP 429/,
  );
});
