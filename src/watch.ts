import type { Clock } from './clock.js';
import type { RouteSpec } from './config/types.js';
import { formatDuration } from './config/duration.js';
import type { HttpClient } from './http/client.js';
import type { Observation } from './http/observation.js';
import type { PoliteLimiter } from './limiter.js';
import type { Logger } from './log.js';
import { describeObservation } from './http/describe.js';
import { CACHE_PROOF, HEALTH_BODY_LIMIT, isHealthy, versionShown } from './readiness.js';
import { KEPT_BODY_CHARS, resolveRoute, sampleRoute, type RouteProblem } from './smoke.js';

/**
 * After the pass, the deploy is watched for `watch`: health and every route, sampled together in rounds
 * at a gentle, jittered pace. A crash a minute after ready, a restart loop and an instance that starts
 * failing all pass a one-shot check; here they end the watch as soon as the pattern is clear, and a
 * healthy watch ends with its window.
 */

export type WatchPattern = 'down' | 'restart-loop' | 'intermittent';

export interface WatchEpisode {
  /** First and last bad round (clock ms), and how many rounds were bad. */
  fromMs: number;
  toMs: number;
  rounds: number;
}

export interface WatchFailure {
  label: string;
  observation: Observation;
  problem?: RouteProblem;
  /** Health answered healthy, but without expect-version. */
  versionMissing?: boolean;
}

export interface WatchResult {
  windowMs: number;
  startedAtMs: number;
  endedAtMs: number;
  ended: 'window' | 'degraded' | 'cancelled';
  rounds: number;
  requests: number;
  badAnswers: number;
  firstBadAtMs?: number;
  pattern?: WatchPattern;
  episodes: WatchEpisode[];
  /** The answer that shows the degradation (health first, when it failed too). */
  failing?: WatchFailure;
  /** Per target: answers and bad answers. */
  targets: Array<{ label: string; answers: number; bad: number }>;
}

export interface WatchOptions {
  client: HttpClient;
  clock: Clock;
  log: Logger;
  healthUrl: URL;
  healthLabel: string;
  baseUrl: URL;
  routes: RouteSpec[];
  windowMs: number;
  requestTimeoutMs: number;
  limiter: PoliteLimiter;
  expectVersion?: string;
  signal?: AbortSignal;
  random?: () => number;
}

/** A bad run lasting this long (and this many rounds) is "down", not a restart. */
export const LASTING_MS = 5_000;
const LASTING_ROUNDS = 3;
const INTERMITTENT_MIN_BAD = 4;
const INTERMITTENT_SHARE = 0.2;
/** Progress lines at most this often. */
const PROGRESS_EVERY_MS = 10_000;

