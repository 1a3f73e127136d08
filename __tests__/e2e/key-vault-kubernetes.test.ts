/**
 * Issue 16, compute-type kubernetes, through both bundles: the Key Vault certificate goes into the
 * Azure ML extension's settings; a renewed version is one extension PATCH; refresh re-applies it.
 */
import type { Emulator } from '../../emulator';
import { BUNDLES, type BundleRun } from '../../testkit/bundles';
import { addVaultSecrets, certificateId, importCertificate, keyVaultEnv } from '../../testkit/key-vault';
import { EXTENSION_OPERATIONS, refereeEachTest } from '../../testkit/referee';
import { extensionOf, keyScanner, writes } from '../../testkit/kubernetes';

describe.each(BUNDLES)('$name bundle', (bundle) => {
  let emulator: Emulator | undefined;
  refereeEachTest(() => emulator, { expectOperations: [...EXTENSION_OPERATIONS, 'GetSecret'] });
  beforeEach(async () => {
    emulator = await bundle.start();
  });
  const emu = () => emulator!;
  const runs: BundleRun[] = [];
  const run = async (inputs: Record<string, string>) => {
    const r = await bundle.run(
      emu(),
      { 'compute-type': 'kubernetes', 'compute-name': 'k8s-prod', tls: 'custom', ...inputs },
      { ...keyVaultEnv(emu()), RUNNER_DEBUG: '1', SYSTEM_DEBUG: 'true', AZURE_LOG_LEVEL: 'verbose' },
    );
    runs.push(r);
    return r;
  };
  const sslKey = () =>
    Buffer.from(extensionOf(emu())!.configurationProtectedSettings['scoringFe.sslKey'], 'base64').toString();

  test('versionless id: installed and attached, unchanged, a renewed version as one extension PATCH, refresh', async () => {
    const first = importCertificate(emu());
    const attached = await run({ 'tls-certificate-id': certificateId() });
    expect(attached.outputs).toEqual(
      expect.objectContaining({ result: 'attached', 'tls-certificate-version': first.version }),
    );
    expect(extensionOf(emu())!.configurationSettings.sslCname).toBe('scoring.contoso.com');
    expect(sslKey()).toBe(first.keyPem);

    emu().traffic.clear();
    const unchanged = await run({ 'tls-certificate-id': certificateId() });
    expect(unchanged.outputs.result).toBe('unchanged');
    expect(writes(emu())).toEqual([]);

    const renewed = importCertificate(emu(), { format: 'pfx' });
    emu().traffic.clear();
    const updated = await run({ 'tls-certificate-id': certificateId() });
    expect(updated.outputs).toEqual(
      expect.objectContaining({ result: 'updated', 'tls-certificate-version': renewed.version }),
    );
    expect(writes(emu())).toEqual(['PATCH extension']);
    expect(sslKey()).toBe(renewed.keyPem);

    emu().traffic.clear();
    const refreshed = await run({ 'tls-certificate-id': certificateId(renewed.version), operation: 'refresh' });
    expect(refreshed.outputs).toEqual(
      expect.objectContaining({ result: 'updated', 'tls-certificate-version': renewed.version }),
    );
    expect(writes(emu())).toEqual(['PATCH extension']);

    const scanner = addVaultSecrets(keyScanner(emu(), [first.keyPem, renewed.keyPem]), emu());
    for (const r of runs.splice(0))
      expect(scanner.scan({ stdout: r.stdout, rest: r.rest, outputs: r.outputs, summary: r.summary })).toEqual([]);
  });
});
