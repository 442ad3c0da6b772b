import type { GateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Report } from '../report/report.js';
import type { GitHubEvent } from './event.js';
import { createOctokit } from './octokit.js';
import { publishComment } from './sticky-comment.js';

/**
 * The pull-request comment, after the verdict is written (loaded only when `comment` is on): no write
 * call on a read-only token, and all of it within one budget however slow or rate-limited the API is.
 */

/** All reporting calls together get this long. */
export const REPORTING_BUDGET_MS = 60_000;

export async function commentOnPullRequest(options: {
  report: Report;
  config: GateConfig;
  event: GitHubEvent;
  token: string;
  log: Logger;
  /** Defaults to REPORTING_BUDGET_MS. */
  budgetMs?: number;
}): Promise<string> {
  const { event, log } = options;
  const budgetMs = options.budgetMs ?? REPORTING_BUDGET_MS;
  if (event.readOnly) {
    const who = event.readOnly === 'fork' ? 'a fork' : 'Dependabot';
    log.warning(
      `no PR comment: pull requests from ${who} run with a read-only token, so the gate makes no write call. ` +
        'The verdict, outputs and job summary are complete. For a comment, run the gate again from a ' +
        '`workflow_run` workflow (it has a writable token) with wait-for-deployment, or comment from there.',
    );
    return `no comment (${who})`;
  }
  if (!options.token || !event.owner) return 'no comment (no token or repository)';
  const started = Date.now();
  const octokit = createOctokit({
    token: options.token,
    apiUrl: event.apiUrl,
    log,
    signal: AbortSignal.timeout(budgetMs),
    timeLeft: () => budgetMs - (Date.now() - started),
  });
  return publishComment({ octokit, event, report: options.report, key: options.config.environment || 'default', log });
}
