/**
 * The whole step as both adapters run it: prepare the context, run, publish outputs and the
 * summary, and turn every failure into clear, secret-free messages. Adapters only map.
 */
import { systemClock } from './azure/clock';
import type { ArmGateway } from './azure/gateway';
import { redactUrl } from './azure/http-exchange';
import { CancelledError, InputError, ProductError } from './errors';
import type { Platform } from './platform';
import { failureMarkdown, outputsOf, summaryMarkdown } from './report';
import { runOnce, type RunReport } from './run';
import type { RunContext } from './run-context';
import { SecretRedactor } from './secrets';

/** The runners give a cancelled step a few seconds before killing it; we finish well inside that. */
const CANCEL_GRACE_MS = 4_000;

export interface StepOptions {
  /** Secrets the adapter read (client secret, certificate PEM …), masked before anything else happens. */
  readonly redactor?: SecretRedactor;
}

export async function runStep(platform: Platform, prepare: (redactor: SecretRedactor) => Promise<RunContext> | RunContext, options: StepOptions = {}): Promise<RunReport | undefined> {
  const redactor = options.redactor ?? new SecretRedactor(platform);
  const controller = new AbortController();
  let gateway: ArmGateway | undefined;
  let computeName: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    const where = gateway?.currentOperationUrl ? ` Operation in progress: ${redactUrl(gateway.currentOperationUrl)}` : '';
    platform.warning(`Received ${signal}: stopping.${where}`);
    controller.abort();
    setTimeout(() => process.exit(1), CANCEL_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const ctx = await prepare(redactor);
    computeName = ctx.readInput('compute-name');
    const report = await runOnce(platform, ctx, { redactor, signal: controller.signal, clock: systemClock, onGateway: (g) => (gateway = g) });
    for (const [name, value] of Object.entries(outputsOf(report))) {
      if (value !== undefined) platform.setOutput(name as keyof ReturnType<typeof outputsOf>, redactor.redact(value));
    }
    await writeSummarySafely(platform, redactor.redact(summaryMarkdown(report)));
    platform.info(`Result: ${report.result}.`);
    return report;
  } catch (error) {
    const message = reportFailure(platform, error, redactor, gateway);
    await writeSummarySafely(platform, failureMarkdown(computeName ?? '(unknown)', message));
    return undefined;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Reports a failure on the platform and returns the (redacted) text for the summary. */
function reportFailure(platform: Platform, error: unknown, redactor: SecretRedactor, gateway: ArmGateway | undefined): string {
  if (error instanceof InputError) {
    const lines = error.problems.map((problem) => redactor.redact(`${problem.input}: ${problem.message}`));
    error.problems.forEach((problem, i) => platform.error(lines[i], { title: `Invalid input: ${problem.input}` }));
    const verdict = `${error.problems.length} problem(s) with the inputs; nothing was changed.`;
    platform.fail(verdict);
    return [...lines, verdict].join('\n');
  }
  if (error instanceof CancelledError) {
    const where = gateway?.currentOperationUrl ? `\nThe last operation in progress: ${redactUrl(gateway.currentOperationUrl)}` : '';
    const message = redactor.redact(`${error.message}${where}`);
    platform.fail(message);
    return message;
  }
  if (error instanceof ProductError) {
    const message = redactor.redact(error.message);
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
