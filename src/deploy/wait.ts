import type { Clock } from '../clock.js';
import { formatDuration } from '../config/duration.js';
import type { Logger } from '../log.js';
import { environmentMatcher, type GitHubEvent } from '../github/event.js';
import { statusOf, type Octokit } from '../github/octokit.js';
import { deploymentName, withoutUrlCredentials, type DeploymentInfo } from './deployment.js';
import { alsoDeployedWarning } from './also-deployed.js';

/**
 * Waits for the GitHub deployment of the commit under test to succeed, and takes its URL. Providers that
 * report by commit status instead (Netlify) are read the same way. Failure ends the wait at once.
 * Polls with conditional requests: a 304 costs nothing against the token's 1,000 requests an hour.
 */

/** How the wait ended; the stage adds the URL to a ready one. */
export type DeploymentWait =
  | { kind: 'ready'; deployment: DeploymentInfo }
  | { kind: 'failed'; deployment: DeploymentInfo }
  | { kind: 'not-found'; deployment?: DeploymentInfo; looked: string };

export interface DeploymentWaitOptions {
  octokit: Octokit;
  event: GitHubEvent;
  environment?: string;
  clock: Clock;
  log: Logger;
  /** Clock time by which a successful deployment must be found. */
  deadlineMs: number;
  budgetMs: number;
  signal?: AbortSignal;
  /** Credentials found in a deployment's URLs (removed from them), to mask and redact. */
  onSecrets?: (values: string[]) => void;
}

/**
 * 1 s, 2 s, 4 s … 10 s between polls: quick while a deploy is usually finishing, then about 30 polls in
 * five minutes, most of them free 304s.
 */
const FIRST_POLL_MS = 1_000;
const POLL_CAP_MS = 10_000;
/** Newest deployments looked at per poll (superseded ones are `inactive`). */
const CANDIDATES = 3;
export const FAILED = new Set(['failure', 'error']);

interface Found {
  deployment: DeploymentInfo;
  terminal: boolean;
}

export async function waitForDeployment(options: DeploymentWaitOptions): Promise<DeploymentWait> {
  const { clock, log, event } = options;
  const matches = environmentMatcher(options.environment);
  const cached = conditionalReader(options.octokit);
  const looked = `a deployment of ${event.sha.slice(0, 7)}${options.environment ? ` in environment "${options.environment}"` : ''}`;
  const started = clock.now();
  let last: DeploymentInfo | undefined;
  for (let poll = 1; ; poll++) {
    const found = await lookOnce(options, cached, matches);
    if (found) {
      found.deployment.waitedMs = Math.round(clock.now() - started);
      last = found.deployment;
      if (found.terminal) {
        const ok = found.deployment.state === 'success';
        log.info(`deployment ${deploymentName(found.deployment)}: ${found.deployment.state}`);
        if (found.deployment.alsoDeployed) log.warning(alsoDeployedWarning(found.deployment));
        return { kind: ok ? 'ready' : 'failed', deployment: found.deployment };
      }
    }
    const waited = `${formatDuration(clock.now())} / ${formatDuration(options.budgetMs)}`;
    log.info(
      `waiting for ${looked}: ${last ? `${deploymentName(last)} is ${last.state}` : 'none yet'} (poll ${poll}, ${waited})`,
    );
    const wait = Math.min(FIRST_POLL_MS * 2 ** (poll - 1), POLL_CAP_MS, options.deadlineMs - clock.now());
    if (wait <= 0 || options.signal?.aborted) return { kind: 'not-found', deployment: last, looked };
    await clock.sleep(wait, options.signal);
  }
}

