/**
 * Issue 16 through both bundles, compute-type aks: tls-certificate-id reads the certificate from
 * Key Vault (through HTTPS_PROXY, with Key Vault's challenge and the run's own sign-in) and keeps
 * the compute on the version Key Vault serves: attach, unchanged, a renewed version updated in
 * place, a pinned version, PFX; 403 and 404 before any ARM write; no secret in anything visible.
 */
import type { Emulator } from '../../emulator';
import { BUNDLES, type BundleRun } from '../../testkit/bundles';
import { DEMO } from '../../testkit/demo-world';
import {
  addVaultSecrets,
  certificateId,
  importCertificate,
  keyVaultEnv,
  VAULT,
  VAULT_HOST,
} from '../../testkit/key-vault';
import { keyScanner } from '../../testkit/kubernetes';
import { refereeEachTest } from '../../testkit/referee';
import type { SecretScanner } from '../../testkit/secret-scan';
import { servedCertificate } from '../../testkit/served-tls';

describe.each(BUNDLES)('$name bundle', (bundle) => {
  let emulator: Emulator | undefined;
  refereeEachTest(() => emulator, { expectOperations: ['Compute_CreateOrUpdate', 'Compute_Get', 'GetSecret'] });
  beforeEach(async () => {
    emulator = await bundle.start();
  });
  const emu = () => emulator!;
  const runs: BundleRun[] = [];
  const run = async (inputs: Record<string, string>, env: Record<string, string> = {}) => {
    const r = await bundle.run(emu(), { tls: 'custom', ...inputs }, { ...keyVaultEnv(emu()), ...env });
    runs.push(r);
    return r;
  };
  const armWrites = () =>
    emu()
      .traffic.all()
      .filter((e) => e.kind === 'arm' && ['PUT', 'DELETE', 'PATCH'].includes(e.method))
      .map((e) => e.method);
  const vaultReads = () => emu().traffic.filter({ kind: 'keyvault' });
  const tag = () =>
    emu().state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod')?.tags?.[
      'tls-certificate-sha256'
    ];
  /** Nothing secret in anything a run showed: the vault's secrets in every encoding, the keys, tokens. */
  const expectNoSecrets = (keys: string[]) => {
    const scanner: SecretScanner = addVaultSecrets(keyScanner(emu(), keys), emu());
    for (const r of runs.splice(0))
      expect(scanner.scan({ stdout: r.stdout, rest: r.rest, outputs: r.outputs, summary: r.summary })).toEqual([]);
  };

  test('versionless id without tls-cname: attached, unchanged, a renewed version updated in place with one PUT', async () => {
    const first = importCertificate(emu());
    const attached = await run({ 'tls-certificate-id': certificateId() });
    expect(attached.outputs).toEqual(
      expect.objectContaining({ result: 'attached', 'tls-certificate-version': first.version }),
    );
    const aks = emu().state.getCompute(DEMO.subscriptionId, DEMO.resourceGroup, DEMO.workspaceName, 'aks-prod')!;
    expect((aks.properties.properties as Record<string, any>).sslConfiguration).toEqual(
      expect.objectContaining({ status: 'Enabled', cname: 'scoring.contoso.com' }),
    );
    expect((await servedCertificate(emu(), DEMO.clusters.prod))?.fingerprintSha256).toBe(tag());
    expect(attached.stdout).toContain(
      `Key Vault ${VAULT}: certificate scoring, version ${first.version}, SHA-256 ${tag()}`,
    );
    expect(attached.summary).toContain(`\`${first.version}\``);
    // The challenge first, then the read with a token for Key Vault, through the proxy.
    expect(vaultReads().map((e) => e.status)).toEqual([401, 200]);
    expect(emu().proxyTunnels).toContain(`${VAULT_HOST}:443`);

    emu().traffic.clear();
    const unchanged = await run({ 'tls-certificate-id': certificateId() });
    expect(unchanged.outputs).toEqual(
      expect.objectContaining({ result: 'unchanged', 'tls-certificate-version': first.version }),
    );
    expect(armWrites()).toEqual([]);

    const renewed = importCertificate(emu());
    emu().traffic.clear();
    const updated = await run(
      { 'tls-certificate-id': certificateId() },
      { RUNNER_DEBUG: '1', SYSTEM_DEBUG: 'true', AZURE_LOG_LEVEL: 'verbose' },
    );
    expect(updated.outputs).toEqual(
      expect.objectContaining({ result: 'updated', 'tls-certificate-version': renewed.version }),
    );
    expect(armWrites()).toEqual(['PUT']);
    // Key Vault stores the key first, then the chain: the compute gets the chain alone, leaf first.
    const put = emu()
      .traffic.all()
      .find((e) => e.kind === 'arm' && e.method === 'PUT')!.requestBody as Record<string, any>;
    expect(put.properties.properties.sslConfiguration.cert).toBe(renewed.chainPem);
    const served = await servedCertificate(emu(), DEMO.clusters.prod);
    expect(served?.fingerprintSha256).toBe(tag());
    expect(served?.fingerprintSha256).not.toBe(undefined);
    expectNoSecrets([first.keyPem, renewed.keyPem]);
  });

  test('a pinned version stays applied after a renewal; a PFX certificate (empty password, as Key Vault exports) is applied', async () => {
    const pinned = importCertificate(emu());
    importCertificate(emu());
    const r = await run({
      'tls-certificate-id': certificateId(pinned.version),
      'tls-cname': 'www.scoring.contoso.com',
    });
    expect(r.outputs).toEqual(
      expect.objectContaining({ result: 'attached', 'tls-certificate-version': pinned.version }),
    );
    const pfx = importCertificate(emu(), { format: 'pfx', name: 'scoring-pfx' });
    emu().traffic.clear();
    const updated = await run(
      { 'tls-certificate-id': certificateId(undefined, 'scoring-pfx', 'secrets') },
      { RUNNER_DEBUG: '1', SYSTEM_DEBUG: 'true', AZURE_LOG_LEVEL: 'verbose' },
    );
    expect(updated.outputs).toEqual(
      expect.objectContaining({ result: 'updated', 'tls-certificate-version': pfx.version }),
    );
    expect(armWrites()).toEqual(['PUT']);
    const sent = emu()
      .traffic.all()
      .find((e) => e.method === 'PUT')!.requestBody as Record<string, any>;
    expect(sent.properties.properties.sslConfiguration.cert).toBe(pfx.chainPem);
    expectNoSecrets([pinned.keyPem, pfx.keyPem]);
    const scanner = addVaultSecrets(keyScanner(emu(), [pfx.keyPem]), emu(), 'scoring-pfx');
    expect(scanner.size).toBeGreaterThan(10);
  });

  test('403 and 404 fail before any ARM write, naming the vault and what is missing', async () => {
    importCertificate(emu());
    const missing = await run({ 'tls-certificate-id': certificateId(undefined, 'nope') });
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stdout + missing.rest).toMatch(new RegExp(`Key Vault ${VAULT}: certificate 'nope' was not found`));
    emu().keyVault.deny(VAULT_HOST, DEMO.clientId);
    const denied = await run({ 'tls-certificate-id': certificateId() });
    expect(denied.exitCode).not.toBe(0);
    const text = denied.stdout + denied.rest;
    expect(text).toContain(`Key Vault ${VAULT}`);
    expect(text).toContain('"Get" on secrets');
    expect(text).toContain('Key Vault Secrets User');
    expect(
      emu()
        .traffic.filter({ kind: 'arm' })
        .filter((e) => e.method !== 'GET'),
    ).toEqual([]);
    expect(emu().traffic.filter({ kind: 'arm' })).toEqual([]);
    expectNoSecrets([]);
  });
});
