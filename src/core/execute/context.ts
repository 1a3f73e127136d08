/** What every execution step shares: the run's handles, and where the execution stands for failure statements. */
import type { Clock } from '../azure/clock';
import type { ComputeGateway } from '../azure/gateway';
import type { OperationTracker } from '../azure/operation-tracker';
import type { Platform } from '../contract/platform';
import type { ClusterReadContext } from '../cluster/frontend-secret';
import type { Plan } from '../plan/plan';

export interface StepRecord {
  readonly step:
    'detach' | 'attach' | 'create' | 'update' | 'wait' | 'extension install' | 'extension update' | 'annotate';
  readonly durationMs: number;
  readonly polls: number;
}

export interface ExecutionContext {
  readonly gateway: ComputeGateway;
  /** What this run has sent and started, for failure statements. */
  readonly operations: OperationTracker;
  readonly platform: Platform;
  readonly clock: Clock;
  readonly computeName: string;
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** Read-only access to the cluster, to say what a failed attach may have tripped over. */
  readonly cluster?: ClusterReadContext;
}

/** Where the execution stands, for the exact statement a failure ends with. */
export type Phase = 'start' | 'detaching' | 'detached' | 'attaching' | 'updating';

export interface Tracker {
  phase: Phase;
  readonly plan: Plan;
  /** The cluster the compute is (or was) bound to, for messages. */
  clusterId?: string;
}
