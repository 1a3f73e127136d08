/**
 * The whole step as both adapters run it: prepare the context, run, publish outputs and the
 * summary, and turn every failure into clear, secret-free messages. Adapters only map.
 */
import { EOL } from 'node:os';
import { format } from 'node:util';
import { AzureLogger } from '@azure/logger';
import { systemClock } from './azure/clock';
import { MUTATION_GRACE_MS } from './azure/arm-requests';
import type { OperationTracker } from './azure/operation-tracker';
import { redactUrl } from './azure/http-exchange';
import { AzureError, CancelledError, DeadlineError, InputError, ProductError } from './contract/errors';
import type { Platform } from './contract/platform';
import { failureMarkdown, outputsOf, summaryMarkdown } from './report/report';
import { runOnce, type RunReport } from './run';
import type { RunContext } from './contract/run-context';
import { SecretRedactor } from './contract/secrets';
import { sanitizeSdkHeadersLine } from './azure/sdk-log';
import { failureComment, reportComment } from './pull-request/comment';
import { commentOnPullRequest, commentsWanted } from './pull-request/post';

/**
 * The runners give a cancelled step a few seconds before killing it (GitHub: SIGINT, then
 * SIGTERM 7.5 s later; Azure Pipelines: SIGINT, then SIGTERM); we finish well inside 5 s. An
 * in-flight PUT/DELETE may take up to MUTATION_GRACE_MS of that to come back.
 */
const CANCEL_GRACE_MS = 4_000;

const NOTHING_CHANGED =
  'Nothing was changed: no write request was sent to Azure. Re-running the same step starts over.';

/** Tokens the CI system hands every step; never ours to print, whatever echoes them. */
const CI_SECRET_VARIABLES = [
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'SYSTEM_ACCESSTOKEN',
  'ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN',
];

export interface StepOptions {
  /** Secrets the adapter read (client secret, certificate PEM …), masked before anything else happens. */
  readonly redactor?: SecretRedactor;
}

export async function runStep(
  platform: Platform,
  prepare: (redactor: SecretRedactor) => Promise<RunContext> | RunContext,
  options: StepOptions = {},
): Promise<RunReport | undefined> {
  const redactor = options.redactor ?? new SecretRedactor(platform);
  for (const name of CI_SECRET_VARIABLES) redactor.remember(process.env[name]);
  const restoreSdkLog = redactSdkLog(redactor);
  const controller = new AbortController();
  let operations: OperationTracker | undefined;
  let computeName: string | undefined;
  let ctx: RunContext | undefined;
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    received = signal;
    platform.warning(redactor.redact(`Received ${signal}: stopping.${inProgress(operations, computeName)}`), {
      title: 'Cancelled',
    });
    controller.abort();
    setTimeout(() => process.exit(1), CANCEL_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    ctx = await prepare(redactor);
    computeName = ctx.readInput('compute-name');
    const report = await runOnce(platform, ctx, {
      redactor,
      signal: controller.signal,
      clock: systemClock,
      onOperations: (o) => (operations = o),
    });
    for (const [name, value] of Object.entries(outputsOf(report))) {
      if (value !== undefined) platform.setOutput(name as keyof ReturnType<typeof outputsOf>, redactor.redact(value));
    }
    await writeSummarySafely(platform, redactor.redact(summaryMarkdown(report)));
    if (commentsWanted(ctx.readInput))
      await commentOnPullRequest(
        platform,
        { computeId: report.computeId, render: (options) => reportComment(report, options) },
        redactor,
      );
    platform.info(`Result: ${report.result}.`);
    return report;
  } catch (error) {
    // A later `if: failure()` step can still find the compute; result is set only for a finished run.
    if (operations) platform.setOutput('compute-id', operations.computeId);
    const message = reportFailure(
      platform,
      received && !(error instanceof InputError) ? new CancelledError((error as CancelledError).recovery) : error,
      redactor,
      operations,
      computeName,
      received,
    );
    await writeSummarySafely(platform, redactor.redact(failureMarkdown(computeName ?? '(unknown)', message)));
    // The outcome goes on the pull request once the inputs were valid (the run knew its compute):
    // bad input is for the author's log, not for reviewers; a cancelled step has no time to spare.
    if (ctx && operations && !received && !(error instanceof InputError) && commentsWanted(ctx.readInput)) {
      const failure = { computeId: operations.computeId, computeName: computeName ?? '(unknown)', message };
      await commentOnPullRequest(
        platform,
        { computeId: failure.computeId, render: (options) => failureComment(failure, options) },
        redactor,
      );
    }
    return undefined;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    restoreSdkLog();
  }
}

