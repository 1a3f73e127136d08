/** GitHub Action entry point: maps inputs, credentials and cloud to the core, which does the rest. */
import * as core from '@actions/core';
import { resolveCloud } from '../core/azure/cloud';
import type { InputName } from '../core/contract/inputs';
import { runStep } from '../core/step';
import { readGithubAuth } from './auth';
import { githubPlatform } from './platform';

const readInput = (name: InputName) => core.getInput(name).trim() || undefined;

void runStep(githubPlatform(), (redactor) => {
  const { auth, defaultSubscriptionId } = readGithubAuth(redactor);
  const cloud = resolveCloud({
    environment: readInput('environment'),
    armEndpoint: readInput('arm-endpoint'),
    authorityHost: readInput('authority-host'),
  });
  return { readInput, displayName: (name) => name, auth, cloud, defaultSubscriptionId };
});
