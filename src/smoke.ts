import { parseRetryAfter } from './backoff.js';
import type { Clock } from './clock.js';
import { expectsRedirect, statusAccepted } from './config/route-line.js';
import type { RouteSpec } from './config/types.js';
import type { HttpClient } from './http/client.js';
import { emptyObservation, keptText, type FailureKind, type Observation } from './http/observation.js';
import type { Logger } from './log.js';
import { testPattern } from './body-pattern.js';
import { softFailure } from './diagnosis/catalogue/match.js';
import { describeObservation } from './http/describe.js';
import { formatDuration } from './config/duration.js';
import { PoliteLimiter } from './limiter.js';
import { mayBePageType } from './assets/judge.js';
import { MAX_PARSED_TAGS } from './assets/limits.js';
import { tagCap } from './html/tags.js';
import { DEFAULT_SETTLE_RULE, sampleDelay, settle, type Sample, type SettleRule } from './stability.js';

/**
 * Requests every public route (bounded concurrency), checks its expectations, and gives a route that
 * failed in a way that can clear up a couple more tries before calling it failed.
 */

export const ROUTE_BODY_LIMIT = 1024 * 1024;
/**
 * What is read of a body that nothing needs whole (no body check, not a page check-assets reads): the
 * placeholder catalogue and the evidence read a page's start. Past it the read ends, as it does at
 * ROUTE_BODY_LIMIT: a megabyte nobody reads is not downloaded, gathered or decoded.
 */
export const ROUTE_EXCERPT_BYTES = 64 * 1024;
const EXCERPT_READ = { bytes: ROUTE_EXCERPT_BYTES };
/** A page check-assets reads: as far as the tags its parser reads (made anew per answer: it counts). */
const PAGE_READ = () => ({ bytes: ROUTE_BODY_LIMIT, stop: tagCap(MAX_PARSED_TAGS) });
/** What a RouteResult keeps of a body: enough for fingerprints and an excerpt, not the whole page. */
export const KEPT_BODY_CHARS = 8 * 1024;

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const RETRYABLE_KINDS = new Set<FailureKind>(['refused', 'reset', 'timeout', 'protocol', 'other']);

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
  /** Passed only after bad answers (warmed up, or a limiter let up): a note, not a failure. */
  flaky: boolean;
  attempts: number;
  /** What the earlier attempts saw, in words ("503 in 4ms"). */
  earlier: string[];
  problem?: RouteProblem;
  observation: Observation;
  /** Every answer this route got, in order (one when the first was good). */
  samples: Sample[];
  /** From the first bad answer to the start of the good run that passed it. */
  warmedUpMs?: number;
  /** Good and bad answers kept alternating: `bad` of `total` answers failed. */
  intermittent?: { bad: number; total: number };
}

export interface SmokeOptions {
  client: HttpClient;
  clock: Clock;
  log: Logger;
  baseUrl: URL;
  routes: RouteSpec[];
  concurrency: number;
  /** 0: judge each route from one answer (the deploy never got ready); otherwise sample until stable. */
  retries: number;
  /** A shorter limit per request than the client's (the look at an origin that never answered). */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  random?: () => number;
  epochNow?: () => number;
  /** Clock time at which the stage must be over; sampling windows end before it. */
  deadlineMs?: number;
  rule?: SettleRule;
  /** Shared with the watch, so both stay polite to the same origin. */
  limiter?: PoliteLimiter;
  /**
   * Sees each route's passing answer before its body is cut to KEPT_BODY_CHARS (check-assets): read up to
   * the tags the HTML parser reads when it may be a page (HTML, or no content type), else its first
   * ROUTE_EXCERPT_BYTES.
   */
  onAnswer?: (route: RouteSpec, observation: Observation) => void | Promise<void>;
}

/** The route stage's own limit: generous for slow apps, short of "hangs for half an hour". */
export function smokeBudgetMs(requestTimeoutMs: number, retries: number): number {
  return Math.max(60_000, 3 * requestTimeoutMs * (retries + 1));
}

