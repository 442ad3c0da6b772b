/**
 * When a route's answers can be believed. One failed answer proves little (caches warming, a rate
 * limiter, a restart), and one good answer after failures proves little more (one instance of two may
 * be broken). So a route that failed once is sampled until its answers settle: it passes after enough
 * good answers in a row following the last bad one, and it fails when the bad answers keep coming back.
 * Pure: a list of samples in, a decision out.
 */

export interface Sample {
  /** When the request started, in ms since the run started. */
  atMs: number;
  good: boolean;
  /** What it saw, in words ("503 in 4ms", "connection refused (ECONNREFUSED)"). */
  outcome: string;
  status?: number;
  /** A short signature of a bad answer, to tell "the same failure" from "a different one". */
  signature?: string;
  /** Wait after this sample, and the server's Retry-After when it sent one. */
  waitMs?: number;
  retryAfterMs?: number;
}

export interface SettleRule {
  /** Good answers in a row after the last bad one (readiness' success-threshold). */
  successThreshold: number;
  /** Longest the sampling of one route may last after its first bad answer. */
  settleMs: number;
  /** The same bad answer for this long, with nothing else seen, is a stable failure. */
  stableBadMs: number;
  /** Bad answers that came back after good ones this many times, for this long: intermittent. */
  relapsesForIntermittent: number;
  intermittentAfterMs: number;
  /** Hard limit on samples for one route. */
  maxSamples: number;
}

export const DEFAULT_SETTLE_RULE: SettleRule = {
  successThreshold: 2,
  settleMs: 20_000,
  stableBadMs: 10_000,
  relapsesForIntermittent: 4,
  intermittentAfterMs: 10_000,
  maxSamples: 40,
};

export type Settled =
  | { state: 'sampling' }
  /** Good after the bad ones; `warmedUpMs` from the first bad answer to the first good one of the last run. */
  | { state: 'passed'; warmedUpMs: number; relapses: number }
  /** Every answer was bad (or the window ended with a bad run). */
  | { state: 'failed' }
  /** Good and bad answers kept alternating: some of the traffic fails. */
  | { state: 'intermittent'; bad: number; total: number };

export interface StabilityCounts {
  bad: number;
  good: number;
  /** Bad answers that came right after a good one. */
  relapses: number;
  /** Good answers in a row at the end. */
  goodRun: number;
}

export function countSamples(samples: readonly Sample[]): StabilityCounts {
  let bad = 0;
  let relapses = 0;
  let goodRun = 0;
  samples.forEach((sample, index) => {
    if (sample.good) {
      goodRun++;
      return;
    }
    bad++;
    goodRun = 0;
    if (index > 0 && samples[index - 1]!.good) relapses++;
  });
  return { bad, good: samples.length - bad, relapses, goodRun };
}

/** Good answers needed in a row: more after each relapse, since a run of good answers proved wrong before. */
export function requiredGood(rule: SettleRule, relapses: number): number {
  return Math.min(8, Math.max(1, rule.successThreshold) + 2 * relapses);
}

/**
 * The decision after the latest sample. `nowMs` is the clock now; `windowEndMs` is when sampling must
 * stop (the settle window, cut by the run's budget).
 */
export function settle(samples: readonly Sample[], rule: SettleRule, nowMs: number, windowEndMs: number): Settled {
  if (samples.length === 0) return { state: 'sampling' };
  const counts = countSamples(samples);
  const firstBad = samples.find((s) => !s.good);
  if (!firstBad) return { state: 'passed', warmedUpMs: 0, relapses: 0 };
  if (counts.goodRun >= requiredGood(rule, counts.relapses)) {
    const firstGoodOfRun = samples[samples.length - counts.goodRun]!;
    return { state: 'passed', warmedUpMs: Math.max(0, firstGoodOfRun.atMs - firstBad.atMs), relapses: counts.relapses };
  }
  const elapsed = nowMs - firstBad.atMs;
  const intermittent = { state: 'intermittent' as const, bad: counts.bad, total: samples.length };
  if (counts.relapses >= rule.relapsesForIntermittent && elapsed >= rule.intermittentAfterMs) return intermittent;
  const allSame = counts.good === 0 && samples.every((s) => s.signature === firstBad.signature);
  if (allSame && elapsed >= rule.stableBadMs && samples.length >= 5) return { state: 'failed' };
  if (nowMs >= windowEndMs || samples.length >= rule.maxSamples) {
    // The window ended: with good answers among the bad ones it is intermittent, not simply down.
    return counts.good > 0 ? intermittent : { state: 'failed' };
  }
  return { state: 'sampling' };
}

/** Pause before the next sample: a quarter second growing to two after bad answers; a short one to confirm. */
export function sampleDelay(samples: readonly Sample[], random: () => number): number {
  const last = samples.at(-1);
  if (!last || last.good) return 250;
  const badSoFar = samples.filter((s) => !s.good).length;
  const ceiling = Math.min(2_000, 250 * 2 ** (badSoFar - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
