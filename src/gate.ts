import type { Clock } from './clock.js';
import { formatDuration } from './config/duration.js';
import type { ConfigIssue, GateConfig, RouteSpec } from './config/types.js';
import { checkAssets } from './assets/check.js';
import { diagnoseAssets } from './assets/diagnose.js';
import type { AssetCheck, PageInput } from './assets/types.js';
import { mayBePage } from './assets/judge.js';
import { pageReader } from './assets/page-reader.js';
import { assetWarnings } from './assets/summary.js';
import type { DeploymentOutcome } from './deploy/deployment.js';
import { alsoDeployedWarning } from './deploy/also-deployed.js';
import { diagnoseDeployment } from './diagnosis/deployment.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from './http/client.js';
import type { ResolveOverrides } from './http/connections.js';
import { keptText, type Observation } from './http/observation.js';
import type { Logger } from './log.js';
import { waitUntilReady } from './readiness.js';
import { VERSION, type Report } from './report/report.js';
import { KEPT_BODY_CHARS, resolveRoute, runRoutes, smokeBudgetMs, type RouteResult } from './smoke.js';
import { summarize, verdictOf } from './verdict.js';
import { PoliteLimiter } from './limiter.js';
import { DEFAULT_SETTLE_RULE } from './stability.js';
import { watchDeploy, type WatchResult } from './watch.js';
import type { ReadinessResult } from './readiness.js';
import type { BaselineComparison } from './baseline/types.js';
import type { Discovery } from './discover/types.js';

/** The sample's order when the run knows no commit (a local CLI run): fixed, so it still repeats. */
const DEFAULT_SEED = 'post-deploy-gate';

/**
 * The whole check, from a validated config to a Report, and the one place a Report is built: a checked
 * deploy, a failed or missing deployment, a bad configuration or a fault of our own. It takes its I/O as
 * arguments (HTTP client, clock, random source, logger, signal) and never throws.
 */

/** The margin past `timeout` for a look at routes on an origin that never answered readiness. */
export const EXPLAINING_LOOK_MS = 2_000;

export interface GateDeps {
  /** Made for this run's target (`clientFor`); the gate does not close it. */
  client: HttpClient;
  clock: Clock;
  log: Logger;
  /** Jitter for the backoff, and the name of the path that cannot exist. */
  random: () => number;
  signal?: AbortSignal;
  /** How the deploy stage ended (wait-for-deployment); its URL is the one checked. */
  deployment?: DeploymentOutcome;
  startedAt?: Date;
  /** Made for the baseline's origin (`baseline-url`), with only the headers `baseline-headers` allows. */
  baselineClient?: HttpClient;
  /** Orders the discovered sample (the commit's sha, so reruns check the same routes). */
  seed?: string;
  /** Shared by several targets checked at once (targets/), so one origin sees one polite client. */
  limiter?: PoliteLimiter;
}

/** Where a run sends its requests: the ready deployment's URL, or the `url` input. */
export function targetOf(config: GateConfig, deployment: DeploymentOutcome | undefined): URL | undefined {
  return deployment?.kind === 'ready' ? deployment.url : config.url;
}

/** What the HTTP client takes from the edge: `--resolve` overrides, test CAs, HTTP(S)_PROXY / NO_PROXY. */
export interface HttpExtras {
  clock: Clock;
  resolve?: ResolveOverrides;
  ca?: HttpClientOptions['ca'];
  proxy?: HttpClientOptions['proxy'];
}

/** The HTTP client a run uses: its timeouts, its headers (sent only to the target's origin), its concurrency. */
export function clientFor(config: GateConfig, target: URL | undefined, extras: HttpExtras): HttpClient {
  return createHttpClient({
    requestTimeoutMs: config.requestTimeoutMs,
    headers: config.headers,
    trustedOrigin: target?.origin,
    clock: extras.clock,
    resolve: extras.resolve,
    ca: extras.ca,
    proxy: extras.proxy,
    connectionsPerOrigin: config.concurrency,
    redirectHosts: config.allowRedirectHosts,
  });
}

