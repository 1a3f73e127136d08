/**
 * Issue 16: the certificate is read with whatever sign-in the run has, not only a client secret:
 * the Azure DevOps task with a managed-identity connection and with workload identity federation,
 * the GitHub Action with the runner's OIDC token.
 */
import { runTask, adoSeed } from '../../testkit/run-task';
import { emulatorPerTest, githubInputs } from '../../testkit/world';
import { runAction } from '../../testkit/run-action';
import { DEMO } from '../../testkit/demo-world';
import { certificateId, importCertificate, keyVaultEnv } from '../../testkit/key-vault';

const world = emulatorPerTest({ seed: adoSeed, expectOperations: ['GetSecret'] });

test.each(['managed-identity', 'wif'] as const)(
  'Azure DevOps, %s connection: the Key Vault version is planned',
  async (scheme) => {
    const emulator = world();
    const current = importCertificate(emulator);
    const r = await runTask(
      emulator,
      {
        resourceGroup: DEMO.resourceGroup,
        workspaceName: DEMO.workspaceName,
        computeName: 'aks-prod',
        aksResourceId: DEMO.clusters.prod,
        tls: 'custom',
        tlsCertificateId: certificateId(),
        dryRun: 'true',
      },
      { scheme, env: keyVaultEnv(emulator) },
    );
    expect(r.errors).toEqual([]);
    expect(r.outputs).toEqual(expect.objectContaining({ result: 'planned', tlsCertificateVersion: current.version }));
    expect(emulator.traffic.filter({ kind: 'keyvault' }).map((e) => e.status)).toEqual([401, 200]);
  },
);

test('GitHub, workload identity federation (the runner OIDC token): the Key Vault version is planned', async () => {
  const emulator = world();
  const current = importCertificate(emulator);
  const inputs = githubInputs(emulator, { tls: 'custom', 'tls-certificate-id': certificateId(), 'dry-run': 'true' });
  delete inputs['client-secret'];
  const r = await runAction({
    inputs,
    caCertPath: emulator.caCertPath,
    env: {
      ...keyVaultEnv(emulator),
      ACTIONS_ID_TOKEN_REQUEST_URL: `${emulator.url}/github-oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEMO.githubRequestToken,
    },
  });
  expect(r.stderr).toBe('');
  expect(r.outputs).toEqual(expect.objectContaining({ result: 'planned', 'tls-certificate-version': current.version }));
  expect(emulator.traffic.filter({ kind: 'keyvault' }).map((e) => e.status)).toEqual([401, 200]);
});