/** The pace: about 60 rounds per window, between one and five seconds apart, equal jitter. */
export function roundIntervalMs(windowMs: number, random: () => number): number {
  const ceiling = Math.min(5_000, Math.max(1_000, windowMs / 60));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

interface Answer {
  label: string;
  bad: boolean;
  /** A boot-or-crash kind of failure: nothing answering, or the proxy saying the app is gone. */
  unavailable: boolean;
  failure?: WatchFailure;
}

interface OpenEpisode extends WatchEpisode {
  /** Every target was bad in every round, and the answers said "nothing there": a process down. */
  whole: boolean;
  unavailable: boolean;
}

export async function watchDeploy(options: WatchOptions): Promise<WatchResult> {
  const { clock, log } = options;
  const random = options.random ?? Math.random;
  const startedAtMs = Math.round(clock.now());
  const endMs = startedAtMs + options.windowMs;
  const result: WatchResult = {
    windowMs: options.windowMs,
    startedAtMs,
    endedAtMs: startedAtMs,
    ended: 'window',
    rounds: 0,
    requests: 0,
    badAnswers: 0,
    episodes: [],
    targets: [options.healthLabel, ...options.routes.map((r) => r.label)].map((label) => ({
      label,
      answers: 0,
      bad: 0,
    })),
  };
  const closed: OpenEpisode[] = [];
  let open: OpenEpisode | undefined;
  let lastProgress = startedAtMs;
  log.info(`watching for ${formatDuration(options.windowMs)}: health and ${options.routes.length} route(s) in rounds`);

  while (clock.now() < endMs) {
    if (options.signal?.aborted) break;
    const roundAt = Math.round(clock.now());
    const windowLeft = AbortSignal.timeout(Math.max(1, endMs - roundAt + options.requestTimeoutMs));
    const signal = options.signal ? AbortSignal.any([options.signal, windowLeft]) : windowLeft;
    const answers = await round(options, signal, endMs);
    if (options.signal?.aborted) break;
    if (answers.length === 0) break;
    result.rounds++;
    result.requests += answers.length;
    answers.forEach((answer, index) => {
      const target = result.targets[index]!;
      target.answers++;
      if (answer.bad) target.bad++;
    });
    const bad = answers.filter((a) => a.bad);
    result.badAnswers += bad.length;
    if (bad.length > 0) {
      result.firstBadAtMs ??= roundAt;
      // Health's own failure explains more than a route's: keep the episode's first failing answer, unless
      // health joins it later (a crash that lands between health's answer and a route's in one round).
      const healthFailure = answers[0]!.bad ? answers[0]!.failure : undefined;
      if (!open || !result.failing) result.failing = bad[0]!.failure;
      else if (healthFailure && result.failing?.label !== options.healthLabel) result.failing = healthFailure;
      const whole = bad.length === answers.length;
      const unavailable = bad.every((a) => a.unavailable);
      if (!open) {
        open = { fromMs: roundAt, toMs: roundAt, rounds: 0, whole, unavailable };
        log.warning(
          `watch ${formatDuration(roundAt - startedAtMs)}: ${bad.map((a) => `${a.label} ${a.failure ? describeObservation(a.failure.observation) : 'failed'}`).join('; ')}`,
        );
      }
      open.rounds++;
      open.toMs = roundAt;
      open.whole &&= whole;
      open.unavailable &&= unavailable;
    } else if (open) {
      closed.push(open);
      log.info(
        `watch ${formatDuration(roundAt - startedAtMs)}: answering again after ${formatDuration(roundAt - open.fromMs)}`,
      );
      open = undefined;
    }
    const pattern = patternOf(open, closed, result.targets);
    if (pattern) {
      result.pattern = pattern;
      result.ended = 'degraded';
      break;
    }
    if (clock.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = clock.now();
      const state = open
        ? `failing since ${formatDuration(roundAt - open.fromMs)} ago`
        : result.badAnswers
          ? `${result.badAnswers} bad answer(s) so far`
          : 'all healthy';
      log.info(
        `watch ${formatDuration(clock.now() - startedAtMs)} / ${formatDuration(options.windowMs)}: ${result.rounds} rounds, ${state}`,
      );
    }
    const wait = Math.min(roundIntervalMs(options.windowMs, random), endMs - clock.now());
    if (wait > 0) await clock.sleep(wait, options.signal);
  }
  if (options.signal?.aborted) result.ended = 'cancelled';
  result.episodes = [...closed, ...(open ? [open] : [])].map(({ fromMs, toMs, rounds }) => ({ fromMs, toMs, rounds }));
  result.endedAtMs = Math.round(clock.now());
  if (result.failing) {
    result.failing = {
      ...result.failing,
      observation: { ...result.failing.observation, body: result.failing.observation.body.slice(0, KEPT_BODY_CHARS) },
    };
  }
  const span = formatDuration(result.endedAtMs - startedAtMs);
  if (result.ended === 'degraded') log.warning(`watch ended after ${span}: ${result.pattern}`);
  else if (result.ended === 'window') {
    log.info(
      `watch done: ${result.rounds} rounds in ${span}, ${result.badAnswers ? `${result.badAnswers} bad answer(s), none lasting` : 'all healthy'}`,
    );
  }
  return result;
}

/**
 * The pattern the rounds show so far, or undefined while it is not clear:
 * - down: bad without a break for LASTING_MS (a restart that long is an outage too);
 * - restart-loop: everything went away, came back, and went away again;
 * - intermittent: bad answers keep coming back while others are good (one instance of several), on at
 *   least a fifth of one target's answers.
 */
function patternOf(
  open: OpenEpisode | undefined,
  closed: OpenEpisode[],
  targets: WatchResult['targets'],
): WatchPattern | undefined {
  if (open && open.rounds >= LASTING_ROUNDS && open.toMs - open.fromMs >= LASTING_MS) {
    return closed.some((e) => e.whole && e.unavailable) && open.whole ? 'restart-loop' : 'down';
  }
  const downs = [...closed, ...(open ? [open] : [])].filter((e) => e.whole && e.unavailable);
  if (open?.whole && open.unavailable && downs.length >= 2) return 'restart-loop';
  // A rare error is not a broken instance: a target must fail at least one answer in five, four times.
  const failingShare = targets.some((t) => t.bad >= INTERMITTENT_MIN_BAD && t.bad / t.answers >= INTERMITTENT_SHARE);
  if (closed.length + (open ? 1 : 0) >= 3 && failingShare) return 'intermittent';
  return undefined;
}

async function round(options: WatchOptions, signal: AbortSignal, endMs: number): Promise<Answer[]> {
  const health = (async (): Promise<Answer | undefined> => {
    const observation = await options.client.probe({
      method: 'GET',
      url: options.healthUrl,
      followRedirects: true,
      maxBodyBytes: HEALTH_BODY_LIMIT,
      // Like readiness: a fresh connection each time, never pinned to one instance behind a balancer.
      freshConnection: true,
      defaultHeaders: CACHE_PROOF,
      signal,
      timeoutMs: options.requestTimeoutMs,
    });
    if (observation.error?.kind === 'cancelled') return undefined;
    const healthy = isHealthy(observation);
    const versionMissing = healthy && !!options.expectVersion && !versionShown(observation, options.expectVersion);
    const bad = !healthy || versionMissing;
    return {
      label: options.healthLabel,
      bad,
      unavailable: bad && !versionMissing && unavailable(observation),
      failure: bad
        ? { label: options.healthLabel, observation, ...(versionMissing ? { versionMissing } : {}) }
        : undefined,
    };
  })();
  const routes = options.routes.map(async (route): Promise<Answer | undefined> => {
    const url = resolveRoute(options.baseUrl, route.path);
    const seen = await sampleRoute(route, url, { client: options.client, signal, limiter: options.limiter });
    if (!seen || seen.observation.error?.kind === 'cancelled') return undefined;
    if (seen.problem) {
      if (seen.observation.status === 429) options.limiter.slowDown(url, seen.observation.timings.startMs);
    } else options.limiter.good(url);
    return {
      label: route.label,
      bad: !!seen.problem,
      unavailable: !!seen.problem && unavailable(seen.observation),
      failure: seen.problem ? { label: route.label, observation: seen.observation, problem: seen.problem } : undefined,
    };
  });
  const answers = await Promise.all([health, ...routes]);
  // A round cut by the window's end (or cancellation) says nothing: drop it whole.
  if (answers.some((a) => a === undefined) || options.clock.now() > endMs + options.requestTimeoutMs) return [];
  return answers as Answer[];
}

/** Nothing answering, or a proxy saying there is nothing behind it: what a crashed process looks like. */
function unavailable(observation: Observation): boolean {
  if (observation.error) return ['refused', 'reset', 'timeout', 'dns', 'protocol'].includes(observation.error.kind);
  return [502, 503, 504].includes(observation.status ?? 0);
}
