/** Cancellation through the Azure DevOps bundle: the agent sends SIGINT, then SIGTERM; the task stops within 5 s and says where Azure is. */
import type { ChildProcess } from 'node:child_process';
import type { Emulator } from '../../emulator';
import { adoSeed, runTask } from '../../testkit/run-task';
import { startWorld } from '../../testkit/world';
import { DEMO } from '../../testkit/demo-world';

let emulator: Emulator;
afterEach(() => emulator.stop());

const inputs = {
  resourceGroup: DEMO.resourceGroup,
  workspaceName: DEMO.workspaceName,
  computeName: 'aks-prod',
  aksResourceId: DEMO.clusters.prod,
};

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s during an attach: the task fails within 5 s naming the compute and the operation; a re-run finds it attached',
  async (signal) => {
    emulator = await startWorld({ seed: adoSeed(), settings: { attachMs: 8_000 } });
    let child: ChildProcess | undefined;
    let closedAt = 0;
    const running = runTask(emulator, inputs, {
      onSpawn: (c) => {
        child = c;
        c.on('close', () => (closedAt = Date.now()));
      },
    });
    await until(() => emulator.traffic.all().some((e) => e.kind === 'lro'));
    const sentAt = Date.now();
    child!.kill(signal);
    const run = await running;
    expect(closedAt - sentAt).toBeLessThan(5_000);
    expect(run.completed).toBe('Failed');
    const errors = run.errors.join('\n');
    expect(errors).toContain(`Cancelled (${signal})`);
    expect(errors).toMatch(/computeOperationsStatus\/[\w-]+\?api-version=2022-10-01/);
    expect(emulator.traffic.all().filter((e) => e.method === 'PUT')).toHaveLength(1);

    const rerun = await runTask(emulator, inputs);
    expect(rerun.errors).toEqual([]);
    expect(rerun.outputs.result).toBe('unchanged');
  },
);
