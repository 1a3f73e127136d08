/**
 * What this run has sent and started, owned by the run (not by the gateway) so that a
 * cancellation or a failure statement can name the operation in progress.
 */

/** The long-running operation this run started and has not seen finish (for cancellation and timeout messages). */
export interface OperationInProgress {
  /** e.g. "attach (PUT)" */
  readonly what: string;
  /** Status URL without its query string (signatures), or undefined when Azure gave none. */
  readonly url?: string;
}

export class OperationTracker {
  /** A write on the wire right now, e.g. "attach (PUT)". */
  private inFlight?: string;
  private started?: OperationInProgress;
  /** The status URL last polled (query string removed). */
  private lastStatusUrl?: string;
  private writes = 0;

  /** @param computeId ARM id of the compute this run manages. */
  constructor(readonly computeId: string) {}

  get requestInFlight(): string | undefined {
    return this.inFlight;
  }

  get operationInProgress(): OperationInProgress | undefined {
    return this.started;
  }

  /** The status URL of the operation in progress (query string removed), printed when a run is cancelled. */
  get statusUrl(): string | undefined {
    return this.started?.url ?? this.lastStatusUrl;
  }

  /** PUT/PATCH/DELETE requests sent so far (0: this run changed nothing). */
  get writesSent(): number {
    return this.writes;
  }

  sending(what: string): void {
    this.inFlight = what;
    this.writes += 1;
  }

  answered(): void {
    this.inFlight = undefined;
  }

  operationStarted(what: string, url: string | undefined): void {
    this.started = { what, url };
    this.lastStatusUrl = url;
  }

  polling(url: string): void {
    this.lastStatusUrl = url;
    if (this.started) this.started = { ...this.started, url };
  }

  /** Finished in Azure, whatever the outcome: nothing of ours is in progress any more. */
  operationFinished(): void {
    this.started = undefined;
    this.lastStatusUrl = undefined;
  }
}
