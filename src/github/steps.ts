import { readFileSync } from 'node:fs';
import type { Clock } from '../clock.js';
import type { GateConfig } from '../config/types.js';
import { ConfigError } from '../config/types.js';
import type { Logger } from '../log.js';
import type { DeploymentInfo, Report } from '../report/report.js';
import { deploymentReport } from '../report/special.js';
import { waitForDeployment } from './deployment.js';
import { readEvent, type GitHubEvent } from './event.js';
import { createOctokit } from './octokit.js';
import { publishComment } from './sticky-comment.js';

/**
 * The two GitHub steps of a run, loaded only when a run uses them: before the gate, wait for the
 * deployment (and take its URL); after the verdict is written, the sticky PR comment.
 */

/** All reporting calls together get this long, however slow or rate-limited the API is. */
export const REPORTING_BUDGET_MS = 60_000;

export function eventFromEnv(env: NodeJS.ProcessEnv): GitHubEvent {
  let payload: Record<string, unknown> = {};
  try {
    if (env['GITHUB_EVENT_PATH']) payload = JSON.parse(readFileSync(env['GITHUB_EVENT_PATH'], 'utf8'));
  } catch {
    // No readable payload (a local run): the event is what the environment says.
  }
  return readEvent(env, payload);
}

export async function waitForTarget(options: {
  config: GateConfig;
  event: GitHubEvent;
  token: string;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  startedAt: Date;
}): Promise<{ url: URL; deployment: DeploymentInfo } | { report: Report }> {
  const { config, event, clock, log } = options;
  const missing = [];
  if (!options.token)
    missing.push({
      input: 'github-token',
      message: 'is needed to wait for the deployment; leave it at its default (${{ github.token }})',
    });
  if (!event.owner || !event.sha) {
    missing.push({
      input: 'wait-for-deployment',
      message: 'needs a GitHub Actions run (GITHUB_REPOSITORY and the commit); in other places give url',
    });
  }
  if (missing.length) throw new ConfigError(missing);
  const octokit = createOctokit({
    token: options.token,
    apiUrl: event.apiUrl,
    log,
    signal: options.signal,
    timeLeft: () => config.timeoutMs - clock.now(),
  });
  const outcome = await waitForDeployment({
    octokit,
    event,
    environment: config.environment,
    clock,
    log,
    deadlineMs: config.timeoutMs,
    budgetMs: config.timeoutMs,
    signal: options.signal,
  });
  if (outcome.kind !== 'ready') return { report: deploymentReport(outcome, options.startedAt, clock.now()) };
  const url = config.url ?? (outcome.deployment.url ? safeUrl(outcome.deployment.url) : undefined);
  if (!url) {
    throw new ConfigError([
      {
        input: 'url',
        message: `the deployment ${outcome.deployment.environment} succeeded without a URL (environment_url); give url`,
      },
    ]);
  }
  return { url, deployment: outcome.deployment };
}

export async function commentOnPullRequest(options: {
  report: Report;
  config: GateConfig;
  event: GitHubEvent;
  token: string;
  log: Logger;
  /** Aborts when the runner cancels the job: reporting then stops at once. */
  signal: AbortSignal;
}): Promise<string> {
  const { event, log } = options;
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
  // A cancelled run makes no GitHub call at all: the runner gives a cancelled step a few seconds only.
  if (options.signal.aborted || options.report.cancelled) return 'no comment (the run was cancelled)';
  const started = Date.now();
  const budget = AbortSignal.any([options.signal, AbortSignal.timeout(REPORTING_BUDGET_MS)]);
  const octokit = createOctokit({
    token: options.token,
    apiUrl: event.apiUrl,
    log,
    signal: budget,
    timeLeft: () => REPORTING_BUDGET_MS - (Date.now() - started),
  });
  const work = publishComment({
    octokit,
    event,
    report: options.report,
    key: options.config.environment || 'default',
    log,
  });
  // A hard budget: whatever the plugins' retries and waits do, reporting ends when the budget does.
  return Promise.race([work, untilAborted(budget)]);
}

function untilAborted(signal: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const stop = () =>
      resolve(
        (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError'
          ? `comment abandoned: the GitHub API did not finish within ${REPORTING_BUDGET_MS / 1000} s`
          : 'comment abandoned: the run was cancelled',
      );
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

function safeUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
