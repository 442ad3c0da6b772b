import pRetry, { AbortError } from 'p-retry';
import { backoffDelay, DEFAULT_POLL_POLICY, parseRetryAfter, type PollPolicy } from './backoff.js';
import type { Clock } from './clock.js';
import { formatDuration } from './config/duration.js';
import type { HttpClient } from './http/client.js';
import type { Observation } from './http/observation.js';
import type { Logger } from './log.js';
import { describeObservation } from './http/describe.js';

/**
 * Polls the health endpoint until it answers healthy (and shows `expect-version`) N times in a row, or
 * the deadline passes. Startup-probe semantics: only consecutive successes count.
 */

export const HEALTH_BODY_LIMIT = 64 * 1024;
/**
 * Sent with every health request: a cache that honours the request's directives asks the app instead of
 * answering from its store. A `Cache-Control` of the `headers` input replaces it. (Varnish's built-in VCL
 * ignores it; the diagnosis says when health came from a cache all the same.)
 */
export const CACHE_PROOF: ReadonlyArray<readonly [string, string]> = [
  ['cache-control', 'no-cache'],
  ['pragma', 'no-cache'],
];

/** A poll with less time than this left is not started: it could only time out and say nothing. */
export const MIN_ATTEMPT_MS = 100;

export interface ReadinessOptions {
  client: HttpClient;
  clock: Clock;
  log: Logger;
  healthUrl: URL;
  expectVersion?: string;
  successThreshold: number;
  /** Clock time (ms since the run started) by which the deploy must be ready. */
  deadlineMs: number;
  /** The whole budget, for progress lines ("12s / 5m"). */
  budgetMs: number;
  requestTimeoutMs: number;
  policy?: PollPolicy;
  random?: () => number;
  signal?: AbortSignal;
  /** Wall clock for HTTP-date Retry-After values. */
  epochNow?: () => number;
  /**
   * A key for an answer that no boot sequence gives (a host check rejecting the name, a framework's 404
   * for the health path, a placeholder page, a protection wall), or undefined for answers a boot does
   * give (502/503/504 from a proxy, refused, DNS, TLS while a certificate is issued).
   */
  unbootable?: (observation: Observation) => string | undefined | Promise<string | undefined>;
  /** How long the same unbootable answer is waited out before the wait ends with it. */
  patienceMs?: number;
  /** The GitHub deployment already reported success: nothing is still rolling out, so no patience. */
  deploymentSucceeded?: boolean;
}

/** Health kept giving an answer that waiting cannot change, so the wait ended early. */
export interface GaveUp {
  /** The answer's key (a fingerprint id, or status and body start). */
  key: string;
  /** Same answer this many times, over this long. */
  attempts: number;
  overMs: number;
  /** `no-version`: health is healthy but shows no version at all, so `expect-version` can never appear. */
  why: 'patience' | 'deployment-succeeded' | 'no-version';
}

export const DEFAULT_PATIENCE_MS = 60_000;

export interface HealthAttempt {
  atMs: number;
  status?: number;
  error?: string;
  healthy: boolean;
  versionFound?: boolean;
  /** Milliseconds waited after this attempt, and why when a server asked. */
  waitMs?: number;
  retryAfterMs?: number;
  /** Its time limit was cut short by the deadline (so a timeout here says little). */
  cutAtDeadline?: boolean;
}

export interface ReadinessResult {
  ready: boolean;
  readyAtMs?: number;
  /** Why it stopped without being ready. */
  ended?: 'deadline' | 'cancelled' | 'unchanging';
  gaveUp?: GaveUp;
  /** Healthy answers with and without `expect-version`, when both were seen: a rollout half done. */
  versionMixed?: { old: number; total: number };
  attempts: HealthAttempt[];
  /** The last answer, and the last healthy one (kept whole for diagnosis). */
  last?: Observation;
  lastHealthy?: Observation;
  /** Health answered healthy at least once, but never with the expected version. */
  versionMissing: boolean;
  /** Health answered healthy without anything that looks like a version (`{"ok":true}`). */
  versionless?: boolean;
}

class Unchanging extends Error {
  constructor(readonly gaveUp: GaveUp) {
    super('waiting cannot help');
  }
}

class NotReady extends Error {
  constructor(
    readonly confirming: boolean,
    readonly retryAfterMs?: number,
  ) {
    super('not ready yet');
  }
}