async function lookOnce(
  options: DeploymentWaitOptions,
  read: Reader,
  matches: (name: string) => boolean,
): Promise<Found | undefined> {
  const { event } = options;
  const repo = { owner: event.owner, repo: event.repo };
  const carried = event.deployment;
  if (carried && matches(carried.environment) && carried.state && carried.state !== 'inactive') {
    // deployment_status: the payload already says how it ended.
    if (carried.state === 'success' || FAILED.has(carried.state)) {
      const deployment = withoutUrlCredentials(
        { source: 'deployment', ...carried, state: carried.state },
        options.onSecrets,
      );
      return { deployment, terminal: true };
    }
  }
  const deployments = (await read('GET /repos/{owner}/{repo}/deployments', {
    ...repo,
    sha: event.sha,
    per_page: 30,
  })) as Array<{
    id: number;
    environment: string;
    original_environment?: string;
  }>;
  const matching = deployments.filter((d) => matches(d.environment) || matches(d.original_environment ?? ''));
  const candidates = matching.slice(0, CANDIDATES);
  for (const candidate of candidates) {
    const latest = await latestDeploymentStatus(read, repo, candidate, event.sha);
    if (!latest) continue; // superseded by a newer deployment
    const deployment = withoutUrlCredentials(latest, options.onSecrets);
    // Without an environment, a monorepo's commit may have several deploys: the others are named.
    const others = options.environment
      ? []
      : [...new Set(matching.map((d) => d.environment))].filter((e) => e !== candidate.environment);
    if (others.length) deployment.alsoDeployed = others;
    return { deployment, terminal: deployment.state === 'success' || FAILED.has(deployment.state) };
  }
  if (candidates.length > 0) return undefined;
  return lookAtCommitStatuses(options, read, matches);
}

/** Netlify and others report a preview as a commit status whose target_url is the site. */
async function lookAtCommitStatuses(
  options: DeploymentWaitOptions,
  read: Reader,
  matches: (name: string) => boolean,
): Promise<Found | undefined> {
  const { event } = options;
  const combined = (await read('GET /repos/{owner}/{repo}/commits/{ref}/status', {
    owner: event.owner,
    repo: event.repo,
    ref: event.sha,
  })) as { statuses?: CommitStatus[] };
  const status = (combined.statuses ?? []).find(
    (s) => s.target_url && (options.environment ? matches(s.context) : /deploy/i.test(s.context)),
  );
  if (!status) return undefined;
  const deployment = withoutUrlCredentials(commitStatusDeployment(status, event.sha), options.onSecrets);
  return { deployment, terminal: status.state === 'success' || FAILED.has(status.state) };
}

/** A commit status (Netlify and others) as a deployment: its target_url is the site. */
export interface CommitStatus {
  context: string;
  state: string;
  target_url?: string;
  description?: string;
}

export function commitStatusDeployment(status: CommitStatus, sha: string): DeploymentInfo {
  return {
    source: 'commit-status',
    environment: status.context,
    sha,
    state: status.state,
    url: status.state === 'success' ? status.target_url : undefined,
    logUrl: status.target_url,
    description: status.description || undefined,
  };
}

/**
 * A deployment's latest status as the deployment it describes, with the URLs as GitHub gives them (callers
 * clean them); undefined when it is `inactive` (superseded by a newer deployment).
 */
export async function latestDeploymentStatus(
  read: Reader,
  repo: { owner: string; repo: string },
  candidate: { id: number; environment: string },
  sha: string,
): Promise<DeploymentInfo | undefined> {
  const statuses = (await read('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    ...repo,
    deployment_id: candidate.id,
    per_page: 1,
  })) as Array<{
    state: string;
    environment_url?: string;
    target_url?: string;
    log_url?: string;
    description?: string;
  }>;
  const status = statuses[0];
  if (status?.state === 'inactive') return undefined;
  return {
    source: 'deployment',
    id: candidate.id,
    environment: candidate.environment,
    sha,
    state: status?.state ?? 'pending',
    url: status?.environment_url || (status?.state === 'success' ? status?.target_url : undefined) || undefined,
    logUrl: status?.log_url || status?.target_url || undefined,
    description: status?.description || undefined,
  };
}

export type Reader = (route: string, params: Record<string, unknown>) => Promise<unknown>;

/** GETs with If-None-Match: an unchanged answer comes back as 304 and is served from the cache. */
export function conditionalReader(octokit: Octokit): Reader {
  const cache = new Map<string, { etag: string; data: unknown }>();
  return async (route, params) => {
    const key = `${route} ${JSON.stringify(params)}`;
    const hit = cache.get(key);
    try {
      const response = await octokit.request(route, { ...params, headers: hit ? { 'if-none-match': hit.etag } : {} });
      const etag = response.headers.etag;
      if (etag) cache.set(key, { etag, data: response.data });
      return response.data;
    } catch (error) {
      if (statusOf(error) === 304 && hit) return hit.data;
      throw error;
    }
  };
}
