import type { LatencyBudget } from '../config/types.js';

/**
 * Is a route slower here than on the baseline? Latency samples are skewed and full of outliers (a GC
 * pause, a cold cache), so the test is on ranks, not means: a two-sided Mann–Whitney U test (as Kayenta's
 * canary judge does), normal approximation with the tie correction and the continuity correction, which is
 * what scipy.stats.mannwhitneyu(method='asymptotic') computes; the tests check it against scipy's values.
 * The size of the difference is the Hodges–Lehmann shift (the median of every here−baseline difference),
 * and the common-language effect size says how often a request here is slower than one there.
 *
 * A route is slower only when the difference is significant AND larger than the budget: a significant
 * 0.3 ms on loopback is real but nobody's problem, and a large difference in a handful of noisy samples
 * is not yet evidence. Hand-written: the arithmetic is twenty lines, and the statistics packages on npm
 * either lack the tie correction or bring a whole numerics library.
 */

/** Two-sided significance level: conservative, since a false alarm is the worst thing a gate can do. */
export const LATENCY_ALPHA = 0.01;
/** A percentage budget also needs this much absolute slowdown (sub-millisecond loopback noise is not a regression). */
export const LATENCY_FLOOR_MS = 50;

export interface MannWhitney {
  /** U of the first sample (here): how many (here, baseline) pairs have here slower, ties counting half. */
  u: number;
  z: number;
  /** Two-sided p-value. */
  p: number;
}

export interface LatencyJudgement {
  nHere: number;
  nBaseline: number;
  medianHereMs: number;
  medianBaselineMs: number;
  u: number;
  z: number;
  p: number;
  /** Hodges–Lehmann estimate of how much slower here is (negative: faster). */
  shiftMs: number;
  /** 1 + shift / baseline median: "2.0×". */
  ratio: number;
  /** P(a request here is slower than one there), ties counting half: U / (n₁·n₂). */
  commonLanguage: number;
  slower: boolean;
  /** In words, why it is or is not slower. */
  reason: string;
}

/** Ranks 1..n of the pooled values, ties sharing their average rank; with Σ(t³ − t) over the tie groups. */
function rank(values: readonly number[]): { ranks: number[]; tieSum: number } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  let tieSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    const shared = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!.index] = shared;
    const t = end - start + 1;
    tieSum += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieSum };
}

export function mannWhitneyU(here: readonly number[], baseline: readonly number[]): MannWhitney {
  const n1 = here.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) return { u: 0, z: 0, p: 1 };
  const { ranks, tieSum } = rank([...here, ...baseline]);
  const rankSum = ranks.slice(0, n1).reduce((sum, r) => sum + r, 0);
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieSum / (n * (n - 1)));
  // Every value tied: no evidence of any difference.
  if (variance <= 0) return { u, z: 0, p: 1 };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, z: u >= mean ? z : -z, p: Math.min(1, erfc(z / Math.SQRT2)) };
}

/**
 * The complementary error function (W. J. Cody's rational Chebyshev form as given in Numerical Recipes,
 * `erfcc`): fractional error below 1.2e-7 everywhere, plenty for a p-value compared with 0.01.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Hodges–Lehmann shift: the median of all n₁·n₂ differences here − baseline. */
export function hodgesLehmann(here: readonly number[], baseline: readonly number[]): number {
  return median(here.flatMap((x) => baseline.map((y) => x - y)));
}

/** The judgement on one route's samples (milliseconds), against the budget. */
export function judgeLatency(
  here: readonly number[],
  baseline: readonly number[],
  budget: LatencyBudget,
  alpha = LATENCY_ALPHA,
): LatencyJudgement {
  const test = mannWhitneyU(here, baseline);
  const medianHereMs = median(here);
  const medianBaselineMs = median(baseline);
  const shiftMs = hodgesLehmann(here, baseline);
  const ratio = medianBaselineMs > 0 ? 1 + shiftMs / medianBaselineMs : 1;
  const allowedMs =
    budget.kind === 'ms' ? budget.ms : Math.max(LATENCY_FLOOR_MS, (medianBaselineMs * budget.percent) / 100);
  const significant = test.p < alpha && shiftMs > 0;
  const slower = significant && shiftMs > allowedMs;
  const reason = slower
    ? `slower by ${round(shiftMs)}ms (budget ${budget.text}, p = ${formatP(test.p)})`
    : !significant
      ? `no significant difference (p = ${formatP(test.p)})`
      : `slower by ${round(shiftMs)}ms, within the budget (${budget.text}${budget.kind === 'percent' && allowedMs === LATENCY_FLOOR_MS ? `, at least ${LATENCY_FLOOR_MS}ms` : ''})`;
  return {
    nHere: here.length,
    nBaseline: baseline.length,
    medianHereMs: round(medianHereMs),
    medianBaselineMs: round(medianBaselineMs),
    u: test.u,
    z: Number(test.z.toFixed(3)),
    p: Number(test.p.toPrecision(3)),
    shiftMs: round(shiftMs),
    ratio: Number(ratio.toFixed(2)),
    commonLanguage: Number((test.u / (here.length * baseline.length || 1)).toFixed(3)),
    slower,
    reason,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** "0.0004" → "< 0.001"; otherwise two significant digits. */
export function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : String(Number(p.toPrecision(2)));
}
