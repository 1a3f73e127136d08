/** The Azure DevOps task step; importing it starts nothing: index.ts (bundled to dist/ado/index.js) calls run(). */
import { runStep } from '../core/step';
import { readConnection } from './connection';
import { adoDisplayName, createAdoInputReader } from './inputs';
import { createAdoPlatform } from './platform';

export async function run(): Promise<void> {
  await runStep(createAdoPlatform(), (redactor) => ({
    ...readConnection(redactor),
    readInput: createAdoInputReader(redactor),
    displayName: adoDisplayName,
  }));
}
