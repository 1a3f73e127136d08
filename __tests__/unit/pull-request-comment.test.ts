/** The pull-request comment as reviewers read it (golden files, UPDATE_GOLDEN=1 rewrites them), and how it shrinks to a limit. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretRedactor } from '../../src/core/contract/secrets';
import { readDesiredState } from '../../src/core/desired/read';
import type { ObservedCompute } from '../../src/core/observe/model';
import { planChange } from '../../src/core/plan/plan';
import { commentMarker, failureComment, reportComment, type CommentOptions } from '../../src/core/pull-request/comment';
import type { RunReport } from '../../src/core/run';
import { baseInputs, COMPUTE_ID, observedCompute, reader } from '../../testkit/inputs';

const now = new Date('2026-11-27T10:00:00Z');
const RUN = 'https://github.example.com/octo-org/octo-repo/actions/runs/1';

function golden(name: string, actual: string): void {
  const path = join(__dirname, 'golden', name);
  if (process.env.UPDATE_GOLDEN || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const before: ObservedCompute = observedCompute({
  tls: { status: 'Enabled', cname: 'scoring.contoso.com' },
  tlsFingerprint: '3f'.repeat(32),
  tlsExpiresOn: '2026-12-10T00:00:00.000Z',
  scoringIp: '20.1.2.3',
});

function report(
  extra: Record<string, string>,
  result: RunReport['result'],
  after?: ObservedCompute,
  found: ObservedCompute = before,
): RunReport {
  const desired = readDesiredState({ readInput: reader(baseInputs(extra)), displayName: (n) => n });
  return {
    result,
    desired,
    computeId: COMPUTE_ID,
    plan: planChange(desired, { compute: found, otherBindings: [] }, undefined, now),
    before: found,
    after,
    steps:
      after && after !== found
        ? [
            { step: 'detach', durationMs: 95_000, polls: 9 },
            { step: 'attach', durationMs: 301_000, polls: 33 },
          ]
        : [],
    durationMs: 397_000,
    tokenRequests: 1,
  };
}

const options = (over: Partial<CommentOptions> = {}): CommentOptions => ({
  maxBodyLength: 65_536,
  runUrl: RUN,
  redact: (t) => t,
  now,
  ...over,
});

test('the marker names the compute id in lower case, so a re-cased id finds the same comment', () => {
  expect(commentMarker(COMPUTE_ID.toUpperCase())).toBe(`<!-- aks-aml-attach compute=${COMPUTE_ID.toLowerCase()} -->`);
});

test('a dry run that reattaches: plan, detached for minutes, drift, certificate, run link', () => {
  const body = reportComment(report({ 'cluster-purpose': 'dev-test', 'dry-run': 'true' }, 'planned'), options());
  golden('pr-comment-reattach-planned.md', body);
  expect(body.startsWith(commentMarker(COMPUTE_ID))).toBe(true);
  expect(body).toContain('| Attachment | detached until the reattach completes');
  expect(body).toContain('<summary>Drift found</summary>');
  expect(body).toContain('`cluster-purpose`: FastProd → DevTest');
  expect(body).toContain('expires 2026-12-10 (⚠️ 12 days left)');
  expect(body).toContain(`[This run](${RUN})`);
});

test('the outcome of a reattach says for how long the compute was detached', () => {
  const after = { ...before, purpose: 'DevTest' };
  const body = reportComment(report({ 'cluster-purpose': 'dev-test' }, 'reattached', after), options());
  golden('pr-comment-reattached.md', body);
  expect(body).toContain('| Attachment | was detached for 6m36s, then attached again |');
});

test('an unchanged compute: no drift, no consequences', () => {
  const plain = observedCompute();
  const body = reportComment(report({}, 'unchanged', plain, plain), options());
  expect(body).toContain('| Plan | nothing to change |'.replace('Plan', 'Done'));
  expect(body).toContain('| Attachment | no change |');
  expect(body).toContain('| Drift | none |');
  expect(body).not.toContain('Consequences');
  expect(body).not.toMatch(/^\| Certificate \| [^|]+ \|$/m);
});

test('over the limit, folded sections go first (last first), then the text is cut at a line; the pointer to the run stays', () => {
  const planned = report({ 'cluster-purpose': 'dev-test', 'dry-run': 'true' }, 'planned');
  const full = reportComment(planned, options());
  const folded = reportComment(planned, options({ maxBodyLength: full.length - 1 }));
  expect(folded.length).toBeLessThan(full.length);
  expect(folded).not.toContain('<summary>Before and after</summary>');
  expect(folded).toContain('<summary>Drift found</summary>');
  expect(folded).toMatch(/1 section left out to fit the size limit; the \[run\]\(.+\) has them/);

  for (const limit of [900, 700]) {
    const cut = reportComment(planned, options({ maxBodyLength: limit }));
    expect(cut.length).toBeLessThanOrEqual(limit);
    expect(cut.startsWith(commentMarker(COMPUTE_ID))).toBe(true);
    expect(cut).toContain(`the [run](${RUN}) has the whole text`);
    expect(cut).toMatch(/\n…\n/);
  }
  // Smaller than the marker and the pointer: still a body, never an error.
  expect(reportComment(planned, options({ maxBodyLength: 50 })).length).toBeLessThanOrEqual(50);
});

test('a failure statement cut inside its code block closes the block', () => {
  const message = Array.from({ length: 200 }, (_, i) => `line ${i} of the failure statement`).join('\n');
  const body = failureComment(
    { computeId: COMPUTE_ID, computeName: 'aks-prod', message },
    options({ maxBodyLength: 1_000, runUrl: undefined }),
  );
  expect(body.length).toBeLessThanOrEqual(1_000);
  expect(body).toContain("the run's log has the whole text");
  expect((body.match(/^```/gm) ?? []).length % 2).toBe(0);
});

test('every part passes the redactor before it is measured', () => {
  const redactor = new SecretRedactor();
  redactor.add('s3cr3t-value-in-a-message');
  const body = failureComment(
    { computeId: COMPUTE_ID, computeName: 'aks-prod', message: 'Azure said: s3cr3t-value-in-a-message' },
    options({ redact: (t) => redactor.redact(t) }),
  );
  expect(body).not.toContain('s3cr3t');
  expect(body).toContain('Azure said: ***');
});
