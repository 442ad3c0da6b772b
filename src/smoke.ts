import pMap from 'p-map';
import { parseRetryAfter } from './backoff.js';
import type { Clock } from './clock.js';
import { expectsRedirect, statusAccepted } from './config/route-line.js';
import type { RouteSpec } from './config/types.js';
import type { HttpClient } from './http/client.js';
import { emptyObservation, type FailureKind, type Observation } from './http/observation.js';
import type { Logger } from './log.js';
import { testPattern } from './body-pattern.js';
import { softFailure } from './diagnosis/catalogue/match.js';
import { describeObservation } from './http/describe.js';

/**
 * Requests every public route (bounded concurrency), checks its expectations, and gives a route that
 * failed in a way that can clear up a couple more tries before calling it failed.
 */

export const ROUTE_BODY_LIMIT = 1024 * 1024;
/** What a RouteResult keeps of a body: enough for fingerprints and an excerpt, not the whole page. */
export const KEPT_BODY_CHARS = 8 * 1024;

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const RETRYABLE_KINDS = new Set<FailureKind>(['refused', 'reset', 'timeout', 'protocol', 'other']);
const RETRY_BASE_MS = 250;
const RETRY_AFTER_CAP_MS = 2_000;

export type RouteProblem =
  | { kind: 'transport' }
  | { kind: 'status'; expected: string }
  | { kind: 'body'; expected: string }
  /** The status passed, but the page is a known placeholder or default page, not the app. */
  | { kind: 'content'; expected: string };

export interface RouteResult {
  route: RouteSpec;
  url: string;
  passed: boolean;
  /** Passed only after a retry: a warning, not a failure. */
  flaky: boolean;
  attempts: number;
  /** What the earlier attempts saw, in words ("503 in 4ms"). */
  earlier: string[];
  problem?: RouteProblem;
  observation: Observation;
}

export interface SmokeOptions {
  client: HttpClient;
  clock: Clock;
  log: Logger;
  baseUrl: URL;
  routes: RouteSpec[];
  concurrency: number;
  retries: number;
  signal?: AbortSignal;
  random?: () => number;
  epochNow?: () => number;
  /** Sees each route's final answer whole, before its body is cut to KEPT_BODY_CHARS (check-assets). */
  onAnswer?: (route: RouteSpec, observation: Observation) => void | Promise<void>;
}

/** The route stage's own limit: generous for slow apps, short of "hangs for half an hour". */
export function smokeBudgetMs(requestTimeoutMs: number, retries: number): number {
  return Math.max(60_000, 3 * requestTimeoutMs * (retries + 1));
}

export async function runRoutes(options: SmokeOptions): Promise<RouteResult[]> {
  // Routes still waiting when the stage's budget (or the run) ends are reported as not checked, not lost.
  return pMap(options.routes, (route) => checkRoute(route, options), { concurrency: options.concurrency });
}

async function checkRoute(route: RouteSpec, options: SmokeOptions): Promise<RouteResult> {
  const url = resolveRoute(options.baseUrl, route.path);
  const random = options.random ?? Math.random;
  const earlier: string[] = [];
  if (options.signal?.aborted) return notChecked(route, url, options);
  for (let attempt = 1; ; attempt++) {
    const observation = await options.client.probe({
      method: route.method,
      url,
      headers: route.headers,
      followRedirects: !expectsRedirect(route.expect),
      maxBodyBytes: route.method === 'HEAD' ? 0 : ROUTE_BODY_LIMIT,
      signal: options.signal,
    });
    const problem = judge(route, observation);
    const canRetry = problem && attempt <= options.retries && retryable(observation) && !options.signal?.aborted;
    if (!canRetry) {
      const result: RouteResult = {
        route,
        url: url.href,
        passed: !problem,
        flaky: !problem && attempt > 1,
        attempts: attempt,
        earlier,
        problem,
        observation: { ...observation, body: observation.body.slice(0, KEPT_BODY_CHARS) },
      };
      if (!problem) await options.onAnswer?.(route, observation);
      const verdict = problem ? 'FAIL' : result.flaky ? 'flaky' : 'ok';
      options.log.info(`${verdict.padEnd(5)} ${route.label} · ${describeObservation(observation)}`);
      return result;
    }
    earlier.push(describeObservation(observation));
    const backoff = RETRY_BASE_MS * 2 ** (attempt - 1);
    const retryAfter = parseRetryAfter(observation.headers['retry-after'], (options.epochNow ?? Date.now)());
    const wait = Math.max(backoff / 2 + (random() * backoff) / 2, Math.min(retryAfter ?? 0, RETRY_AFTER_CAP_MS));
    await options.clock.sleep(wait, options.signal);
  }
}

function notChecked(route: RouteSpec, url: URL, options: SmokeOptions): RouteResult {
  return {
    route,
    url: url.href,
    passed: false,
    flaky: false,
    attempts: 0,
    earlier: [],
    problem: { kind: 'transport' },
    observation: {
      ...emptyObservation(route.method, url.href, options.clock.now()),
      error: {
        kind: 'cancelled',
        phase: 'connect',
        code: 'GATE_NOT_CHECKED',
        message: 'not checked: the stage ended first',
      },
    },
  };
}

/** A route path joined to the base URL, keeping the base's own path prefix (`https://x/app` + `/a`). */
export function resolveRoute(base: URL, path: string): URL {
  return new URL(base.origin + base.pathname.replace(/\/+$/, '') + path);
}

/** Why the route fails its expectations, or undefined when it passes. */
export function judge(route: RouteSpec, observation: Observation): RouteProblem | undefined {
  if (observation.error || observation.status === undefined) return { kind: 'transport' };
  const status = observation.status;
  const statusOk = route.expect ? statusAccepted(route.expect, status) : status >= 200 && status < 300;
  if (!statusOk) return { kind: 'status', expected: route.expect?.text ?? '2xx' };
  if (route.body?.kind === 'contains' && !observation.body.includes(route.body.text)) {
    return { kind: 'body', expected: `contains "${route.body.text}"` };
  }
  if (route.body?.kind === 'matches' && !testPattern(route.body.pattern, route.body.flags, observation.body)) {
    return { kind: 'body', expected: `matches /${route.body.pattern}/${route.body.flags}` };
  }
  // A body check says what the page must hold; without one, a known placeholder or shell page fails the route.
  const soft = route.body ? undefined : softFailure(observation, route.path);
  if (soft) return { kind: 'content', expected: soft.expected ?? `the app, not ${soft.who}'s own page` };
  return undefined;
}

function retryable(observation: Observation): boolean {
  if (observation.error) return RETRYABLE_KINDS.has(observation.error.kind);
  return RETRYABLE_STATUS.has(observation.status ?? 0);
}