export async function runRoutes(options: SmokeOptions): Promise<RouteResult[]> {
  // In-flight requests are bounded per origin by the limiter, not here: a route waiting between samples
  // holds no request slot. Routes still waiting when the stage's budget (or the run) ends are reported as not
  // checked, not lost.
  const limiter = options.limiter ?? new PoliteLimiter(options.concurrency, options.clock);
  const withLimiter = { ...options, limiter };
  // A few routes per slot: one waiting between samples does not hold up the others, and a thousand
  // routes do not all start at once. A plain pool of workers (not p-map): at a thousand routes whose first
  // answer is good, its per-item bookkeeping was a measurable share of the stage.
  const results: RouteResult[] = new Array(options.routes.length);
  let next = 0;
  const worker = async () => {
    while (next < options.routes.length) {
      const index = next++;
      results[index] = await checkRoute(options.routes[index]!, withLimiter);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.routes.length, options.concurrency * 4) }, worker));
  return results;
}

/** One request for a route, within the origin's limits; undefined when the stage ended before it started. */
export async function sampleRoute(
  route: RouteSpec,
  url: URL,
  options: Pick<SmokeOptions, 'client' | 'signal' | 'requestTimeoutMs' | 'onAnswer'> & { limiter: PoliteLimiter },
): Promise<{ observation: Observation; problem?: RouteProblem } | undefined> {
  // A body check reads the body whole; so does check-assets, for an answer that may be a page.
  const whole = route.body !== undefined;
  const pages = options.onAnswer !== undefined;
  const seen = await options.limiter.run(
    url,
    () =>
      options.client.probe({
        method: route.method,
        url,
        headers: route.headers,
        followRedirects: route.followRedirects ?? !expectsRedirect(route.expect),
        maxBodyBytes: route.method === 'HEAD' ? 0 : ROUTE_BODY_LIMIT,
        ...(whole ? {} : { bodyWanted: (headers) => (pages && mayBePageType(headers) ? PAGE_READ() : EXCERPT_READ) }),
        signal: options.signal,
        ...(options.requestTimeoutMs !== undefined ? { timeoutMs: options.requestTimeoutMs } : {}),
      }),
    options.signal,
  );
  if (!seen) return undefined;
  return { observation: seen, problem: judge(route, seen) };
}

async function checkRoute(route: RouteSpec, options: SmokeOptions & { limiter: PoliteLimiter }): Promise<RouteResult> {
  const url = resolveRoute(options.baseUrl, route.path);
  const random = options.random ?? Math.random;
  const rule = options.rule ?? DEFAULT_SETTLE_RULE;
  const { clock, limiter } = options;
  const samples: Sample[] = [];
  let last: { observation: Observation; problem?: RouteProblem } | undefined;
  let lastBad: { observation: Observation; problem?: RouteProblem } | undefined;
  let windowEndMs = Number.POSITIVE_INFINITY;
  let pushedBackAtMs: number | undefined;
  for (;;) {
    if (options.signal?.aborted && samples.length === 0) return notChecked(route, url, options);
    const seen = options.signal?.aborted ? undefined : await sampleRoute(route, url, options);
    if (!seen) {
      if (!last) return notChecked(route, url, options);
      break;
    }
    last = seen;
    const { observation, problem } = seen;
    const sample = toSample(observation, !problem);
    samples.push(sample);
    if (problem) {
      lastBad = seen;
      if (samples.length === 1) {
        // The first bad answer opens the settle window, cut so the stage can still finish in time.
        const stageEnd = (options.deadlineMs ?? Number.POSITIVE_INFINITY) - 1_000;
        windowEndMs = Math.min(sample.atMs + rule.settleMs, stageEnd);
      }
      if (observation.status === 429) limiter.slowDown(url, sample.atMs, retryAfterOf(observation, options));
      else if (observation.status === 503) pushedBackAtMs ??= sample.atMs;
    } else {
      limiter.good(url);
      // A 503 that cleared on a slower retry reads as a limiter: be slower with this origin from now on.
      if (pushedBackAtMs !== undefined) limiter.slowDown(url, pushedBackAtMs);
      pushedBackAtMs = undefined;
    }
    if (samples.length === 1 && !problem) break;
    if (samples.length === 1 && (options.retries === 0 || !retryable(observation))) break;
    const decision = settle(samples, { ...rule }, clock.now(), windowEndMs);
    if (decision.state !== 'sampling') break;
    let wait = sampleDelay(samples, random);
    const retryAfter = problem ? retryAfterOf(observation, options) : undefined;
    // The server's Retry-After is honoured when it fits the window; longer, our own pace applies.
    if (retryAfter !== undefined && clock.now() + retryAfter < windowEndMs) {
      sample.retryAfterMs = retryAfter;
      wait = Math.max(wait, retryAfter);
    }
    wait = Math.max(0, Math.min(wait, windowEndMs - clock.now()));
    sample.waitMs = wait;
    await clock.sleep(wait, options.signal);
  }
  return await finish(route, url, samples, last!, lastBad, rule, options);
}

