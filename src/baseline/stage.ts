import type { Clock } from '../clock.js';
import type { BaselineSettings, RouteSpec } from '../config/types.js';
import type { HttpClient } from '../http/client.js';
import type { Observation } from '../http/observation.js';
import type { PoliteLimiter } from '../limiter.js';
import type { Logger } from '../log.js';
import { resolveRoute, type RouteResult } from '../smoke.js';
import { pageReader } from '../assets/page-reader.js';
import { buildComparison } from './comparison.js';
import { checkBaselineSide, timeable, timeRoutes, type BaselineSide, type BaselineSideOptions } from './run.js';
import type { BaselineComparison } from './types.js';

/**
 * The baseline comparison as the gate runs it, loaded only by runs with a `baseline-url`: `start` asks the
 * baseline while the deploy's own routes are checked; `finish` times the routes that work on both sides
 * and builds the comparison. A function of one target's settings, so each target can have its own.
 */

export interface BaselineRun {
  settings: BaselineSettings;
  side: Promise<BaselineSide>;
  /** Scripts and stylesheets per page on the baseline (check-assets). */
  assets: Map<RouteSpec, number>;
}

/** What the baseline side needs (run.ts), with the run's health path as given and the check-assets switch. */
export type StartOptions = Omit<BaselineSideOptions, 'healthPath' | 'onAnswer'> & {
  healthPath: string;
  checkAssets: boolean;
};

export function startBaseline(options: StartOptions): BaselineRun {
  const assets = new Map<RouteSpec, number>();
  const side = checkBaselineSide({
    ...options,
    // An absolute health URL is the same endpoint for both sides: nothing to compare.
    healthPath: /^https?:\/\//i.test(options.healthPath) ? undefined : options.healthPath,
    onAnswer: options.checkAssets
      ? async (route, seen) => {
          const page = (await pageReader()).pageOf(route.label, seen);
          if (page) assets.set(route, page.refs.length);
        }
      : undefined,
  });
  return { settings: options.settings, side, assets };
}

export interface FinishOptions {
  run: BaselineRun;
  here: RouteResult[];
  hereHealth?: Observation;
  hereAssets?: Map<RouteSpec, number>;
  hereClient: HttpClient;
  baselineClient: HttpClient;
  baseUrl: URL;
  limiter: PoliteLimiter;
  clock: Clock;
  log: Logger;
  concurrency: number;
  random: () => number;
  signal?: AbortSignal;
}

export async function finishBaseline(options: FinishOptions): Promise<BaselineComparison> {
  const side = await options.run.side;
  const { settings } = options.run;
  const passedThere = new Set(side.routes.filter((r) => r.passed).map((r) => r.route));
  const timed = options.here
    .filter((r) => r.passed && passedThere.has(r.route) && timeable(r.route))
    .map((r) => ({
      route: r.route,
      hereUrl: resolveRoute(options.baseUrl, r.route.path),
      baselineUrl: resolveRoute(settings.url, r.route.path),
    }));
  const startedMs = options.clock.now();
  if (timed.length) options.log.info(`baseline: timing ${timed.length} route(s) on both sides, in simultaneous pairs`);
  const timings = await timeRoutes({
    routes: timed,
    here: options.hereClient,
    baseline: options.baselineClient,
    limiter: options.limiter,
    concurrency: options.concurrency,
    random: options.random,
    signal: options.signal,
    log: options.log,
  });
  const comparison = buildComparison({
    settings,
    here: options.here,
    hereHealth: options.hereHealth,
    side,
    timings,
    hereAssets: options.hereAssets,
    baselineAssets: options.run.assets,
    latencyMs: options.clock.now() - startedMs,
  });
  const { regressed, alreadyBroken, fixed, slower } = comparison.counts;
  options.log.info(
    comparison.available
      ? `baseline: ${regressed} regressed, ${slower} slower, ${alreadyBroken} already broken, ${fixed} fixed (${comparison.cost.baselineRequests} requests to the baseline, ${comparison.cost.extraRequestsHere} extra here)`
      : `baseline unavailable: ${comparison.unavailableReason}; the deploy is judged on its own`,
  );
  return comparison;
}
