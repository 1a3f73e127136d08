/**
 * The GitHub Action step: maps inputs, credentials and cloud to the core, which does the rest.
 * Importing it starts nothing; index.ts (the bundle's entry) calls run(), as @github/local-action does.
 */
import * as core from '@actions/core';
import { resolveCloud } from '../core/azure/cloud';
import type { InputName } from '../core/contract/inputs';
import { runStep } from '../core/step';
import { readGithubAuth } from './auth';
import { githubPlatform } from './platform';

const readInput = (name: InputName) => core.getInput(name).trim() || undefined;

export async function run(): Promise<void> {
  await runStep(githubPlatform(), (redactor) => {
    // The comment token is a secret from the start, although only pull-request runs use it.
    redactor.add(readInput('github-token'));
    const { auth, defaultSubscriptionId } = readGithubAuth(redactor);
    const cloud = resolveCloud({
      environment: readInput('environment'),
      armEndpoint: readInput('arm-endpoint'),
      authorityHost: readInput('authority-host'),
    });
    return { readInput, displayName: (name) => name, auth, cloud, defaultSubscriptionId };
  });
}
