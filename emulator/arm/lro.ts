/**
 * Long-running operations of computes, the ARM way: the PUT/DELETE answers with
 * Azure-AsyncOperation (→ computeOperationsStatus: {status, error}) and/or Location
 * (→ computeOperationsResult: 202 while running, then the final answer). Each operation ends
 * on a real timer; the one-shot settings failNextOperation / cancelNextOperation decide outcomes.
 */
import * as crypto from 'node:crypto';
import { armError, json, matchPath, type Handler, type Reply } from '../server/http';
import { capturedLroHeaders, capturedStatusBody, isCaptured, signatureRefusal } from './captured-shapes';
import type { EmulatorSettings, OperationOutcome } from '../server/types';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface OperationSpec {
  subscriptionId: string;
  location: string;
  kind: 'create' | 'attach' | 'update' | 'detach' | 'delete';
  durationMs: number;
  /** Decides the natural outcome when the timer fires (undefined = success). */
  complete: (outcome: { status: OperationStatus; error?: OperationOutcome }) => OperationOutcome | undefined | void;
  /** The final Location answer for a successful PUT (the resource); undefined → 204. */
  finalBody?: () => unknown;
}

interface Operation {
  id: string;
  spec: OperationSpec;
  status: OperationStatus;
  error?: OperationOutcome;
  forced?: { status: OperationStatus; error?: OperationOutcome };
  startTime: string;
  endTime?: string;
  timer?: NodeJS.Timeout;
}

export class OperationRegistry {
  private readonly ops = new Map<string, Operation>();

  constructor(
    private readonly settings: () => EmulatorSettings,
    private readonly baseUrl: () => string,
  ) {}

  /** Start an operation; returns the LRO headers for the initial 201/202 answer. */
  start(spec: OperationSpec): { id: string; headers: Record<string, string> } {
    const id = crypto.randomUUID();
    const op: Operation = { id, spec, status: 'InProgress', startTime: new Date().toISOString() };
    this.ops.set(id, op);
    const s = this.settings();
    // One-shot overrides are consumed when the operation starts, so tests can arm them before a call.
    const forced: { status: OperationStatus; error?: OperationOutcome } | undefined = s.failNextOperation
      ? { status: 'Failed', error: s.failNextOperation }
      : s.cancelNextOperation
        ? { status: 'Canceled', error: { code: 'OperationCanceled', message: 'The operation was canceled.' } }
        : undefined;
    s.failNextOperation = null;
    s.cancelNextOperation = false;
    op.forced = forced;
    op.timer = setTimeout(() => this.finish(op, forced), spec.durationMs);
    op.timer.unref?.();
    return { id, headers: this.headers(op) };
  }

  private finish(op: Operation, forced: { status: OperationStatus; error?: OperationOutcome } | undefined): void {
    op.timer = undefined;
    if (forced) {
      op.spec.complete(forced);
      op.status = forced.status;
      op.error = forced.error;
    } else {
      const err = op.spec.complete({ status: 'Succeeded' });
      op.status = err ? 'Failed' : 'Succeeded';
      op.error = err ?? undefined;
    }
    op.endTime = new Date().toISOString();
  }

  /** Ends the operation of this status URL at once (Azure answering a DELETE 200/204); its final status. */
  finishNow(statusUrl: string): OperationStatus | undefined {
    const op = this.ops.get(new URL(statusUrl).pathname.split('/').pop() ?? '');
    if (!op) return undefined;
    if (op.timer) {
      clearTimeout(op.timer);
      this.finish(op, op.forced);
    }
    return op.status;
  }

  statusUrl(op: { id: string; spec: OperationSpec }): string {
    return `${this.baseUrl()}/subscriptions/${op.spec.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${op.spec.location}/computeOperationsStatus/${op.id}?api-version=2022-10-01`;
  }

  resultUrl(op: { id: string; spec: OperationSpec }): string {
    return `${this.baseUrl()}/subscriptions/${op.spec.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${op.spec.location}/computeOperationsResult/${op.id}?api-version=2022-10-01`;
  }

  private retryAfter(): Record<string, string> {
    const r = this.settings().retryAfterSeconds;
    return r === null ? {} : { 'retry-after': String(r) };
  }

  private headers(op: Operation): Record<string, string> {
    if (isCaptured(this.settings())) return capturedLroHeaders(op.spec.kind, this.statusUrl(op), this.resultUrl(op));
    const mode = this.settings().asyncHeaders;
    const h: Record<string, string> = { ...this.retryAfter() };
    if (mode !== 'location') h['azure-asyncoperation'] = this.statusUrl(op);
    if (mode !== 'azure-async-operation') h['location'] = this.resultUrl(op);
    return h;
  }

  /** Operation status as the tests see it. */
  get(id: string): { status: OperationStatus; error?: OperationOutcome } | undefined {
    const op = this.ops.get(id);
    return op && { status: op.status, error: op.error };
  }

  stop(): void {
    for (const op of this.ops.values()) if (op.timer) clearTimeout(op.timer);
  }

  handler(): Handler {
    return (ctx) => {
      if (ctx.kind !== 'lro') return undefined;
      const base = 'subscriptions/{sub}/providers/Microsoft.MachineLearningServices/locations/{loc}';
      const st = matchPath(ctx.segments, `${base}/computeOperationsStatus/{id}`);
      const res = matchPath(ctx.segments, `${base}/computeOperationsResult/{id}`);
      const m = st ?? res;
      if (!m || ctx.method !== 'GET') return undefined;
      const op = this.ops.get(m.id);
      if (!op || op.spec.subscriptionId.toLowerCase() !== m.sub.toLowerCase()) {
        return armError(404, 'ResourceNotFound', `The operation '${m.id}' was not found.`);
      }
      ctx.operationId = st ? 'ComputeOperationsStatus_Get' : 'ComputeOperationsResult_Get';
      if (isCaptured(this.settings())) {
        const refused = signatureRefusal(ctx);
        if (refused) return refused;
      }
      return st ? this.statusReply(op) : this.resultReply(op);
    };
  }

  private statusReply(op: Operation): Reply {
    if (isCaptured(this.settings())) return json(200, capturedStatusBody(op.status, op.error && errorBody(op.error)));
    const body: Record<string, unknown> = {
      id: new URL(this.statusUrl(op)).pathname,
      name: op.id,
      status: op.status,
      startTime: op.startTime,
    };
    if (op.endTime) body.endTime = op.endTime;
    if (op.error) body.error = errorBody(op.error);
    return json(200, body, op.status === 'InProgress' ? this.retryAfter() : {});
  }

  private resultReply(op: Operation): Reply {
    if (op.status === 'InProgress')
      return isCaptured(this.settings())
        ? { status: 202 }
        : json(202, undefined, { location: this.resultUrl(op), ...this.retryAfter() });
    if (op.status === 'Succeeded') {
      const body = op.spec.finalBody?.();
      return body === undefined ? { status: 204 } : json(200, body);
    }
    const e = op.error ?? { code: op.status, message: `The operation ended ${op.status}.` };
    return json(op.status === 'Canceled' ? 409 : 400, { error: errorBody(e) });
  }
}

/** An OperationOutcome as an ARM ErrorDetail, nested details included. */
export function errorBody(e: OperationOutcome): Record<string, unknown> {
  return { code: e.code, message: e.message, ...(e.details?.length && { details: e.details.map(errorBody) }) };
}
