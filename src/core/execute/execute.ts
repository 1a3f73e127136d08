/**
 * Runs a plan: update in place, or detach, wait, attach (or create), wait. Never deletes a cluster. Every failure
 * either converges (transient faults are retried within the deadline, another run's operation is
 * waited for) or stops with an exact statement of where the compute is and what a re-run does.
 */
import type { Plan } from '../plan/plan';
import { attach } from './attach';
import type { ExecutionContext, StepRecord, Tracker } from './context';
import { detach } from './detach';
import { explain } from './recovery';
import { update } from './update';

export type { ExecutionContext, StepRecord } from './context';

export async function executePlan(plan: Plan, ctx: ExecutionContext): Promise<StepRecord[]> {
  const tracker: Tracker = { phase: 'start', plan, clusterId: plan.attach?.clusterId };
  const records: StepRecord[] = [];
  try {
    if (plan.action === 'update') {
      records.push(await update(ctx, tracker, records));
      return records;
    }
    if (plan.action === 'detach' || plan.action === 'reattach') {
      const detached = await detach(ctx, tracker, records);
      if (detached === 'already-as-desired') return records;
    }
    if (plan.attach && (plan.action === 'attach' || plan.action === 'create' || plan.action === 'reattach')) {
      records.push(await attach(ctx, tracker, plan.attach, records));
    }
    return records;
  } catch (error) {
    throw await explain(ctx, tracker, error);
  }
}
