import type { Clock } from '../clock.js';
import { ConfigError, type GateConfig, type RouteSpec, type TargetSpec } from '../config/types.js';
import { readyOutcome, type DeploymentOutcome } from '../deploy/deployment.js';
import type { DeploymentWait } from '../deploy/wait.js';
import {
  baselineClientFor,
  clientFor,
  configErrorReport,
  faultReport,
  runGate,
  targetOf,
  type HttpExtras,
} from '../gate.js';
import type { GitHubEvent } from '../github/event.js';
import type { GitHubWaitOptions } from './github-wait.js';
import { PoliteLimiter } from '../limiter.js';
import type { Logger } from '../log.js';
import type { Report, ReportOrigin, TargetSection } from '../report/report.js';
import { combineTargets } from './combine.js';
import { routesOfShard } from './shard.js';
import { parseDiscoverMode } from '../config/discover.js';
import { parseBaseUrl, parseLatencyBudget } from '../config/values.js';

/**
 * Several deploys in one run. A wrapper around the one-target gate: every target becomes an ordinary
 * GateConfig and goes through runGate unchanged; what they share is one deployment wait (one polling loop
 * for all), one polite limiter per origin, and the clock (`timeout` covers the whole run). Their Reports
 * become one, a section per target (combine.ts).
 *
 * Also the fix for a silent miss: `environment: Preview*` with several successful deployments of the
 * commit used to check the first and say nothing of the rest; every match is now a target of its own.
 */

export interface TargetsDeps extends Omit<HttpExtras, 'clock'> {
  clock: Clock;
  log: Logger;
  signal: AbortSignal;
  startedAt: Date;
  random?: () => number;
  /** GitHub, only for runs that wait for a deployment. */
  github?: () => { event: GitHubEvent; token: string };
  origin?: ReportOrigin;
  /** Orders the discovered sample (the commit's sha, so reruns check the same routes). */
  seed?: string;
  /** Receives credentials found in deployment URLs (see deploy/deployment.ts withoutCredentials). */
  onSecrets?: (values: string[]) => void;
  /**
   * The one GitHub deployment wait for every target (targets/github-wait.ts), given by the action: the
   * npm package's CLI waits for no deployment and ships without the GitHub client.
   */
  waitOnGitHub?: (options: GitHubWaitOptions) => Promise<void>;
}

/** Whether a run goes through here: it has targets, or its environment glob may match several deploys. */
export function usesTargets(config: GateConfig): boolean {
  return !!config.targets || !!config.shard || (config.waitForDeployment && isGlob(config.environment));
}

function isGlob(environment: string | undefined): boolean {
  return /[*?]/.test(environment ?? '');
}

/** A finished wait, or the error that kept the wait from starting (a missing token, say). */
type Waited = DeploymentWait | { kind: 'error'; error: unknown };

/** The one deploy a target names, as a whole config of its own. */
export function targetConfig(config: GateConfig, spec: TargetSpec | undefined, routes: RouteSpec[]): GateConfig {
  const { targets: _targets, shard: _shard, mergeReports: _merge, ...base } = config;
  if (!spec) return { ...base, routes };
  const names = new Set((spec.headers ?? []).map(([name]) => name.toLowerCase()));
  return {
    ...base,
    url: spec.url,
    healthPath: spec.healthPath ?? config.healthPath,
    routes,
    expectVersion: spec.expectVersion ?? config.expectVersion,
    headers: [...config.headers.filter(([name]) => !names.has(name.toLowerCase())), ...(spec.headers ?? [])],
    environment: spec.environment,
    waitForDeployment: spec.environment !== undefined,
    discover: discoverOf(config, spec),
    baseline: baselineOf(config, spec),
  };
}

/**
 * The target's own baseline (`baseline-url`, and `latency-budget`, per target), else the run's. The run's
 * `baseline-headers` rule holds for every baseline: a target's headers reach its baseline only when it says so.
 */
