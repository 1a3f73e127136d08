/** Platform over @actions/core: annotations, groups, masks, step outputs and the job summary. */
import * as core from '@actions/core';
import type { Platform } from '../core/contract/platform';
import { githubPullRequest } from './pull-request';

export function githubPlatform(): Platform {
  return {
    name: 'github',
    info: (message) => core.info(message),
    warning: (message, props) => core.warning(message, props?.title ? { title: props.title } : undefined),
    error: (message, props) => core.error(message, props?.title ? { title: props.title } : undefined),
    notice: (message, props) => core.notice(message, props?.title ? { title: props.title } : undefined),
    debug: (message) => core.debug(message),
    isDebug: () => core.isDebug(),
    group: (title, body) => core.group(title, body),
    maskLine: (line) => core.setSecret(line),
    setOutput: (name, value) => core.setOutput(name, value),
    writeSummary: async (markdown) => {
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    },
    pullRequest: () => githubPullRequest(() => core.getInput('github-token').trim() || undefined),
    fail: (message) => core.setFailed(message),
  };
}
