import type { Logger } from '../log.js';
import type { Report } from '../report/report.js';
import type { GitHubEvent } from './event.js';
import { statusOf, type Octokit } from './octokit.js';

/**
 * The verdict as a commit status (`commit-status: true`), for branch protection and for the commit list:
 * context `post-deploy-gate` (with the environment when there is one, so several gates keep their own),
 * the state, the one-sentence summary, and a link to the run.
 */

export const STATUS_CONTEXT = 'post-deploy-gate';
/** GitHub refuses a longer description (422). */
const MAX_DESCRIPTION = 140;

const STATE: Record<Report['verdict'], 'success' | 'failure' | 'error'> = {
  pass: 'success',
  fail: 'failure',
  // Could not measure, or could not run: GitHub's `error`, not a claim that the deploy is broken.
  inconclusive: 'error',
  error: 'error',
};

export function statusContext(environment: string | undefined): string {
  return environment ? `${STATUS_CONTEXT} / ${environment}` : STATUS_CONTEXT;
}

export function statusDescription(report: Report): string {
  const text = `${report.verdict}${report.cause ? ` (${report.cause})` : ''}: ${report.summary}`.replace(/\s+/g, ' ');
  return [...text].length <= MAX_DESCRIPTION ? text : `${[...text].slice(0, MAX_DESCRIPTION - 1).join('')}…`;
}

export async function setCommitStatus(options: {
  octokit: Octokit;
  event: GitHubEvent;
  report: Report;
  environment?: string;
  log: Logger;
}): Promise<string> {
  const { octokit, event, report, log } = options;
  if (!/^[0-9a-f]{40}$/i.test(event.sha)) {
    log.warning('no commit status: the commit under test is unknown; give the `sha` input');
    return 'no commit status (no commit)';
  }
  const context = statusContext(options.environment);
  try {
    await octokit.rest.repos.createCommitStatus({
      owner: event.owner,
      repo: event.repo,
      sha: event.sha,
      state: STATE[report.verdict],
      context,
      description: statusDescription(report),
      ...(event.runUrl ? { target_url: event.runUrl } : {}),
    });
    return `commit status ${context} = ${STATE[report.verdict]} on ${event.sha.slice(0, 7)}`;
  } catch (error) {
    const status = statusOf(error);
    const why =
      status === 403 || status === 404
        ? ' The token lacks access: give the job `permissions: statuses: write`.'
        : status === 422
          ? ` GitHub refused it (422): is ${event.sha.slice(0, 7)} a commit of ${event.owner}/${event.repo}?`
          : '';
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    log.warning(`no commit status: ${status ? `GitHub API ${status}: ` : ''}${message}.${why}`);
    return 'commit status failed';
  }
}