/** The baseline's client: its own origin trusted, and only the headers `baseline-headers` allows. */
export function baselineClientFor(config: GateConfig, extras: HttpExtras): HttpClient | undefined {
  const baseline = config.baseline;
  if (!baseline) return undefined;
  return clientFor(
    { ...config, headers: baseline.headers === 'same' ? config.headers : baseline.headers },
    baseline.url,
    extras,
  );
}

/** runGate with a client made for the run and closed after it: what the action and the CLI call. */
export async function runGateWithHttp(
  config: GateConfig,
  deps: Omit<GateDeps, 'client' | 'random'> & Omit<HttpExtras, 'clock'>,
): Promise<Report> {
  const client = clientFor(config, targetOf(config, deps.deployment), deps);
  const baselineClient = baselineClientFor(config, deps);
  try {
    return await runGate(config, { ...deps, client, baselineClient, random: Math.random });
  } finally {
    await Promise.all([client.close(), baselineClient?.close()]).catch(() => undefined);
  }
}

export async function runGate(config: GateConfig, deps: GateDeps): Promise<Report> {
  const { clock, log, client, deployment } = deps;
  const startedAt = deps.startedAt ?? new Date();
  if (deployment && deployment.kind !== 'ready') {
    // Judged without a request to the site: the deployment itself failed or never appeared.
    const diagnoses = [diagnoseDeployment(deployment)];
    const findings = { routes: [], diagnoses };
    const { verdict, cause } = verdictOf(findings);
    return {
      ...reportBase(startedAt, clock.now()),
      verdict,
      cause,
      summary: summarize(verdict, findings),
      deployment: deployment.deployment,
      diagnoses,
    };
  }
  const baseUrl = targetOf(config, deployment)!;
  const healthUrl = healthUrlOf(baseUrl, config.healthPath);
  const limiter = deps.limiter ?? new PoliteLimiter(config.concurrency, clock);
  log.info(
    `waiting for ${healthUrl.href} to be ready (${config.successThreshold} healthy answers in a row, budget ${formatDuration(config.timeoutMs)})`,
  );
  const readiness = await waitUntilReady({
    client,
    clock,
    log,
    healthUrl,
    expectVersion: config.expectVersion,
    successThreshold: config.successThreshold,
    // The clock starts with the run: `timeout` covers the deployment wait and readiness together.
    deadlineMs: config.timeoutMs,
    budgetMs: config.timeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    random: deps.random,
    signal: deps.signal,
    // Loaded with the first unhealthy answer: a deploy that is ready at once never needs the catalogue.
    unbootable: async (observation) => (await import('./diagnosis/waiting.js')).unbootableKey(observation),
    deploymentSucceeded: deployment?.deployment?.state === 'success',
  });
  let routes: RouteResult[] = [];
  let assets: AssetCheck | undefined;
  let baseline: BaselineComparison | undefined;
  let discovery: Discovery | undefined;
  let checked = config.routes;
  if (config.discover.mode !== 'off' && readiness.ready && !deps.signal?.aborted) {
    // Loaded only by runs that discover: the XML parser and robots.txt rules are not needed otherwise.
    const [discover, where] = await Promise.all([import('./discover/index.js'), import('./discover/where.js')]);
    discovery = await where.discoverForRun(
      {
        client,
        limiter,
        clock,
        log,
        base: baseUrl,
        listed: config.routes,
        settings: config.discover,
        seed: deps.seed || DEFAULT_SEED,
        concurrency: config.concurrency,
        signal: deps.signal,
      },
      // With a baseline, on the baseline (production has the full sitemap); the same paths go to both.
      config.baseline && deps.baselineClient ? { url: config.baseline.url, client: deps.baselineClient } : undefined,
    );
    checked = [...config.routes, ...discover.discoveredRouteSpecs(discovery)];
  }
  if (readiness.ended !== 'cancelled') {
    const budgetMs = smokeBudgetMs(config.requestTimeoutMs, config.routeRetries);
    log.info(
      `checking ${checked.length} route(s), ${config.concurrency} at a time (stage budget ${formatDuration(budgetMs)})`,
    );
    const stage = AbortSignal.timeout(budgetMs);
    const stageSignal = deps.signal ? AbortSignal.any([deps.signal, stage]) : stage;
    const pages = new Map<RouteSpec, PageInput>();
    const rule = { ...DEFAULT_SETTLE_RULE, successThreshold: config.successThreshold };
    // The baseline is asked while the deploy's routes are checked (loaded only by runs that have one); a
    // deploy that never got ready fails on its own, with nothing to compare.
    const baselineStage =
      config.baseline && deps.baselineClient && readiness.ready ? await import('./baseline/stage.js') : undefined;
    const baselineRun = baselineStage?.startBaseline({
      settings: config.baseline!,
      client: deps.baselineClient!,
      clock,
      log,
      limiter,
      routes: checked,
      healthPath: config.healthPath,
      concurrency: config.concurrency,
      retries: config.routeRetries,
      rule,
      deadlineMs: clock.now() + budgetMs,
      signal: stageSignal,
      random: deps.random,
      checkAssets: config.checkAssets,
    });
    // Readiness spent the whole `timeout` without one HTTP answer from this origin (a stalled handshake, a
    // silent port): the look that explains the failure gets a short margin, not a full connect limit again,
    // so the step ends near `timeout`.
    const neverAnswered =
      !readiness.ready && readiness.last?.status === undefined && healthUrl.origin === baseUrl.origin;
    routes = await runRoutes({
      deadlineMs: clock.now() + budgetMs,
      rule,
      limiter,
      client,
      clock,
      log,
      baseUrl,
      routes: checked,
      concurrency: config.concurrency,
      // Not ready: the deploy had its whole budget already; look once, for evidence.
      retries: readiness.ready ? config.routeRetries : 0,
      requestTimeoutMs: neverAnswered ? Math.min(config.requestTimeoutMs, EXPLAINING_LOOK_MS) : undefined,
      signal: stageSignal,
      random: deps.random,
      onAnswer: config.checkAssets
        ? async (route, seen) => {
            // The HTML parser loads with the first answer that could be a page, not with every run.
            if (!mayBePage(seen)) return;
            const page = (await pageReader()).pageOf(route.label, seen);
            if (page) pages.set(route, page);
          }
        : undefined,
    });
    if (baselineStage && baselineRun) {
      const timingStage = AbortSignal.timeout(budgetMs);
      baseline = await baselineStage.finishBaseline({
        run: baselineRun,
        here: routes,
        hereHealth: readiness.lastHealthy,
        hereAssets: config.checkAssets
          ? new Map([...pages].map(([route, page]) => [route, page.refs.length]))
          : undefined,
        hereClient: client,
        baselineClient: deps.baselineClient!,
        baseUrl,
        limiter,
        clock,
        log,
        concurrency: config.concurrency,
        random: deps.random,
        signal: deps.signal ? AbortSignal.any([deps.signal, timingStage]) : timingStage,
      });
    }
    // Only a ready deploy's pages: otherwise the routes were looked at once, for evidence.
    if (config.checkAssets && readiness.ready && pages.size > 0 && !deps.signal?.aborted) {
      const assetStage = AbortSignal.timeout(budgetMs);
      assets = await checkAssets({
        client,
        clock,
        log,
        pages: checked.flatMap((route) => pages.get(route) ?? []),
        concurrency: config.concurrency,
        retries: config.routeRetries,
        signal: deps.signal ? AbortSignal.any([deps.signal, assetStage]) : assetStage,
        random: deps.random,
      });
    }
  }
  const notFoundProbe = await probeNotFound(client, baseUrl, routes, deps);
  const healthLabel = `health ${config.healthPath}`;
  // A deploy that was ready with every route passing has nothing to diagnose: the diagnosis and the
  // catalogue's signatures are loaded only by runs that found something.
  const clean = readiness.ready && routes.every((r) => r.passed) && !assets?.assets.some((a) => !a.passed);
  let diagnoses = clean
    ? []
    : (await import('./diagnosis/compare.js')).diagnose({
        baseUrl,
        healthLabel,
        readiness,
        routes,
        expectVersion: config.expectVersion,
        notFoundProbe,
        assets: diagnoseAssets(assets),
      });
  // With a baseline: routes broken there the same way do not count against this deploy, slower ones do.
  const judge = baseline ? await import('./baseline/judge.js') : undefined;
  const excused = judge?.excusedRoutes(baseline) ?? new Set<string>();
  if (judge) diagnoses = judge.judgedDiagnoses(diagnoses, baseline);
  const counted = excused.size ? routes.filter((r) => !excused.has(r.route.label)) : routes;
  let watch: WatchResult | undefined;
  if (
    config.watchMs > 0 &&
    !deps.signal?.aborted &&
    verdictOf({ readiness, routes: counted, diagnoses, assets }).verdict === 'pass'
  ) {
    watch = await watchDeploy({
      client,
      clock,
      log,
      healthUrl,
      healthLabel,
      baseUrl,
      routes: excused.size ? config.routes.filter((route) => !excused.has(route.label)) : config.routes,
      windowMs: config.watchMs,
      requestTimeoutMs: config.requestTimeoutMs,
      limiter,
      expectVersion: config.expectVersion,
      signal: deps.signal,
      random: deps.random,
    });
    const degraded =
      watch.ended === 'degraded'
        ? (await import('./diagnosis/watch.js')).watchDiagnosis(watch, {
            baseUrl,
            healthLabel,
            readyAtMs: readiness.readyAtMs,
            expectVersion: config.expectVersion,
          })
        : undefined;
    if (degraded) diagnoses = [degraded];
  }
  const cancelled = deps.signal?.aborted ?? false;
  const findings = { readiness, routes: counted, diagnoses, assets, watch };
  const { verdict, cause } = cancelled ? { verdict: 'error' as const, cause: undefined } : verdictOf(findings);
  const warnings = [...routes.filter((r) => r.flaky).map(settledWarning), ...assetWarnings(assets)];
  if (deployment?.deployment?.alsoDeployed) warnings.push(alsoDeployedWarning(deployment.deployment));
  if (config.discover.mode !== 'off' && !discovery && !cancelled)
    warnings.push(`discover (${config.discover.mode}) did not run: the deploy never got ready`);
  return {
    ...reportBase(startedAt, clock.now()),
    verdict,
    cause,
    summary: cancelled
      ? `Cancelled after ${formatDuration(clock.now())}, ${watch ? watchSoFar(watch, readiness) : 'before a verdict'} (the runner stopped the job).`
      : summarize(verdict, findings) + (judge?.baselineSentence(baseline) ?? ''),
    cancelled: cancelled || undefined,
    url: baseUrl.href,
    healthUrl: healthUrl.href,
    readyAfterMs: readiness.readyAtMs,
    settings: {
      timeoutMs: config.timeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      successThreshold: config.successThreshold,
      concurrency: config.concurrency,
      retries: config.routeRetries,
      checkAssets: config.checkAssets,
      expectVersion: config.expectVersion,
      headerNames: config.headers.map(([name]) => name),
    },
    readiness,
    routes,
    diagnoses: cancelled ? [] : diagnoses,
    assets,
    ...(discovery ? { discovery } : {}),
    warnings,
    deployment: deployment?.deployment,
    ...(watch ? { watch } : {}),
    ...(baseline ? { baseline } : {}),
    ...(notFoundProbe ? { notFoundProbe } : {}),
  };
}

