import type { Clock } from '../clock.js';
import type { GateConfig } from '../config/types.js';
import { ConfigError } from '../config/types.js';
import type { GitHubEvent } from '../github/event.js';
import { createOctokit, type Octokit } from '../github/octokit.js';
import type { Logger } from '../log.js';
import { readyOutcome, type DeploymentOutcome } from './deployment.js';
import { waitForDeployment } from './wait.js';

/**
 * The deploy stage (wait-for-deployment), loaded only when a run uses it: wait for the GitHub deployment
 * of the commit under test and say how it ended, as data. The gate turns a failed or missing deployment
 * into its diagnosis and Report; a ready one gives the URL to check.
 */
export async function deployStage(
  options: DeploymentClientOptions & {
    /** Credentials removed from the deployment's URLs: masked and redacted by the caller. */
    onSecrets?: (values: string[]) => void;
  },
): Promise<DeploymentOutcome> {
  const { config, event, clock, log } = options;
  const octokit = deploymentClient(options);
  const outcome = await waitForDeployment({
    octokit,
    event,
    environment: config.environment,
    clock,
    log,
    deadlineMs: config.timeoutMs,
    budgetMs: config.timeoutMs,
    signal: options.signal,
    onSecrets: options.onSecrets,
  });
  return outcome.kind === 'ready' ? readyOutcome(outcome.deployment, config.url, 'url') : outcome;
}

/** The GitHub client of the deployment wait, after checking the run can use one (a token, a repository). */
export interface DeploymentClientOptions {
  config: GateConfig;
  event: GitHubEvent;
  token: string;
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
}

export function deploymentClient(options: DeploymentClientOptions): Octokit {
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
  return createOctokit({
    token: options.token,
    apiUrl: event.apiUrl,
    log,
    signal: options.signal,
    timeLeft: () => config.timeoutMs - clock.now(),
  });
}
