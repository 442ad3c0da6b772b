import type { GateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Report } from '../report/report.js';
import type { GitHubEvent } from './event.js';
import { createOctokit } from './octokit.js';
import { publishComment } from './sticky-comment.js';
import { setCommitStatus } from './commit-status.js';
import { reportingAsked, reportingRefused } from './preflight.js';

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
  /** Removes secrets from the comment's body at the sink. */
  redact?: (text: string) => string;
  /** A run with targets: the pause before reading its update back (see publishComment). */
  settleMs?: () => number;
}): Promise<string> {
  const { event, log, config } = options;
  const budgetMs = options.budgetMs ?? REPORTING_BUDGET_MS;
  const refused = reportingRefused({ ...options, cancelled: options.report.cancelled });
  if (refused) return refused;
  const { comment, status } = reportingAsked(config);
  const started = Date.now();
  const budget = AbortSignal.any([...(options.signal ? [options.signal] : []), AbortSignal.timeout(budgetMs)]);
  const octokit = createOctokit({
    token: options.token,
    apiUrl: event.apiUrl,
    log,
    signal: budget,
    timeLeft: () => budgetMs - (Date.now() - started),
  });
  const sections = options.report.targets ? await import('../targets/comment-sections.js') : undefined;
  const context = { sha: event.sha, runUrl: event.runUrl };
  const work = (async () => {
    const outcomes: string[] = [];
    if (comment) {
      outcomes.push(
        await publishComment({
          octokit,
          event,
          report: options.report,
          // A run with targets shares one comment with every other run that has targets on the PR.
          key: sections ? sections.TARGETS_KEY : config.environment || 'default',
          log,
          mode: config.commentMode,
          redact: options.redact,
          ...(sections
            ? {
                render: (previous: string | undefined) =>
                  sections.renderTargetsComment(options.report, context, previous),
                holds: (body: string | undefined) => sections.holdsSections(body, options.report, context),
                settleMs: options.settleMs,
              }
            : {}),
        }),
      );
    }
    if (status) {
      outcomes.push(
        await setCommitStatus({
          octokit,
          event,
          report: options.report,
          environment: config.environment,
          log,
          redact: options.redact,
        }),
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