/** "/ warmed up after 2.4 s: 6 bad answers (503), then 2 good in a row". */
function settledWarning(r: RouteResult): string {
  const bad = r.samples.filter((s) => !s.good);
  const kinds = [...new Set(bad.map((s) => s.outcome.replace(/ in \d+(\.\d+)?m?s$/, '')))].slice(0, 3);
  const good = r.samples.length - r.samples.findLastIndex((s) => !s.good) - 1;
  const warmed = r.warmedUpMs !== undefined ? `warmed up after ${formatDuration(r.warmedUpMs)}` : 'settled';
  return `${r.route.label} ${warmed}: ${bad.length} bad answer${bad.length === 1 ? '' : 's'} (${kinds.join(', ')}), then ${good} good in a row`;
}

/** What a watch cut short by cancellation had seen. */
function watchSoFar(watch: WatchResult, readiness: ReadinessResult): string {
  const span = formatDuration(watch.endedAtMs - watch.startedAtMs);
  const seen = watch.badAnswers
    ? `${watch.badAnswers} of ${watch.requests} answers bad, first at ${formatDuration(watch.firstBadAtMs! - watch.startedAtMs)}`
    : 'all healthy';
  return `during the watch: the deploy had passed (ready at ${formatDuration(readiness.readyAtMs ?? 0)}), then ${watch.rounds} rounds in ${span} of ${formatDuration(watch.windowMs)} were ${seen}`;
}