/** " Compute <id>: <operation> in progress: <status URL without query>", or what is known of it. */
function inProgress(operations: OperationTracker | undefined, computeName: string | undefined): string {
  if (!operations) return computeName ? ` Compute ${computeName}: nothing was sent to Azure yet.` : '';
  if (operations.requestInFlight) {
    return ` Compute ${operations.computeId}: the ${operations.requestInFlight} request is on the wire; waiting up to ${MUTATION_GRACE_MS / 1000} s for Azure's answer so that nothing is left half-sent.`;
  }
  const op = operations.operationInProgress;
  const url = operations.statusUrl;
  if (!op && !url) return ` Compute ${operations.computeId}: no operation of this step is in progress.`;
  return ` Compute ${operations.computeId}: ${op?.what ?? 'operation'} in progress${url ? `, status ${redactUrl(url)}` : ''}.`;
}

/**
 * Azure SDK log lines (AZURE_LOG_LEVEL) go to stderr unfiltered: identity logs token endpoint
 * errors verbatim, and a service may quote a request body in them. They pass the redactor first.
 */
function redactSdkLog(redactor: SecretRedactor): () => void {
  const original = AzureLogger.log;
  AzureLogger.log = (...args: unknown[]) => {
    process.stderr.write(`${redactor.redact(sanitizeSdkHeadersLine(format(...args)))}${EOL}`);
  };
  return () => {
    AzureLogger.log = original;
  };
}

/** Reports a failure on the platform and returns the (redacted) text for the summary. */
function reportFailure(
  platform: Platform,
  error: unknown,
  redactor: SecretRedactor,
  operations: OperationTracker | undefined,
  computeName: string | undefined,
  signal: NodeJS.Signals | undefined,
): string {
  if (error instanceof InputError) {
    const lines = error.problems.map((problem) => redactor.redact(`${problem.input}: ${problem.message}`));
    error.problems.forEach((problem, i) => platform.error(lines[i], { title: `Invalid input: ${problem.input}` }));
    const verdict = `${error.problems.length} problem(s) with the inputs; nothing was changed.`;
    platform.fail(verdict);
    return [...lines, verdict].join('\n');
  }
  if (error instanceof CancelledError) {
    const state =
      error.recovery ??
      (!operations || operations.writesSent === 0
        ? NOTHING_CHANGED
        : 'The compute is as the last operation left it; re-running the same step reads its state and continues from there.');
    const url = operations?.statusUrl;
    const where = url && !state.includes(redactUrl(url)) ? `\nOperation in progress: ${redactUrl(url)}` : '';
    const message = redactor.redact(
      `Cancelled${signal ? ` (${signal})` : ''}: compute ${operations?.computeId ?? computeName ?? '(unknown)'}.\n${state}${where}`,
    );
    platform.error(message, { title: 'Cancelled' });
    platform.fail(message.split('\n')[0]);
    return message;
  }
  if (error instanceof ProductError) {
    // Failures before any write (reading, checking, planning) change nothing; say so when the error does not.
    const untouched =
      (error instanceof AzureError || error instanceof DeadlineError) &&
      !error.recovery &&
      (operations?.writesSent ?? 0) === 0;
    const message = redactor.redact(`${error.message}${untouched ? `\n${NOTHING_CHANGED}` : ''}`);
    platform.error(message, { title: error.name });
    platform.fail(message.split('\n')[0]);
    return message;
  }
  const message = redactor.redact(error instanceof Error ? error.message : String(error));
  platform.error(message, { title: 'Unexpected error' });
  platform.fail(`unexpected error: ${message.split('\n')[0]}`);
  return message;
}

async function writeSummarySafely(platform: Platform, markdown: string): Promise<void> {
  try {
    await platform.writeSummary(markdown);
  } catch (error) {
    platform.warning(`could not write the summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}