export function isHealthy(observation: Observation): boolean {
  if (observation.error || observation.status === undefined) return false;
  const status = observation.status;
  // Kubernetes semantics: 2xx, or a 3xx that was not followed because it points nowhere we follow.
  return (status >= 200 && status < 300) || (status >= 300 && status < 400 && !observation.headers['location']);
}

/**
 * Whether an answer shows any version at all: a commit-like hex id, a dotted version number, a version-ish
 * JSON key, or a version-ish header. When it shows none, `expect-version` cannot appear by waiting for
 * the same endpoint; when it shows another one, the previous release may still be rolling out.
 */
const VERSION_IN_BODY =
  /\b[0-9a-f]{7,40}\b|\bv?\d+\.\d+(\.\d+)?\b|["']?(version|commit|sha|revision|rev|build|release|git[_-]?(sha|commit|hash)|hash|tag|image)["']?\s*[:=]/i;
const VERSION_HEADER = /version|commit|revision|sha|build|release|deploy|image/i;
export function showsSomeVersion(observation: Observation): boolean {
  if (VERSION_IN_BODY.test(observation.body)) return true;
  return Object.keys(observation.headers).some((name) => VERSION_HEADER.test(name));
}

export function versionShown(observation: Observation, version: string): boolean {
  return observation.body.includes(version) || Object.values(observation.headers).some((v) => v.includes(version));
}

export async function waitUntilReady(options: ReadinessOptions): Promise<ReadinessResult> {
  const { client, clock, log } = options;
  const policy = options.policy ?? DEFAULT_POLL_POLICY;
  const random = options.random ?? Math.random;
  const epochNow = options.epochNow ?? Date.now;
  const result: ReadinessResult = { ready: false, attempts: [], versionMissing: false };
  let consecutive = 0;
  // The confirming request follows a healthy answer at once, unless that once got "too many" back: a rate
  // limiter (nginx limit_req answers 503 to a second request within its interval) then sees it spaced out.
  let confirmPauseMs = policy.confirmMs;
  let failures = 0;
  const waitStarted = clock.now();
  let sawHealthyWithoutVersion = false;
  let sawVersion = false;
  let healthyOld = 0;
  let healthyNew = 0;
  let versionlessInARow = 0;
  let streak: { key: string; sinceMs: number; count: number } | undefined;
  const patienceMs = options.patienceMs ?? DEFAULT_PATIENCE_MS;
  const progress = () => `${formatDuration(clock.now())} / ${formatDuration(options.budgetMs)}`;

  const attempt = async (): Promise<void> => {
    const remaining = options.deadlineMs - clock.now();
    const cut = remaining < options.requestTimeoutMs;
    const observation = await client.probe({
      method: 'GET',
      url: options.healthUrl,
      followRedirects: true,
      maxBodyBytes: HEALTH_BODY_LIMIT,
      freshConnection: true,
      defaultHeaders: CACHE_PROOF,
      signal: options.signal,
      timeoutMs: Math.max(1, Math.min(options.requestTimeoutMs, remaining)),
    });
    if (options.signal?.aborted) throw new AbortError('cancelled');
    const healthy = isHealthy(observation);
    const versionFound = options.expectVersion ? versionShown(observation, options.expectVersion) : undefined;
    const entry: HealthAttempt = {
      atMs: Math.round(observation.timings.startMs),
      status: observation.status,
      error: observation.error ? `${observation.error.kind} (${observation.error.code})` : undefined,
      healthy,
      versionFound,
      ...(cut ? { cutAtDeadline: true } : {}),
    };
    result.attempts.push(entry);
    // A timeout caused by our own deadline is not health's answer; keep the last real one for diagnosis.
    const cutShort = cut && observation.error?.kind === 'timeout';
    if (!cutShort || !result.last) result.last = observation;
    if (healthy) result.lastHealthy = observation;
    if (healthy && versionFound === false) sawHealthyWithoutVersion = true;
    if (versionFound) sawVersion = true;
    if (healthy && versionFound === false) healthyOld++;
    if (healthy && versionFound === true) healthyNew++;

    const counts = healthy && versionFound !== false;
    if (!counts && consecutive > 0 && (observation.status === 429 || observation.status === 503)) {
      confirmPauseMs = Math.min(2_000, Math.max(250, confirmPauseMs * 2));
    }
    consecutive = counts ? consecutive + 1 : 0;
    const what = describeObservation(observation);
    const versionNote = versionFound === false ? ` (without "${options.expectVersion}")` : '';
    log.info(`health attempt ${result.attempts.length}: ${what}${versionNote} · ${progress()}`);
    if (counts && consecutive >= options.successThreshold) {
      result.ready = true;
      result.readyAtMs = Math.round(clock.now());
      return;
    }
    failures = counts ? 0 : failures + 1;
    // Healthy, but nothing in it looks like a version: no rollout will make "abc123" appear in {"ok":true}.
    // As many such answers in a row as a pass would need, and the wait ends at once, saying so.
    versionlessInARow = healthy && versionFound === false && !showsSomeVersion(observation) ? versionlessInARow + 1 : 0;
    if (versionlessInARow >= options.successThreshold) {
      result.versionless = true;
      throw new AbortError(
        new Unchanging({
          key: 'health-shows-no-version',
          attempts: versionlessInARow,
          overMs: entry.atMs - result.attempts[result.attempts.length - versionlessInARow]!.atMs,
          why: 'no-version',
        }),
      );
    }
    const key = healthy ? undefined : await options.unbootable?.(observation);
    streak =
      key === undefined
        ? undefined
        : streak?.key === key
          ? { ...streak, count: streak.count + 1 }
          : { key, sinceMs: entry.atMs, count: 1 };
    if (streak) {
      const overMs = entry.atMs - streak.sinceMs;
      const why =
        options.deploymentSucceeded && streak.count >= 2
          ? 'deployment-succeeded'
          : overMs >= patienceMs && streak.count >= 3
            ? 'patience'
            : undefined;
      if (why) throw new AbortError(new Unchanging({ key: streak.key, attempts: streak.count, overMs, why }));
    }
    const retryAfter = healthy ? undefined : parseRetryAfter(observation.headers['retry-after'], epochNow());
    throw new NotReady(counts, retryAfter);
  };

  try {
    await pRetry(attempt, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 0, // the schedule is ours (see onFailedAttempt): confirmation, Retry-After, the deadline
      signal: options.signal,
      shouldRetry: () => options.deadlineMs - clock.now() > MIN_ATTEMPT_MS && !options.signal?.aborted,
      onFailedAttempt: async ({ error }) => {
        if (!(error instanceof NotReady)) throw error;
        let wait = error.confirming
          ? confirmPauseMs
          : backoffDelay(failures, policy, random, clock.now() - waitStarted);
        const entry = result.attempts.at(-1)!;
        if (error.retryAfterMs !== undefined) {
          entry.retryAfterMs = error.retryAfterMs;
          wait = Math.max(wait, Math.min(error.retryAfterMs, policy.retryAfterCapMs));
        }
        // An unchanging answer is looked at again when its patience runs out, not a slow poll later.
        if (streak && !options.deploymentSucceeded) {
          wait = Math.min(wait, Math.max(policy.capMs, streak.sinceMs + patienceMs - clock.now()));
        }
        // Never sleep past the last moment a poll can still start.
        wait = Math.max(0, Math.min(wait, options.deadlineMs - MIN_ATTEMPT_MS - clock.now()));
        entry.waitMs = wait;
        await clock.sleep(wait, options.signal);
      },
    });
  } catch (error) {
    if (error instanceof Unchanging) {
      result.ended = 'unchanging';
      result.gaveUp = error.gaveUp;
    } else {
      if (!(error instanceof NotReady) && !options.signal?.aborted) throw error;
      result.ended = options.signal?.aborted ? 'cancelled' : 'deadline';
    }
  }
  if (!result.ready && healthyOld > 0 && healthyNew > 0) {
    result.versionMixed = { old: healthyOld, total: healthyOld + healthyNew };
  }
  result.versionMissing = !!options.expectVersion && sawHealthyWithoutVersion && !sawVersion && !result.ready;
  if (result.ready) {
    log.info(`ready after ${formatDuration(result.readyAtMs!)} (${result.attempts.length} health requests)`);
  } else if (result.versionless) {
    log.warning(
      `stopped waiting: health is healthy but shows no version at all, so "${options.expectVersion}" cannot appear in it`,
    );
  } else if (result.gaveUp) {
    const g = result.gaveUp;
    log.warning(
      `stopped waiting after ${formatDuration(clock.now())}: health gave the same answer ${g.attempts} times over ${formatDuration(g.overMs)}${g.why === 'deployment-succeeded' ? ' after the deployment reported success' : ''}, and no boot sequence answers this way`,
    );
  } else if (result.ended === 'deadline') {
    log.warning(`not ready within ${formatDuration(options.budgetMs)} (${result.attempts.length} health requests)`);
  }
  return result;
}