function baselineOf(config: GateConfig, spec: TargetSpec): GateConfig['baseline'] {
  const url = spec.settings['baseline-url'];
  const budget = spec.settings['latency-budget'];
  if (url === undefined && budget === undefined) return config.baseline;
  const parsedUrl = url === undefined ? undefined : parseBaseUrl(url);
  const baseUrl = parsedUrl?.ok ? parsedUrl.value : config.baseline?.url;
  if (!baseUrl) return undefined;
  const options = config.baseline ?? config.baselineOptions;
  if (!options) return undefined;
  const parsedBudget = budget === undefined ? undefined : parseLatencyBudget(budget);
  return {
    url: baseUrl,
    headers: options.headers,
    latencyBudget: parsedBudget?.ok ? parsedBudget.value : options.latencyBudget,
    failOnBreakage: options.failOnBreakage,
  };
}

/** The run's discover settings, with the target's own mode (read and checked in targets/config.ts). */
function discoverOf(config: GateConfig, spec: TargetSpec): GateConfig['discover'] {
  const mode = spec.settings['discover'];
  if (mode === undefined) return config.discover;
  const parsed = parseDiscoverMode(mode);
  return parsed.ok ? { ...config.discover, mode: parsed.value } : config.discover;
}

interface Planned {
  /** undefined: the run's own settings, with a glob that may match several deploys. */
  spec?: TargetSpec;
  name: string;
  config: GateConfig;
  positions: number[];
}

export async function runTargets(config: GateConfig, deps: TargetsDeps): Promise<Report> {
  const { clock, log, startedAt } = deps;
  const implicit = !config.targets;
  const specs: Array<TargetSpec | undefined> = config.targets ?? [undefined];
  const plans: Planned[] = [];
  for (const spec of specs) {
    const all = spec?.routes ?? config.routes;
    const split = config.shard
      ? routesOfShard(all, config.shard, spec?.name)
      : { routes: all, positions: all.map((_, i) => i) };
    // A target with none of its routes in this shard is another shard's to check.
    if (config.shard && split.routes.length === 0 && !implicit) continue;
    plans.push({
      spec,
      name: spec?.name ?? 'default',
      config: targetConfig(config, spec, split.routes),
      positions: split.positions,
    });
  }
  if (config.shard && !implicit)
    log.info(
      `shard ${config.shard.index}/${config.shard.count}: ${plans.map((p) => `${p.name} (${p.config.routes.length} routes)`).join(', ') || 'no routes'}`,
    );

  const waiting = plans.filter((p) => p.config.waitForDeployment);
  const settled = new Map<string, Promise<Waited[]>>();
  let waitAll: Promise<void> | undefined;
  if (waiting.length) {
    const resolvers = new Map<string, (found: Waited[]) => void>();
    for (const p of waiting) settled.set(p.name, new Promise((resolve) => resolvers.set(p.name, resolve)));
    waitAll = startWait(config, deps, waiting, (name, found) => resolvers.get(name)?.(found)).catch((error) => {
      // A bad token or a run outside Actions: every target waiting for a deployment gets the same answer.
      for (const resolve of resolvers.values()) resolve([{ kind: 'error', error }]);
    });
  }

  const limiter = new PoliteLimiter(config.concurrency, clock);
  const checks = plans.map(async (plan): Promise<TargetSection[]> => {
    const found = settled.has(plan.name) ? await settled.get(plan.name)! : [undefined];
    return Promise.all(
      found.map(async (wait) => {
        const environment = wait && wait.kind !== 'error' ? wait.deployment?.environment : undefined;
        // Several deploys behind one glob: each is named by its environment.
        const name = implicit || found.length > 1 ? (environment ?? plan.name) : plan.name;
        const prefixed = found.length > 1 || !implicit ? prefixLog(log, name) : log;
        const report = await checkOne(plan, wait, { ...deps, log: prefixed, limiter });
        return { name, ...(environment ? { environment } : {}), report: withShard(report, plan, config) };
      }),
    );
  });
  const sections = (await Promise.all(checks)).flat();
  await waitAll;
  // One glob, one deploy: exactly the report a run without targets makes.
  if (implicit && sections.length === 1)
    return { ...sections[0]!.report, ...(deps.origin ? { origin: deps.origin } : {}) };
  const report = combineTargets(sections, startedAt.toISOString(), clock.now());
  if (config.shard && !implicit) {
    report.shard = {
      index: config.shard.index,
      count: config.shard.count,
      positions: [],
      healthLabel: '',
      targets: config.targets!.map((t) => t.name),
    };
  }
  return deps.origin ? { ...report, origin: deps.origin } : report;
}