/**
 * One request to a path that cannot exist, made only when a route answered 404: it shows what this
 * deploy's ordinary "not found" looks like, which tells a missing route from a rule elsewhere.
 */
async function probeNotFound(
  client: HttpClient,
  baseUrl: URL,
  routes: RouteResult[],
  deps: GateDeps,
): Promise<Observation | undefined> {
  const missing = routes.some((r) => !r.passed && (r.observation.status === 404 || r.observation.status === 410));
  if (!missing || deps.signal?.aborted) return undefined;
  const path = `/__post-deploy-gate-${randomHex(deps.random, 12)}`;
  deps.log.info(`probing ${path} to learn this deploy's own 404`);
  const seen = await client.probe({
    method: 'GET',
    url: resolveRoute(baseUrl, path),
    followRedirects: true,
    maxBodyBytes: 64 * 1024,
    signal: deps.signal,
  });
  return { ...seen, body: keptText(seen.body, KEPT_BODY_CHARS) };
}

export function healthUrlOf(base: URL, healthPath: string): URL {
  return /^https?:\/\//i.test(healthPath) ? new URL(healthPath) : resolveRoute(base, healthPath);
}

/** A bad configuration: nothing was requested. */
export function configErrorReport(issues: ConfigIssue[], startedAt: Date, durationMs: number): Report {
  const names = [...new Set(issues.map((i) => i.input.split(' ')[0]))].join(', ');
  return {
    ...reportBase(startedAt, durationMs),
    verdict: 'error',
    cause: 'config-error',
    summary: `Invalid configuration (${names}): ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was requested.`,
    configIssues: issues,
  };
}

/** A fault of our own: the deploy was not judged. */
export function faultReport(error: unknown, startedAt: Date, durationMs: number): Report {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : `non-Error thrown: ${String(error)}`;
  return {
    ...reportBase(startedAt, durationMs),
    verdict: 'error',
    summary: 'post-deploy-gate failed internally; the deploy was not judged.',
    fault: message,
  };
}

function reportBase(startedAt: Date, durationMs: number): Omit<Report, 'verdict' | 'summary'> {
  return {
    tool: 'post-deploy-gate',
    version: VERSION,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    routes: [],
    diagnoses: [],
    warnings: [],
  };
}

function randomHex(random: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(random() * 16).toString(16);
  return text;
}
