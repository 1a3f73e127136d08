/** readSecretData against a local HTTPS "API server": CA pinning, bearer token, client certificate, errors. */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCertificateAuthority } from '../../emulator/tools/pki';
import { KubernetesApiError, readSecretData } from '../../src/core/cluster/k8s-secret';
import type { KubeAccess } from '../../src/core/cluster/kubeconfig';

const ca = createCertificateAuthority('API server CA');
const serverCert = ca.issue({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
const clientCert = ca.issue({ commonName: 'clusterUser' });
const otherCa = createCertificateAuthority('Someone else');

type Answer = { status: number; body: unknown };
let answers: Answer[] = [];
let seen: Array<{ url: string; authorization?: string; clientCn?: string }> = [];
let server: https.Server;
let base = '';

beforeAll(async () => {
  server = https.createServer(
    { cert: serverCert.chainPem, key: serverCert.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      seen.push({
        url: req.url ?? '',
        authorization: req.headers.authorization,
        clientCn: peer?.subject?.CN as string | undefined,
      });
      const answer = answers.shift() ?? { status: 500, body: { kind: 'Status', reason: 'InternalError' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/k8s/abc`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  answers = [];
  seen = [];
});

const access = (over: Partial<KubeAccess> = {}): KubeAccess => ({
  contextName: 'c',
  server: base,
  caPem: ca.certPem,
  token: 'bearer-token-1234',
  ...over,
});
const noSleep = { sleep: async () => undefined };
const secret = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'azuremlfessl' },
  data: { 'cert.pem': 'Y2VydA==', 'key.pem': 'a2V5' },
};

async function failure(promise: Promise<unknown>): Promise<KubernetesApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KubernetesApiError) return error;
    throw error;
  }
  throw new Error('expected a KubernetesApiError');
}

test('reads the Secret with the bearer token, under the server path prefix, trusting the kubeconfig CA', async () => {
  answers = [{ status: 200, body: secret }];
  await expect(readSecretData(access(), 'default', 'azuremlfessl', noSleep)).resolves.toEqual(secret.data);
  expect(seen).toEqual([
    {
      url: '/k8s/abc/api/v1/namespaces/default/secrets/azuremlfessl',
      authorization: 'Bearer bearer-token-1234',
      clientCn: undefined,
    },
  ]);
});

test('presents the client certificate of the kubeconfig', async () => {
  answers = [{ status: 200, body: secret }];
  await readSecretData(
    access({ token: undefined, clientCertPem: clientCert.certPem, clientKeyPem: clientCert.keyPem }),
    'default',
    'azuremlfessl',
    noSleep,
  );
  expect(seen[0]).toEqual(expect.objectContaining({ authorization: undefined, clientCn: 'clusterUser' }));
});

test.each([
  [404, 'NotFound'],
  [403, 'Forbidden'],
  [401, 'Unauthorized'],
])('HTTP %s is final and carries the Status reason', async (status, reason) => {
  answers = [
    {
      status,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason,
        code: status,
        message: 'secrets "azuremlfessl" is forbidden',
      },
    },
  ];
  const error = await failure(readSecretData(access(), 'default', 'azuremlfessl', noSleep));
  expect(error).toEqual(expect.objectContaining({ status, reason }));
  expect(seen).toHaveLength(1);
});

test('503 is retried', async () => {
  answers = [
    { status: 503, body: {} },
    { status: 200, body: secret },
  ];
  await expect(readSecretData(access(), 'default', 'azuremlfessl', noSleep)).resolves.toEqual(secret.data);
  expect(seen).toHaveLength(2);
});

test('a 200 that is not a Secret is refused', async () => {
  answers = [{ status: 200, body: { kind: 'ConfigMap', data: {} } }];
  expect((await failure(readSecretData(access(), 'default', 'azuremlfessl', noSleep))).reason).toBe('InvalidResponse');
});

test('a server certificate from another CA is refused at once, and no token is sent', async () => {
  const error = await failure(readSecretData(access({ caPem: otherCa.certPem }), 'default', 'azuremlfessl', noSleep));
  expect(error.status).toBeUndefined();
  expect(error.reason).toMatch(/CERT|UNABLE_TO/);
  expect(seen).toHaveLength(0);
});

test('an unreachable server is retried, then reported with the network code', async () => {
  let pauses = 0;
  const error = await failure(
    readSecretData(access({ server: 'https://127.0.0.1:1' }), 'default', 'azuremlfessl', {
      sleep: async () => void pauses++,
    }),
  );
  expect(error).toEqual(expect.objectContaining({ status: undefined, reason: 'ECONNREFUSED' }));
  expect(error.message).toBe('no answer from the Kubernetes API server 127.0.0.1:1 (ECONNREFUSED)');
  expect(pauses).toBe(2);
});
