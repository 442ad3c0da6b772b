import type { Clock } from '../clock.js';
import { formatDuration } from '../config/duration.js';
import { deploymentName, withoutUrlCredentials, type DeploymentInfo } from '../deploy/deployment.js';
import {
  commitStatusDeployment,
  conditionalReader,
  FAILED,
  latestDeploymentStatus,
  type CommitStatus,
  type DeploymentWait,
  type Reader,
} from '../deploy/wait.js';
import { environmentMatcher, type GitHubEvent } from '../github/event.js';
import type { Octokit } from '../github/octokit.js';
import type { Logger } from '../log.js';

/**
 * The deployment wait of several targets at once: one polling loop for all of them, so three targets
 * cost one list of the commit's deployments per poll (plus one status read per environment, most of
 * them free 304s), not three loops. Each target is settled as soon as its own deployment ends, so its
 * check starts then, while the others still wait.
 *
 * `expand`: every environment the glob matches is a deploy of its own (`environment: Preview*` on a
 * monorepo's commit), and all of them are waited for and returned; without it the newest match is the
 * one, and the others are named in a warning rather than passed over in silence.
 */

export interface WantedDeployment {
  name: string;
  environment?: string;
  expand: boolean;
}

export interface DeploymentsWaitOptions {
  octokit: Octokit;
  event: GitHubEvent;
  clock: Clock;
  log: Logger;
  deadlineMs: number;
  budgetMs: number;
  signal?: AbortSignal;
  wanted: WantedDeployment[];
  /** Called once per wanted name, with one wait result per deployment it stands for. */
  settle: (name: string, found: DeploymentWait[]) => void;
  /** Receives the credentials taken out of a deployment's URLs, to be masked and redacted. */
  onSecrets?: (values: string[]) => void;
}

const FIRST_POLL_MS = 1_000;
const POLL_CAP_MS = 10_000;
/** Newest deployments of one environment looked at (superseded ones are `inactive`). */
const PER_ENVIRONMENT = 3;
/** Environments read per poll, at most: a bound on the API calls one poll makes. */
const MAX_ENVIRONMENTS = 24;

export async function waitForDeployments(options: DeploymentsWaitOptions): Promise<void> {
  const { clock, log, event } = options;
  const read = conditionalReader(options.octokit);
  const pending = new Map(options.wanted.map((w) => [w.name, w]));
  const matchers = new Map(options.wanted.map((w) => [w.name, environmentMatcher(w.environment)]));
  const last = new Map<string, DeploymentInfo[]>();
  const started = clock.now();
  const lookedFor = (w: WantedDeployment) =>
    `a deployment of ${event.sha.slice(0, 7)}${w.environment ? ` in environment "${w.environment}"` : ''}`;
  for (let poll = 1; ; poll++) {
    const seen = (await lookAll(options, read, [...pending.values()], matchers)).map((d) =>
      withoutUrlCredentials(d, options.onSecrets),
    );
    for (const want of [...pending.values()]) {
      const matches = seen.filter((d) => matchers.get(want.name)!(d.environment));
      if (matches.length) last.set(want.name, matches);
      const chosen = want.expand ? matches : matches.slice(0, 1);
      if (!chosen.length || !chosen.every(isTerminal)) continue;
      const waitedMs = Math.round(clock.now() - started);
      for (const d of chosen) {
        d.waitedMs = waitedMs;
        log.info(`deployment ${deploymentName(d)}: ${d.state}`);
      }
      if (!want.expand && matches.length > 1) {
        log.warning(
          `${want.name}: environment "${want.environment}" matches ${matches.length} deployments of this commit; checking ${deploymentName(chosen[0]!)}, not ${matches
            .slice(1)
            .map(deploymentName)
            .join(', ')} (give each its own target)`,
        );
      }
      pending.delete(want.name);
      options.settle(want.name, chosen.map(toWait));
    }
    if (pending.size === 0) return;
    const waited = `${formatDuration(clock.now())} / ${formatDuration(options.budgetMs)}`;
    for (const want of pending.values()) {
      const states = (last.get(want.name) ?? []).map((d) => `${deploymentName(d)} is ${d.state}`).join(', ');
      log.info(`waiting for ${lookedFor(want)}: ${states || 'none yet'} (poll ${poll}, ${waited})`);
    }
    const wait = Math.min(FIRST_POLL_MS * 2 ** (poll - 1), POLL_CAP_MS, options.deadlineMs - clock.now());
    if (wait <= 0 || options.signal?.aborted) {
      for (const want of pending.values()) {
        const found = last.get(want.name) ?? [];
        const looked = lookedFor(want);
        // The ones that did end are judged as they ended; the rest never finished within the budget.
        const waits: DeploymentWait[] = (want.expand ? found : found.slice(0, 1)).map((d) =>
          isTerminal(d) ? toWait(d) : { kind: 'not-found', deployment: d, looked },
        );
        options.settle(want.name, waits.length ? waits : [{ kind: 'not-found', looked }]);
      }
      return;
    }
    await clock.sleep(wait, options.signal);
  }
}

