import type { Clock } from '../clock.js';
import type { GateConfig } from '../config/types.js';
import { deploymentClient } from '../deploy/stage.js';
import type { DeploymentWait } from '../deploy/wait.js';
import type { GitHubEvent } from '../github/event.js';
import type { Logger } from '../log.js';
import { waitForDeployments, type WantedDeployment } from './deployments.js';

/**
 * The GitHub side of a run with targets: one deployment wait for every target that names an environment.
 * Only the action loads it (it brings the GitHub client); the CLI checks targets by their url.
 */

export interface GitHubWaitOptions {
  config: GateConfig;
  github: { event: GitHubEvent; token: string };
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  onSecrets?: (values: string[]) => void;
  wanted: WantedDeployment[];
  settle: (name: string, found: DeploymentWait[]) => void;
}

export async function waitOnGitHub(options: GitHubWaitOptions): Promise<void> {
  const { config, github, clock, log, signal } = options;
  const octokit = deploymentClient({ config, event: github.event, token: github.token, clock, log, signal });
  await waitForDeployments({
    octokit,
    event: github.event,
    clock,
    log,
    deadlineMs: config.timeoutMs,
    budgetMs: config.timeoutMs,
    signal,
    onSecrets: options.onSecrets,
    wanted: options.wanted,
    settle: options.settle,
  });
}
