import type { GateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { GitHubEvent } from './event.js';

/** What the settings ask GitHub to be told: the PR comment, the commit status, either or neither. */
export function reportingAsked(config: GateConfig): { comment: boolean; status: boolean } {
  return { comment: config.comment && config.commentMode !== 'off', status: config.commitStatus === true };
}

/**
 * Whether the reporting to GitHub (comment, commit status) can happen at all, decided without the GitHub
 * client: a run that cannot write (reporting off, a read-only token, no token, cancelled) never loads
 * Octokit, which is most of what a passing run without a token would otherwise load (issue 19).
 * Undefined: go on; otherwise the line the log gives for it.
 */
export function reportingRefused(options: {
  config: GateConfig;
  event: GitHubEvent;
  token: string;
  log: Logger;
  signal?: AbortSignal;
  cancelled?: boolean;
}): string | undefined {
  const { event, log } = options;
  const { comment, status } = reportingAsked(options.config);
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
  if (options.signal?.aborted || options.cancelled) return 'no comment (the run was cancelled)';
  return undefined;
}