async function finish(
  route: RouteSpec,
  url: URL,
  samples: Sample[],
  last: { observation: Observation; problem?: RouteProblem },
  lastBad: { observation: Observation; problem?: RouteProblem } | undefined,
  rule: SettleRule,
  options: SmokeOptions,
): Promise<RouteResult> {
  const decision = lastBad
    ? settle(samples, rule, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
    : ({ state: 'passed', warmedUpMs: 0, relapses: 0 } as const);
  const passed = decision.state === 'passed' && !last.problem;
  // A failed route is judged by a bad answer (the last one), whatever the final sample was.
  const shown = passed ? last : (lastBad ?? last);
  // check-assets reads the passing page as it was read, before its body is cut.
  if (passed) await options.onAnswer?.(route, last.observation);
  const result: RouteResult = {
    route,
    url: url.href,
    passed,
    flaky: passed && samples.length > 1,
    attempts: samples.length,
    earlier: samples.slice(0, -1).map((s) => s.outcome),
    problem: passed ? undefined : shown.problem,
    observation: { ...shown.observation, body: keptText(shown.observation.body, KEPT_BODY_CHARS) },
    samples,
    ...(passed && decision.state === 'passed' && samples.length > 1 ? { warmedUpMs: decision.warmedUpMs } : {}),
    ...(decision.state === 'intermittent' || (!passed && samples.some((s) => s.good))
      ? { intermittent: { bad: samples.filter((s) => !s.good).length, total: samples.length } }
      : {}),
  };
  const verdict = passed ? 'ok' : 'FAIL';
  const note = result.intermittent
    ? ` · ${result.intermittent.bad} of ${result.intermittent.total} answers failed`
    : result.warmedUpMs !== undefined
      ? ` · warmed up after ${formatDuration(result.warmedUpMs)} (${samples.length} answers)`
      : samples.length > 1
        ? ` · ${samples.length} answers`
        : '';
  options.log.info(`${verdict.padEnd(5)} ${route.label} · ${describeObservation(shown.observation)}${note}`);
  return result;
}

export function toSample(observation: Observation, good: boolean): Sample {
  return {
    atMs: Math.round(observation.timings.startMs),
    good,
    outcome: describeObservation(observation),
    ...(observation.status !== undefined ? { status: observation.status } : {}),
    ...(good ? {} : { signature: signatureOf(observation) }),
  };
}

/** "The same bad answer": status and the first bytes of the body, or the transport error's code. */
function signatureOf(observation: Observation): string {
  if (observation.error) return `error:${observation.error.code}`;
  return `${observation.status}:${keptText(observation.body, 200)}`;
}

function retryAfterOf(observation: Observation, options: Pick<SmokeOptions, 'epochNow'>): number | undefined {
  return parseRetryAfter(observation.headers['retry-after'], (options.epochNow ?? Date.now)());
}

function notChecked(route: RouteSpec, url: URL, options: SmokeOptions): RouteResult {
  return {
    route,
    url: url.href,
    passed: false,
    flaky: false,
    attempts: 0,
    earlier: [],
    samples: [],
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
  // The prefix is the same for every route of a run: computed once per base URL.
  let prefix = routePrefixes.get(base);
  if (prefix === undefined) routePrefixes.set(base, (prefix = base.origin + base.pathname.replace(/\/+$/, '')));
  return new URL(prefix + path);
}
const routePrefixes = new WeakMap<URL, string>();

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
