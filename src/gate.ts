import type { Clock } from './clock.js';
import type { GateConfig } from './config/types.js';
import { CAUSE_INFO, type CauseId, type Verdict } from './diagnosis/causes.js';
import { diagnose, type Diagnosis } from './diagnosis/compare.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from './http/client.js';
import type { ResolveOverrides } from './http/connections.js';
import type { Logger } from './log.js';
import { waitUntilReady, type ReadinessResult } from './readiness.js';
import { VERSION, type DeploymentInfo, type Report } from './report/report.js';
import { formatSeconds, KEPT_BODY_CHARS, resolveRoute, runRoutes, smokeBudgetMs, type RouteResult } from './smoke.js';
import type { Observation } from './http/observation.js';
import { randomBytes } from 'node:crypto';
import { PoliteLimiter } from './limiter.js';
import { unbootableKey } from './diagnosis/waiting.js';
import { watchDiagnosis } from './diagnosis/watch.js';
import { watchDeploy, type WatchResult } from './watch.js';
import { formatDuration } from './config/duration.js';
import { DEFAULT_SETTLE_RULE } from './stability.js';

/** The whole check, from a validated config to a Report. It takes its I/O as arguments and never throws. */

export interface GateDeps {
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
  resolve?: ResolveOverrides;
  ca?: HttpClientOptions['ca'];
  random?: () => number;
  /** The base URL when it comes from elsewhere (the GitHub deployment). */
  url?: URL;
  /** The GitHub deployment waited for, to show in the report. */
  deployment?: DeploymentInfo;
  startedAt?: Date;
}

