/** The core's Platform over azure-pipelines-task-lib: logging commands, output variables, summary. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import { OUTPUTS, type OutputName } from '../core/contract/outputs';
import type { AnnotationProperties, Platform } from '../core/contract/platform';
import { adoPullRequest } from './pull-request';

/** The output variable name users reference in ADO (`$(step.computeId)`). */
export function adoOutputName(name: OutputName): string {
  const found = OUTPUTS.find((o) => o.name === name);
  if (!found) throw new Error(`unknown output ${name}`);
  return found.ado;
}

/** Same stream and line ending task-lib writes its commands with, so the agent sees one ordered log. */
function writeLine(line: string): void {
  process.stdout.write(line + os.EOL);
}

/** ADO issues have no title field: prefix it, without repeating a name the message starts with. */
function titled(message: string, props?: AnnotationProperties): string {
  if (!props?.title) return message;
  const last = props.title
    .split(/[\s:]+/)
    .filter(Boolean)
    .pop();
  if (last && message.startsWith(`${last}: `)) return `${props.title}: ${message.slice(last.length + 2)}`;
  return `${props.title}: ${message}`;
}

export function createAdoPlatform(): Platform {
  return {
    name: 'ado',
    info: (message) => writeLine(message),
    warning: (message, props) => tl.warning(titled(message, props)),
    error: (message, props) => tl.error(titled(message, props)),
    // Azure Pipelines has no notice level; a plain titled line, since a warning would flag the run.
    notice: (message, props) => writeLine(titled(message, props)),
    debug: (message) => tl.debug(message),
    isDebug: () => (tl.getVariable('System.Debug') ?? '').toLowerCase() === 'true',
    async group<T>(title: string, body: () => Promise<T>): Promise<T> {
      writeLine(`##[group]${title}`);
      try {
        return await body();
      } finally {
        writeLine('##[endgroup]');
      }
    },
    maskLine(line: string) {
      // setSecret rejects multi-line values; core/secrets.maskSecret already splits, this is a guard.
      for (const part of line.split(/\r?\n/)) {
        if (part.trim().length > 0) tl.setSecret(part);
      }
    },
    setOutput: (name, value) => tl.setVariable(adoOutputName(name), value, false, true),
    // Variables only; the commenter (REST calls) loads when the core opens it.
    pullRequest: adoPullRequest,
    async writeSummary(markdown: string) {
      const dir = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
      const file = path.join(dir, `aks-aml-attach-summary-${process.pid}-${Date.now()}.md`);
      await fs.promises.mkdir(dir, { recursive: true });
      await fs.promises.writeFile(file, markdown, 'utf8');
      tl.uploadSummary(file);
    },
    fail(message: string) {
      tl.setResult(tl.TaskResult.Failed, message);
      process.exitCode = 1; // the agent goes by task.complete; this helps anyone running the bundle by hand
    },
  };
}
