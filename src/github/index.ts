/** The bundle's entry (dist/github/index.js, action.yml `runs.main`): runs the step. */
import { run } from './main';

void run();