export async function runGate(config: GateConfig, deps: GateDeps): Promise<Report> {
  const { clock, log } = deps;
  const startedAt = (deps.startedAt ?? new Date()).toISOString();
  const baseUrl = deps.url ?? config.url!;
  const healthUrl = healthUrlOf(baseUrl, config.healthPath);
  const client: HttpClient = createHttpClient({
    requestTimeoutMs: config.requestTimeoutMs,
    headers: config.headers,
    trustedOrigin: baseUrl.origin,
    clock,
    resolve: deps.resolve,
    ca: deps.ca,
    connectionsPerOrigin: config.concurrency,
  });
  const limiter = new PoliteLimiter(config.concurrency, clock);
  try {
    log.info(
      `waiting for ${healthUrl.href} to be ready (${config.successThreshold} healthy answers in a row, budget ${Math.round(config.timeoutMs / 1000)}s)`,
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
      unbootable: unbootableKey,
      deploymentSucceeded: deps.deployment?.state === 'success',
    });
    let routes: RouteResult[] = [];
    if (readiness.ended !== 'cancelled') {
      const budgetMs = smokeBudgetMs(config.requestTimeoutMs, config.routeRetries);
      log.info(
        `checking ${config.routes.length} route(s), ${config.concurrency} at a time (stage budget ${Math.round(budgetMs / 1000)}s)`,
      );
      const stage = AbortSignal.timeout(budgetMs);
      routes = await runRoutes({
        deadlineMs: clock.now() + budgetMs,
        rule: { ...DEFAULT_SETTLE_RULE, successThreshold: config.successThreshold },
        limiter,
        client,
        clock,
        log,
        baseUrl,
        routes: config.routes,
        concurrency: config.concurrency,
        // Not ready: the deploy had its whole budget already; look once, for evidence.
        retries: readiness.ready ? config.routeRetries : 0,
        signal: deps.signal ? AbortSignal.any([deps.signal, stage]) : stage,
        random: deps.random,
      });
    }
    const notFoundProbe = await probeNotFound(client, baseUrl, routes, deps);
    const healthLabel = `health ${config.healthPath}`;
    let diagnoses = diagnose({
      baseUrl,
      healthLabel,
      readiness,
      routes,
      expectVersion: config.expectVersion,
      notFoundProbe,
    });
    let watch: WatchResult | undefined;
    if (config.watchMs > 0 && !deps.signal?.aborted && verdictOf(readiness, routes, diagnoses).verdict === 'pass') {
      watch = await watchDeploy({
        client,
        clock,
        log,
        healthUrl,
        healthLabel,
        baseUrl,
        routes: config.routes,
        windowMs: config.watchMs,
        requestTimeoutMs: config.requestTimeoutMs,
        limiter,
        expectVersion: config.expectVersion,
        signal: deps.signal,
        random: deps.random,
      });
      const degraded = watchDiagnosis(watch, {
        baseUrl,
        healthLabel,
        readyAtMs: readiness.readyAtMs,
        expectVersion: config.expectVersion,
      });
      if (degraded) diagnoses = [degraded];
    }
    const cancelled = deps.signal?.aborted ?? false;
    const { verdict, cause } = cancelled
      ? { verdict: 'error' as const, cause: undefined }
      : verdictOf(readiness, routes, diagnoses);
    const warnings = routes.filter((r) => r.flaky).map(settledWarning);
    return {
      tool: 'post-deploy-gate',
      version: VERSION,
      verdict,
      cause,
      summary: cancelled
        ? `Cancelled after ${(clock.now() / 1000).toFixed(1)}s, ${watch ? watchSoFar(watch, readiness) : 'before a verdict'} (the runner stopped the job).`
        : summarize(verdict, readiness, routes, diagnoses, watch),
      cancelled: cancelled || undefined,
      url: baseUrl.href,
      healthUrl: healthUrl.href,
      startedAt,
      durationMs: Math.round(clock.now()),
      readyAfterMs: readiness.readyAtMs,
      settings: {
        timeoutMs: config.timeoutMs,
        requestTimeoutMs: config.requestTimeoutMs,
        successThreshold: config.successThreshold,
        concurrency: config.concurrency,
        retries: config.routeRetries,
        expectVersion: config.expectVersion,
        headerNames: config.headers.map(([name]) => name),
      },
      readiness,
      routes,
      diagnoses: cancelled ? [] : diagnoses,
      warnings,
      deployment: deps.deployment,
      ...(watch ? { watch } : {}),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
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
  const path = `/__post-deploy-gate-${randomBytes(6).toString('hex')}`;
  deps.log.info(`probing ${path} to learn this deploy's own 404`);
  const seen = await client.probe({
    method: 'GET',
    url: resolveRoute(baseUrl, path),
    followRedirects: true,
    maxBodyBytes: 64 * 1024,
    signal: deps.signal,
  });
  return { ...seen, body: seen.body.slice(0, KEPT_BODY_CHARS) };
}

export function healthUrlOf(base: URL, healthPath: string): URL {
  return /^https?:\/\//i.test(healthPath) ? new URL(healthPath) : resolveRoute(base, healthPath);
}

function verdictOf(
  readiness: ReadinessResult,
  routes: RouteResult[],
  diagnoses: Diagnosis[],
): { verdict: Verdict; cause?: CauseId } {
  if (readiness.ended === 'cancelled') return { verdict: 'error' };
  const blocking = diagnoses.filter((d) => !CAUSE_INFO[d.cause].inconclusive);
  if (blocking.length > 0) return { verdict: 'fail', cause: blocking[0]!.cause };
  if (diagnoses.length > 0) return { verdict: 'inconclusive', cause: diagnoses[0]!.cause };
  if (readiness.ready && routes.every((r) => r.passed)) return { verdict: 'pass' };
  return { verdict: 'fail', cause: 'health-failing' };
}

function summarize(
  verdict: Verdict,
  readiness: ReadinessResult,
  routes: RouteResult[],
  diagnoses: Diagnosis[],
  watch?: WatchResult,
): string {
  if (readiness.ended === 'cancelled') return 'The run was cancelled before the deploy was ready.';
  if (verdict === 'pass') {
    const warmed = routes.filter((r) => r.flaky).length;
    const ready = ((readiness.readyAtMs ?? 0) / 1000).toFixed(1);
    const watched = watch
      ? `; watched for ${formatDuration(watch.endedAtMs - watch.startedAtMs)}: ${watch.rounds} rounds, ${watch.badAnswers ? `${watch.badAnswers} bad answer(s), none lasting` : 'all healthy'}`
      : '';
    return `Ready after ${ready}s; ${routes.length} route${routes.length === 1 ? '' : 's'} OK${warmed ? ` (${warmed} warmed up)` : ''}${watched}.`;
  }
  return diagnoses[0]?.headline.replaceAll('`', '') ?? 'The deploy did not pass.';
}

/** "/ warmed up after 2.4 s: 503 ×6, then 2 good answers in a row". */
function settledWarning(r: RouteResult): string {
  const bad = r.samples.filter((s) => !s.good);
  const kinds = [...new Set(bad.map((s) => s.outcome.replace(/ in \d+(\.\d+)?m?s$/, '')))].slice(0, 3);
  const good = r.samples.length - r.samples.findLastIndex((s) => !s.good) - 1;
  const warmed = r.warmedUpMs !== undefined ? `warmed up after ${formatSeconds(r.warmedUpMs)}` : 'settled';
  return `${r.route.label} ${warmed}: ${bad.length} bad answer${bad.length === 1 ? '' : 's'} (${kinds.join(', ')}), then ${good} good in a row`;
}

/** What a watch cut short by cancellation had seen. */
function watchSoFar(watch: WatchResult, readiness: ReadinessResult): string {
  const span = formatDuration(watch.endedAtMs - watch.startedAtMs);
  const ready = ((readiness.readyAtMs ?? 0) / 1000).toFixed(1);
  const seen = watch.badAnswers
    ? `${watch.badAnswers} of ${watch.requests} answers bad, first at ${formatDuration(watch.firstBadAtMs! - watch.startedAtMs)}`
    : 'all healthy';
  return `during the watch: the deploy had passed (ready at ${ready}s), then ${watch.rounds} rounds in ${span} of ${formatDuration(watch.windowMs)} were ${seen}`;
}
