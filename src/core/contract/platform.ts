/**
 * The seam between the core and a CI system. The GitHub Action and the Azure DevOps task each
 * implement it; nothing in src/core imports @actions/* or azure-pipelines-task-lib.
 */
import type { OutputName } from './outputs';
import type { PullRequestTarget } from './pull-request';

export interface AnnotationProperties {
  /** Short title shown above the annotation (GitHub) or prefixed to the issue (ADO). */
  title?: string;
}

export interface Platform {
  readonly name: 'github' | 'ado';
  info(message: string): void;
  warning(message: string, props?: AnnotationProperties): void;
  error(message: string, props?: AnnotationProperties): void;
  /** A note worth seeing that is neither a warning nor a failure (GitHub notice annotation). */
  notice(message: string, props?: AnnotationProperties): void;
  /** Printed only when the CI system runs in debug mode. */
  debug(message: string): void;
  isDebug(): boolean;
  /** Collapsible block of log lines. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  /** Registers ONE line with the CI system's log masker. Use core/secrets.maskSecret for values. */
  maskLine(line: string): void;
  /** Sets a step output / output variable, named in the kebab-case form of INTERFACE.md. */
  setOutput(name: OutputName, value: string): void;
  /** Attaches a markdown summary to the run (GitHub job summary, ADO uploadsummary). */
  writeSummary(markdown: string): Promise<void>;
  /** The pull request this run is for, read from the CI system's variables (no request). */
  pullRequest(): PullRequestTarget;
  /** Marks the step failed with a final message. */
  fail(message: string): void;
}
