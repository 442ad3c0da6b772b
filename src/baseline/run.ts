import pMap from 'p-map';
import type { Clock } from '../clock.js';
import type { BaselineSettings, RouteSpec } from '../config/types.js';
import type { HttpClient } from '../http/client.js';
import type { Observation } from '../http/observation.js';
import type { PoliteLimiter } from '../limiter.js';
import type { Logger } from '../log.js';
import { resolveRoute, runRoutes, sampleRoute, type RouteResult } from '../smoke.js';
import type { SettleRule } from '../stability.js';

/**
 * The baseline's side of the run: its health once, and the same routes judged by the same rules, started
 * together with the deploy's own route stage so that both sides see the same network at the same time.
 * Its requests go through the run's limiter (its own origin, the same politeness) and its own client: the
 * run's headers reach the baseline only when `baseline-headers` says so.
 */

export interface BaselineSideOptions {
  settings: BaselineSettings;
  /** Made for the baseline's origin, with the headers `baseline-headers` allows. */
  client: HttpClient;
  clock: Clock;
  log: Logger;
  limiter: PoliteLimiter;
  routes: RouteSpec[];
  /** The health path, when it is a path (an absolute health URL is the same endpoint on both sides). */
  healthPath?: string;
  concurrency: number;
  retries: number;
  rule: SettleRule;
  deadlineMs: number;
  signal?: AbortSignal;
  random: () => number;
  /** Sees each passing answer whole (the page's asset references, for check-assets). */
  onAnswer?: (route: RouteSpec, observation: Observation) => void | Promise<void>;
}

export interface BaselineSide {
  health?: Observation;
  routes: RouteResult[];
  /** Routes not asked on the baseline, and why. */
  skipped: Map<RouteSpec, string>;
}

export async function checkBaselineSide(options: BaselineSideOptions): Promise<BaselineSide> {
  const { settings, client, limiter } = options;
  const skipped = new Map<RouteSpec, string>();
  // A route's own headers may be what makes it answer; without them the baseline is asked another question.
  const asked = options.routes.filter((route) => {
    if (settings.headers === 'same' || route.headers.length === 0) return true;
    skipped.set(route, 'its own headers are not sent to the baseline (baseline-headers: true sends them)');
    return false;
  });
  options.log.info(`baseline: checking ${asked.length} route(s) on ${settings.url.origin} alongside the deploy`);
  const healthUrl = options.healthPath ? resolveRoute(settings.url, options.healthPath) : undefined;
  const [health, routes] = await Promise.all([
    healthUrl
      ? limiter.run(
          healthUrl,
          () =>
            client.probe({
              method: 'GET',
              url: healthUrl,
              followRedirects: true,
              maxBodyBytes: 64 * 1024,
              signal: options.signal,
            }),
          options.signal,
        )
      : undefined,
    runRoutes({
      client,
      clock: options.clock,
      log: prefixed(options.log),
      baseUrl: settings.url,
      routes: asked,
      concurrency: options.concurrency,
      retries: options.retries,
      rule: options.rule,
      deadlineMs: options.deadlineMs,
      limiter,
      signal: options.signal,
      random: options.random,
      onAnswer: options.onAnswer,
    }),
  ]);
  return { health: health ? { ...health, body: health.body.slice(0, 2048) } : undefined, routes, skipped };
}

function prefixed(log: Logger): Logger {
  return { ...log, info: (message) => log.info(`baseline: ${message}`) };
}

/** Timing samples per side and route, and the most timing requests a run makes (both sides together). */
export const LATENCY_SAMPLES = 12;
export const MIN_LATENCY_SAMPLES = 8;
export const MAX_LATENCY_REQUESTS = 240;
/** Methods timed by repeating them: safe ones only (a POST is never sent a dozen more times). */
const TIMED_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface TimingOptions {
  routes: ReadonlyArray<{ route: RouteSpec; hereUrl: URL; baselineUrl: URL }>;
  here: HttpClient;
  baseline: HttpClient;
  limiter: PoliteLimiter;
  concurrency: number;
  random: () => number;
  signal?: AbortSignal;
  log: Logger;
}

export interface RouteTiming {
  route: RouteSpec;
  hereMs: number[];
  baselineMs: number[];
  /** A bad answer while timing: the samples are not judged. */
  badAnswer?: string;
  /** Not timed (the run's cap, or an unsafe method). */
  skipped?: string;
}

/** Whether a route may be timed by repeating it. */
export function timeable(route: RouteSpec): boolean {
  return TIMED_METHODS.has(route.method);
}

/** How many samples per side each route gets, and how many routes are timed at all, within the cap. */
export function samplePlan(routes: number): { perSide: number; timed: number } {
  if (routes === 0) return { perSide: 0, timed: 0 };
  const perSide = Math.max(
    MIN_LATENCY_SAMPLES,
    Math.min(LATENCY_SAMPLES, Math.floor(MAX_LATENCY_REQUESTS / (2 * routes))),
  );
  return { perSide, timed: Math.min(routes, Math.floor(MAX_LATENCY_REQUESTS / (2 * perSide))) };
}

/**
 * Timing samples for routes that work on both sides, taken in pairs (here and baseline at the same time,
 * which one starts first drawn at random): both sides share every moment of network and runner noise, and
 * neither always goes first. The time counted is the answer's own: connection set-up
 * (DNS, TCP, TLS) is taken out, since how often a socket is reused is the client's doing, not the deploy's.
 */
export async function timeRoutes(options: TimingOptions): Promise<RouteTiming[]> {
  const plan = samplePlan(options.routes.length);
  return pMap(
    options.routes,
    async ({ route, hereUrl, baselineUrl }, index): Promise<RouteTiming> => {
      const timing: RouteTiming = { route, hereMs: [], baselineMs: [] };
      if (index >= plan.timed) {
        timing.skipped = `not timed: a run times at most ${plan.timed} routes (${MAX_LATENCY_REQUESTS} requests)`;
        return timing;
      }
      for (let pair = 0; pair < plan.perSide && !timing.badAnswer; pair++) {
        // Both sides of a pair at once (two origins, so neither waits for the other): the same moment of
        // network and runner noise for both, at half the time of taking them one after the other.
        const sides = options.random() < 0.5 ? (['here', 'baseline'] as const) : (['baseline', 'here'] as const);
        const answers = await Promise.all(
          sides.map((side) =>
            sampleRoute(route, side === 'here' ? hereUrl : baselineUrl, {
              client: side === 'here' ? options.here : options.baseline,
              limiter: options.limiter,
              signal: options.signal,
            }),
          ),
        );
        if (answers.some((seen) => !seen)) return timing;
        answers.forEach((seen, index) => {
          const side = sides[index]!;
          if (seen!.problem) {
            timing.badAnswer ??= `a bad answer ${side === 'here' ? 'here' : 'on the baseline'} while timing (${seen!.observation.status ?? seen!.observation.error?.code})`;
            return;
          }
          (side === 'here' ? timing.hereMs : timing.baselineMs).push(answerMs(seen!.observation));
        });
      }
      return timing;
    },
    { concurrency: options.concurrency },
  );
}

/** The answer's time without connection set-up. */
export function answerMs(observation: Observation): number {
  const { totalMs, dnsMs = 0, connectMs = 0, tlsMs = 0 } = observation.timings;
  return Math.max(0, totalMs - dnsMs - connectMs - tlsMs);
}
