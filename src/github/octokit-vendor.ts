/**
 * What only a run for a pull request needs: Octokit. The build bundles this file on its own
 * (dist/github/octokit/index.js), so other runs neither parse nor evaluate it (side-bundle.ts).
 */
export { getOctokit } from '@actions/github';
