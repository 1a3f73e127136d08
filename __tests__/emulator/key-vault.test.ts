/**
 * The emulator's Key Vault data plane, addressed as clients reach a vault (TLS for the vault's host
 * name, Host header): the challenge, the audience check, versions, 403/404 as Key Vault words them;
 * every exchange passes the oav referee against the vendored 2025-07-01 secrets.json.
 */
import * as https from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { startEmulator, trustCaInProcess, type Emulator } from '../../emulator';
import { validateTrafficWithOav } from '../../emulator/tools/oav';
import { DEMO, demoSeed } from '../../testkit/demo-world';
import { CERTIFICATE, certificateId, importCertificate, VAULT, VAULT_HOST } from '../../testkit/key-vault';

let emu: Emulator;
let untrust: () => void;
beforeAll(async () => {
  emu = await startEmulator({ seed: demoSeed() });
  untrust = trustCaInProcess(emu.caCertPem);
});
afterAll(async () => {
  untrust();
  await emu.stop();
});

/** One GET to the vault as a client sends it: SNI and Host are the vault's, the socket goes to the emulator. */
function vaultGet(
  path: string,
  token?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: Number(new URL(emu.url).port),
        servername: VAULT_HOST,
        path,
        ca: emu.caCertPem,
        headers: { host: VAULT_HOST, ...(token && { authorization: `Bearer ${token}` }) },
        checkServerIdentity: (host, cert) => https.globalAgent.options.checkServerIdentity?.(VAULT_HOST, cert),
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text || 'null') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const credential = () =>
  new ClientSecretCredential(DEMO.tenantId, DEMO.clientId, DEMO.clientSecret, {
    authorityHost: emu.url,
    disableInstanceDiscovery: true,
  });

test('the challenge names the tenant and the vault resource; a token for that scope reads versions; 404 and 403 as Key Vault says them', async () => {
  const first = importCertificate(emu);
  const second = importCertificate(emu);
  const api = '?api-version=2025-07-01';

  const challenge = await vaultGet(`/secrets/${CERTIFICATE}/${api}`);
  expect(challenge.status).toBe(401);
  expect(challenge.headers['www-authenticate']).toBe(
    `Bearer authorization="https://login.microsoftonline.com/${DEMO.tenantId}", resource="https://vault.azure.net"`,
  );
  const armToken = (await credential().getToken(`${emu.url}/.default`)).token;
  const wrongAudience = await vaultGet(`/secrets/${CERTIFICATE}/${api}`, armToken);
  expect(wrongAudience.status).toBe(401);
  expect(wrongAudience.body.error.message).toMatch(/invalid audience/);

  const token = (await credential().getToken('https://vault.azure.net/.default')).token;
  const current = await vaultGet(`/secrets/${CERTIFICATE}/${api}`, token);
  expect(current.status).toBe(200);
  expect(current.body).toEqual(
    expect.objectContaining({
      id: `https://${VAULT_HOST}/secrets/${CERTIFICATE}/${second.version}`,
      kid: `https://${VAULT_HOST}/keys/${CERTIFICATE}/${second.version}`,
      managed: true,
      contentType: 'application/x-pem-file',
      attributes: expect.objectContaining({ enabled: true, exp: expect.any(Number), nbf: expect.any(Number) }),
    }),
  );
  expect(current.body.value).toContain(second.keyPem.trim());
  const pinned = await vaultGet(`/secrets/${CERTIFICATE}/${first.version}${api}`, token);
  expect(pinned.body.id).toBe(certificateId(first.version, CERTIFICATE, 'secrets'));

  const missing = await vaultGet(`/secrets/nope/${api}`, token);
  expect(missing.status).toBe(404);
  expect(missing.body.error.code).toBe('SecretNotFound');
  expect((await vaultGet(`/secrets/${CERTIFICATE}/${'f'.repeat(32)}${api}`, token)).status).toBe(404);

  emu.keyVault.setEnabled(VAULT_HOST, CERTIFICATE, second.version, false);
  const disabled = await vaultGet(`/secrets/${CERTIFICATE}/${api}`, token);
  expect(disabled.status).toBe(403);
  expect(disabled.body.error).toEqual({
    code: 'Forbidden',
    message: 'Operation get is not allowed on a disabled secret.',
    innererror: { code: 'SecretDisabled' },
  });

  emu.keyVault.deny(VAULT_HOST, DEMO.clientId);
  const denied = await vaultGet(`/secrets/${CERTIFICATE}/${first.version}${api}`, token);
  expect(denied.status).toBe(403);
  expect(denied.body.error.innererror.code).toBe('ForbiddenByRbac');
  expect(denied.body.error.message).toContain(`Vault: ${VAULT}`);

  expect((await vaultGet(`/secrets/${CERTIFICATE}/?api-version=2016-10-01`, token)).status).toBe(400);

  const verdict = await validateTrafficWithOav(emu.traffic.all());
  expect(verdict.errors).toEqual([]);
  expect(verdict.passedOperationIds).toContain('GetSecret');
});