function isTerminal(d: DeploymentInfo): boolean {
  return d.state === 'success' || FAILED.has(d.state);
}

function toWait(d: DeploymentInfo): DeploymentWait {
  return d.state === 'success' ? { kind: 'ready', deployment: d } : { kind: 'failed', deployment: d };
}

interface ListedDeployment {
  id: number;
  environment: string;
  original_environment?: string;
}

/**
 * One look: the newest live deployment of each environment some pending target wants, newest first;
 * commit statuses (Netlify) for a target no deployment matched.
 */
async function lookAll(
  options: DeploymentsWaitOptions,
  read: Reader,
  pending: WantedDeployment[],
  matchers: Map<string, (name: string) => boolean>,
): Promise<DeploymentInfo[]> {
  const { event } = options;
  const repo = { owner: event.owner, repo: event.repo };
  const listed = (await read('GET /repos/{owner}/{repo}/deployments', {
    ...repo,
    sha: event.sha,
    per_page: 100,
  })) as ListedDeployment[];
  const wanted = (d: ListedDeployment) =>
    pending.some((w) => matchers.get(w.name)!(d.environment) || matchers.get(w.name)!(d.original_environment ?? ''));
  const byEnvironment = new Map<string, ListedDeployment[]>();
  for (const d of listed.filter(wanted)) {
    const list = byEnvironment.get(d.environment) ?? [];
    if (!byEnvironment.has(d.environment) && byEnvironment.size >= MAX_ENVIRONMENTS) continue;
    list.push(d);
    byEnvironment.set(d.environment, list);
  }
  const seen: DeploymentInfo[] = [];
  for (const candidates of byEnvironment.values()) {
    for (const candidate of candidates.slice(0, PER_ENVIRONMENT)) {
      const latest = await latestDeploymentStatus(read, repo, candidate, event.sha);
      if (!latest) continue; // superseded by a newer deployment
      seen.push(latest);
      break;
    }
  }
  const unmatched = pending.filter((w) => !seen.some((d) => matchers.get(w.name)!(d.environment)));
  if (unmatched.length && byEnvironment.size === 0) seen.push(...(await commitStatuses(options, read, unmatched)));
  return seen;
}

/** Netlify and others report a preview as a commit status whose target_url is the site. */
async function commitStatuses(
  options: DeploymentsWaitOptions,
  read: Reader,
  unmatched: WantedDeployment[],
): Promise<DeploymentInfo[]> {
  const { event } = options;
  const combined = (await read('GET /repos/{owner}/{repo}/commits/{ref}/status', {
    owner: event.owner,
    repo: event.repo,
    ref: event.sha,
  })) as { statuses?: CommitStatus[] };
  return (combined.statuses ?? [])
    .filter(
      (s) =>
        s.target_url &&
        unmatched.some((w) =>
          w.environment ? environmentMatcher(w.environment)(s.context) : /deploy/i.test(s.context),
        ),
    )
    .map((s) => commitStatusDeployment(s, event.sha));
}
