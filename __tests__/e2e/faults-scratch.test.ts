import { DEMO } from '../../emulator';
import { faultWorld, run, retryAfterViolations, scanRun, when, sleep } from '../helpers/fault-kit';
import { startSigningProxy } from '../helpers/signing-proxy';
import type { Emulator } from '../../emulator';

let emulator: Emulator;
afterEach(() => emulator.stop());
const show = (r: any) => console.log(r.exitCode, r.durationMs, '\nSTDOUT\n' + r.stdout.split('\n').filter((l: string) => !l.startsWith('::add-mask')).join('\n') + '\nSTDERR\n' + r.stderr.slice(0, 3000));
const traffic = () => emulator.traffic.all().map((e) => `${e.time.slice(17)} ${e.kind} ${e.method} ${e.path.slice(-40)} ${e.status} ${e.fault ?? ''} ${e.responseHeaders['retry-after'] ?? ''}`).join('\n');

test('token 503 x6 no RA', async () => {
  emulator = await faultWorld();
  emulator.faults.add({ match: { method: 'POST', kind: 'token' }, times: 6, action: { status: 503 } });
  const r = await run(emulator);
  show(r); console.log(traffic());
}, 300000);

test('throttle storm', async () => {
  emulator = await faultWorld({ throttle: { readsPerSecond: 1, writesPerSecond: 0.5, burst: 2 }, retryAfterSeconds: 1 });
  const r = await run(emulator, { inputs: { operation: 'refresh' } });
  show(r); console.log(traffic()); console.log(retryAfterViolations(emulator.traffic.all()));
}, 300000);

test('proxy', async () => {
  emulator = await faultWorld({ attachMs: 3000 });
  const proxy = await startSigningProxy(emulator);
  const r = await run(emulator, { endpoint: proxy.url });
  show(r); console.log(traffic()); console.log(scanRun(emulator, r));
  await proxy.stop();
}, 300000);

test('cancel with PUT in flight', async () => {
  emulator = await faultWorld({ attachMs: 20000 });
  const proxy = await startSigningProxy(emulator);
  emulator.faults.add({ match: { method: 'PUT', kind: 'arm' }, action: { delayMs: 1500 } });
  let child: any;
  const p = run(emulator, { endpoint: proxy.url, onSpawn: (c) => (child = c) });
  await when(emulator, (e) => e.kind === 'arm' && e.method === 'GET' && e.path.includes('kubernetesVersions'));
  await sleep(300);
  const t = Date.now();
  child.kill('SIGTERM');
  const r = await p;
  console.log('exit after', Date.now() - t);
  show(r); console.log(traffic()); console.log(scanRun(emulator, r));
  await proxy.stop();
}, 300000);
