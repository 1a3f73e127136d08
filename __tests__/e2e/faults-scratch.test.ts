import type { Emulator } from '../../emulator';
import { runAction } from '../../scripts/lib/run-action';
import { DEMO, githubInputs, startWorld } from '../helpers/world';

let emulator: Emulator;
afterEach(() => emulator.stop());
const show = (r: any) => console.log(r.exitCode, r.durationMs, '\nSTDOUT\n' + r.stdout + '\nSTDERR\n' + r.stderr.slice(0, 3000));
const traffic = () => emulator.traffic.all().map((e) => `${e.time.slice(17)} ${e.kind} ${e.method} ${e.path.slice(-40)} ${e.status} ${e.fault ?? ''}`).join('\n');

test('token 503 x8', async () => {
  emulator = await startWorld();
  emulator.faults.add({ match: { method: 'POST', kind: 'token' }, times: 8, action: { status: 503 } });
  const r = await runAction({ inputs: githubInputs(emulator), caCertPath: emulator.caCertPath, env: { RUNNER_DEBUG: '1' } });
  show(r); console.log(traffic());
}, 120000);

test('oidc short', async () => {
  emulator = await startWorld({ settings: { tokenLifetimeSeconds: 4, oidcTokenLifetimeSeconds: 3, attachMs: 9000 } });
  const inputs = githubInputs(emulator);
  delete inputs['client-secret'];
  const r = await runAction({ inputs, caCertPath: emulator.caCertPath, env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${emulator.url}/github-oidc/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: DEMO.githubRequestToken } });
  show(r); console.log(traffic());
}, 120000);

test('cancel', async () => {
  emulator = await startWorld({ settings: { attachMs: 20000 } });
  let child: any;
  const p = runAction({ inputs: githubInputs(emulator), caCertPath: emulator.caCertPath, onSpawn: (c) => (child = c) });
  while (!emulator.traffic.all().some((e) => e.kind === 'lro')) await new Promise((r) => setTimeout(r, 50));
  const t = Date.now();
  child.kill('SIGINT');
  const r = await p;
  console.log('exit after', Date.now() - t);
  show(r); console.log(traffic());
}, 120000);
