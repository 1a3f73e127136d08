/**
 * The emulator's Azure DevOps threads as a plain HTTPS client sees them: credentials required,
 * api-version checked, pages chained by x-ms-continuationtoken, writes refused in the 403 mode.
 */
import * as https from 'node:https';
import { startEmulator, type Emulator } from '../../emulator';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.traffic.clear();
  emulator.devops.denyWrites = false;
  emulator.devops.pageSize = 100;
});

const THREADS = '/org/proj/_apis/git/repositories/repo-1/pullRequests/7/threads';

function call(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = 'job-token',
): Promise<{ status: number; headers: Record<string, unknown>; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${emulator.url}${path}`,
      {
        method,
        ca: emulator.caCertPem,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // plain text (the 401 page)
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const create = (content: string) =>
  call('POST', `${THREADS}?api-version=7.1`, {
    comments: [{ parentCommentId: 0, content, commentType: 1 }],
    status: 1,
  });

it('401 without a bearer token, 400 without a 7.x api-version; both classified as devops traffic', async () => {
  expect((await call('GET', `${THREADS}?api-version=7.1`, undefined, null)).status).toBe(401);
  expect((await call('GET', `${THREADS}?api-version=5.0`)).status).toBe(400);
  expect(emulator.traffic.all().map((e) => e.kind)).toEqual(['devops', 'devops']);
});

it('create, list in pages, edit a comment', async () => {
  emulator.devops.pageSize = 2;
  for (const n of [1, 2, 3]) expect((await create(`note ${n}`)).status).toBe(200);
  const first = await call('GET', `${THREADS}?api-version=7.1`);
  expect((first.json as { value: unknown[] }).value).toHaveLength(2);
  const token = first.headers['x-ms-continuationtoken'] as string;
  expect(token).toBeDefined();
  const second = await call('GET', `${THREADS}?api-version=7.1&continuationToken=${token}`);
  const [last] = (second.json as { value: Array<{ id: number; status: string }> }).value;
  expect(second.headers['x-ms-continuationtoken']).toBeUndefined();
  expect(last.status).toBe('active');
  const edit = await call('PATCH', `${THREADS}/${last.id}/comments/1?api-version=7.1`, { content: 'note 3, edited' });
  expect(edit.status).toBe(200);
  expect(emulator.devops.threads(7).map((t) => t.comments[0].content)).toEqual(['note 1', 'note 2', 'note 3, edited']);
  expect(emulator.devops.bodies).toEqual(['note 1', 'note 2', 'note 3', 'note 3, edited']);
});

it('the 403 mode refuses writes with TF401027 and still serves reads', async () => {
  emulator.devops.denyWrites = true;
  const refused = await create('plan');
  expect(refused.status).toBe(403);
  expect((refused.json as { message: string }).message).toMatch(/TF401027: You need the Git 'PullRequestContribute'/);
  expect((await call('GET', `${THREADS}?api-version=7.1`)).status).toBe(200);
});
