/** The bundle's entry (dist/ado/index.js, named by task.json's execution handlers): runs the task. */
import { run } from './main';

void run();