async function startWait(
  config: GateConfig,
  deps: TargetsDeps,
  waiting: Planned[],
  settle: (name: string, found: DeploymentWait[]) => void,
): Promise<void> {
  const github = deps.github?.();
  if (!github) {
    throw new ConfigError([
      {
        input: 'targets',
        message: 'a target with an environment waits for its GitHub deployment; give it a url outside GitHub Actions',
      },
    ]);
  }
  if (!deps.waitOnGitHub) throw new Error('the GitHub deployment wait was not given to this run');
  await deps.waitOnGitHub({
    config,
    github,
    clock: deps.clock,
    log: deps.log,
    signal: deps.signal,
    onSecrets: deps.onSecrets,
    wanted: waiting.map((p) => ({
      name: p.name,
      environment: p.config.environment,
      expand: !p.spec && isGlob(p.config.environment),
    })),
    settle,
  });
}

async function checkOne(
  plan: Planned,
  wait: Waited | undefined,
  deps: TargetsDeps & { limiter: PoliteLimiter },
): Promise<Report> {
  const { clock, startedAt } = deps;
  try {
    if (wait?.kind === 'error') throw wait.error;
    const deployment = await outcomeOf(plan, wait);
    const client = clientFor(plan.config, targetOf(plan.config, deployment), { ...deps, clock });
    // Each target compares with its own baseline (or the run's), through a client of the baseline's origin.
    const baselineClient = baselineClientFor(plan.config, { ...deps, clock });
    try {
      return await runGate(plan.config, {
        client,
        baselineClient,
        clock,
        log: deps.log,
        random: deps.random ?? Math.random,
        signal: deps.signal,
        deployment,
        startedAt,
        limiter: deps.limiter,
        seed: deps.seed,
      });
    } finally {
      await Promise.all([client.close(), baselineClient?.close()]).catch(() => undefined);
    }
  } catch (error) {
    return error instanceof ConfigError
      ? configErrorReport(error.issues, startedAt, clock.now())
      : faultReport(error, startedAt, clock.now());
  }
}

/** A finished wait, with the URL to check (the target's own, or the deployment's). */
async function outcomeOf(plan: Planned, wait: DeploymentWait | undefined): Promise<DeploymentOutcome | undefined> {
  if (!wait || wait.kind !== 'ready') return wait;
  return readyOutcome(wait.deployment, plan.config.url, plan.spec ? `targets (${plan.name})` : 'url');
}

/** What a merge needs of a shard's target: where its routes sit in the whole list, and its health label. */
function withShard(report: Report, plan: Planned, config: GateConfig): Report {
  if (!config.shard) return report;
  return {
    ...report,
    shard: {
      index: config.shard.index,
      count: config.shard.count,
      positions: plan.positions,
      healthLabel: `health ${plan.config.healthPath}`,
      ...(plan.config.expectVersion ? { expectVersion: plan.config.expectVersion } : {}),
    },
  };
}

function prefixLog(log: Logger, name: string): Logger {
  const tag = `[${name}] `;
  return {
    info: (m) => log.info(tag + m),
    warning: (m) => log.warning(tag + m),
    debug: (m) => log.debug(tag + m),
  };
}
