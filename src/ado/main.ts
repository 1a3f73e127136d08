/** Azure DevOps task entry point (bundled to dist/ado/index.js, named by task.json's execution handlers). */
import { runStep } from '../core/step';
import { readConnection } from './connection';
import { adoDisplayName, createAdoInputReader } from './inputs';
import { createAdoPlatform } from './platform';

void runStep(createAdoPlatform(), (redactor) => ({
  ...readConnection(redactor),
  readInput: createAdoInputReader(redactor),
  displayName: adoDisplayName,
}));
