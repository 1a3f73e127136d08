/** The Azure DevOps task step; importing it starts nothing: index.ts (bundled to dist/ado/index.js) calls run(). */
import { InputError, type InputProblem } from '../core/contract/errors';
import type { InputReader } from '../core/contract/inputs';
import type { SecretRedactor } from '../core/contract/secrets';
import { readDesiredState } from '../core/desired/read';
import { runStep } from '../core/step';
import { readConnection, type AdoConnection } from './connection';
import { adoDisplayName, createAdoInputReader } from './inputs';
import { createAdoPlatform } from './platform';
import { readJobAccessToken } from './pull-request';

export async function run(): Promise<void> {
  await runStep(createAdoPlatform(), (redactor) => {
    // task-lib took the job token out of the environment, where runStep looks for it: the agent
    // masks it in the log, and remembering it scrubs it from text the product builds as well.
    redactor.remember(readJobAccessToken());
    const readInput = createAdoInputReader(redactor);
    return { ...connectionOrEveryProblem(redactor, readInput), readInput, displayName: adoDisplayName };
  });
}

/**
 * The service connection; when it cannot be used, its problem is reported together with every
 * other input problem (as the GitHub Action does), so that one failed run shows all there is to fix.
 */
function connectionOrEveryProblem(redactor: SecretRedactor, readInput: InputReader): AdoConnection {
  try {
    return readConnection(redactor);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError([...error.problems, ...otherInputProblems(readInput)]);
  }
}

function otherInputProblems(readInput: InputReader): readonly InputProblem[] {
  try {
    readDesiredState({ readInput, displayName: adoDisplayName });
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // The connection would give the default subscription: an empty subscriptionId is no problem of its own.
    const subscription = adoDisplayName('subscription-id');
    return readInput('subscription-id') === undefined
      ? error.problems.filter((p) => p.input !== subscription)
      : error.problems;
  }
}
