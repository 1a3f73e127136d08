/** The emulator's GitHub comment endpoints as GitHub answers: token checked, pages with Link headers, 403 for a read-only token. */
import * as https from 'node:https';
import { startEmulator, type Emulator } from '../../emulator';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

const where = { owner: 'octo-org', repo: 'octo-repo', issue: 7 };
const comments = `/api/v3/repos/${where.owner}/${where.repo}/issues/${where.issue}/comments`;

function call(
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  const token = options.token === undefined ? emu.github.token : options.token;
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${emu.url}${path}`,
      {
        method,
        ca: emu.caCertPem,
        headers: { ...(token ? { authorization: `token ${token}` } : {}), 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

test('no token: 401; another token: 401 Bad credentials; both recorded as kind github', async () => {
  expect((await call('GET', comments, { token: null })).status).toBe(401);
  const bad = await call('GET', comments, { token: 'ghs_other' });
  expect(bad).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
  expect(emu.traffic.filter({ kind: 'github' }).length).toBeGreaterThanOrEqual(2);
});

test('create, list in pages with a Link header, update; the bodies are kept', async () => {
  for (let i = 0; i < 4; i++) emu.github.add(where, `note ${i}`);
  const created = await call('POST', comments, { body: { body: 'plan' } });
  expect(created).toMatchObject({ status: 201, body: { body: 'plan', user: { type: 'Bot' } } });
  const id = (created.body as { id: number }).id;

  const first = await call('GET', `${comments}?per_page=2`);
  expect((first.body as unknown[]).length).toBe(2);
  const next = /<([^>]+)>; rel="next"/.exec(String(first.headers.link))?.[1];
  expect(next).toBe(`${emu.url}${comments}?per_page=2&page=2`);
  expect(String(first.headers.link)).toContain('page=3>; rel="last"');
  const last = await call('GET', `${comments}?per_page=2&page=3`);
  expect(last.body).toEqual([expect.objectContaining({ id, body: 'plan' })]);
  expect(String(last.headers.link)).not.toContain('rel="next"');

  const updated = await call('PATCH', `/api/v3/repos/${where.owner}/${where.repo}/issues/comments/${id}`, {
    body: { body: 'plan, again' },
  });
  expect(updated).toMatchObject({ status: 200, body: { id, body: 'plan, again' } });
  expect(emu.github.all(where).find((c) => c.id === id)).toMatchObject({ body: 'plan, again', edits: 1 });
  expect(
    (await call('PATCH', `/api/v3/repos/someone/else/issues/comments/${id}`, { body: { body: 'x' } })).status,
  ).toBe(404);
});

test('a read-only token reads but cannot write: 403 Resource not accessible by integration', async () => {
  emu.github.permission = 'read';
  try {
    expect((await call('GET', comments)).status).toBe(200);
    const refused = await call('POST', comments, { body: { body: 'plan' } });
    expect(refused).toMatchObject({ status: 403, body: { message: 'Resource not accessible by integration' } });
  } finally {
    emu.github.permission = 'write';
  }
});
