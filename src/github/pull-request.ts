import type { GateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Report } from '../report/report.js';
import type { GitHubEvent } from './event.js';
import { createOctokit } from './octokit.js';
import { publishComment } from './sticky-comment.js';
import { setCommitStatus } from './commit-status.js';

/**
 * The pull-request comment, after the verdict is written (loaded only when `comment` is on): no write
 * call on a read-only token, and all of it within one budget however slow or rate-limited the API is.
 */

/** All reporting calls together get this long. */
export const REPORTING_BUDGET_MS = 60_000;
const ABANDON_GRACE_MS = 250;

export async function commentOnPullRequest(options: {
  report: Report;
  config: GateConfig;
  event: GitHubEvent;
  token: string;
  log: Logger;
  /** Aborts when the runner cancels the job: reporting then stops at once. */
  signal?: AbortSignal;
  /** Defaults to REPORTING_BUDGET_MS. */
  budgetMs?: number;
}): Promise<string> {
  const { event, log, config } = options;
  const budgetMs = options.budgetMs ?? REPORTING_BUDGET_MS;
  const comment = config.comment && config.commentMode !== 'off';
  const status = config.commitStatus === true;
  if (!comment && !status) return 'no comment (comment is off)';
  if (event.readOnly) {
    const who = event.readOnly === 'fork' ? 'a fork' : 'Dependabot';
    const what = [comment ? 'PR comment' : '', status ? 'commit status' : ''].filter(Boolean).join(' and no ');
    log.warning(
      `no ${what}: pull requests from ${who} run with a read-only token, so the gate makes no write call. ` +
        'The verdict, outputs and job summary are complete. For a comment, run the gate again from a ' +
        '`workflow_run` workflow (it has a writable token) with wait-for-deployment, or comment from there.',
    );
    return `no comment (${who})`;
  }
  if (!options.token || !event.owner) return 'no comment (no token or repository)';
  // A cancelled run makes no GitHub call at all: the runner gives a cancelled step a few seconds only.
  if (options.signal?.aborted || options.report.cancelled) return 'no comment (the run was cancelled)';
  const started = Date.now();
  const budget = AbortSignal.any([...(options.signal ? [options.signal] : []), AbortSignal.timeout(budgetMs)]);
  const octokit = createOctokit({
    token: options.token,
    apiUrl: event.apiUrl,
    log,
    signal: budget,
    timeLeft: () => budgetMs - (Date.now() - started),
  });
  const work = (async () => {
    const outcomes: string[] = [];
    if (comment) {
      outcomes.push(
        await publishComment({
          octokit,
          event,
          report: options.report,
          key: config.environment || 'default',
          log,
          mode: config.commentMode,
        }),
      );
    }
    if (status) {
      outcomes.push(
        await setCommitStatus({ octokit, event, report: options.report, environment: config.environment, log }),
      );
    }
    return outcomes.join('; ');
  })();
  // A hard budget: whatever the plugins' retries and waits do, reporting ends when the budget does (the
  // work gets a moment to report its own failure first).
  const outcome = await Promise.race([work, abandonedAfter(budget, log, budgetMs)]);
  return options.signal?.aborted ? 'comment abandoned: the run was cancelled' : outcome;
}

/** Resolves shortly after `signal` aborts, for work that does not stop when it is told to. */
function abandonedAfter(signal: AbortSignal, log: Logger, budgetMs: number): Promise<string> {
  return new Promise((resolve) => {
    const stop = () =>
      setTimeout(() => {
        log.warning(`no PR comment: the GitHub API did not finish within ${budgetMs / 1000} s`);
        resolve('comment failed');
      }, ABANDON_GRACE_MS).unref();
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}
