import { describe, expect, it } from 'vitest';
import { erfc, hodgesLehmann, judgeLatency, mannWhitneyU, median } from '../../src/baseline/latency.js';

// Expected values from scipy 1.17: mannwhitneyu(x, y, method='asymptotic', use_continuity=True, alternative='two-sided').
const SCIPY = [
  { x: [19, 22, 16, 29, 24], y: [20, 11, 17, 12], u: 17, p: 0.11134688653314041 },
  {
    x: [101, 99, 103, 98, 102, 100, 104, 97, 105, 96, 100, 101],
    y: [100, 102, 99, 101, 98, 103, 100, 97, 104, 99, 101, 100],
    u: 75.5,
    p: 0.8613212599615899,
  },
  {
    x: [400, 410, 395, 405, 402, 399, 401, 420, 398, 404, 403, 407],
    y: [100, 105, 98, 102, 101, 99, 103, 97, 104, 100, 96, 106],
    u: 144,
    p: 3.644202729246209e-5,
  },
  { x: [1, 1, 2, 2, 3, 3, 3], y: [1, 2, 2, 2, 4, 4], u: 18, p: 0.7096840358060392 },
  { x: [5, 5, 5], y: [5, 5, 5], u: 4.5, p: 1 },
];

const PERCENT_50 = { kind: 'percent', percent: 50, text: '+50%' } as const;

describe('Mann–Whitney U', () => {
  it.each(SCIPY)('matches scipy for $x vs $y', ({ x, y, u, p }) => {
    const test = mannWhitneyU(x, y);
    expect(test.u).toBe(u);
    expect(test.p).toBeCloseTo(p, 6);
  });

  it('is symmetric: swapping the sides gives the other U and the same p', () => {
    const a = mannWhitneyU(SCIPY[0]!.x, SCIPY[0]!.y);
    const b = mannWhitneyU(SCIPY[0]!.y, SCIPY[0]!.x);
    expect(a.u + b.u).toBe(20);
    expect(b.p).toBeCloseTo(a.p, 12);
    expect(b.z).toBeCloseTo(-a.z, 12);
  });

  it('erfc agrees with known values', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(2)).toBeCloseTo(0.004677735, 8);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
  });
});

describe('effect sizes', () => {
  it('median and Hodges–Lehmann shift', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(hodgesLehmann([19, 22, 16, 29, 24], [20, 11, 17, 12])).toBe(7);
    expect(hodgesLehmann([10, 11, 12], [10, 11, 12])).toBe(0);
  });
});

describe('judgeLatency', () => {
  const base = [100, 105, 98, 102, 101, 99, 103, 97, 104, 100, 96, 106];
  it('4× slower with a clear separation is slower', () => {
    const slow = base.map((ms) => ms * 4);
    const judged = judgeLatency(slow, base, PERCENT_50);
    expect(judged.slower).toBe(true);
    expect(judged.ratio).toBeGreaterThan(3.5);
    expect(judged.commonLanguage).toBe(1);
    expect(judged.p).toBeLessThan(0.001);
    expect(judged.reason).toMatch(/^slower by 30\dms/);
  });

  it('a significant difference within the budget is not slower', () => {
    const judged = judgeLatency(
      base.map((ms) => ms + 30),
      base,
      PERCENT_50,
    );
    expect(judged.p).toBeLessThan(0.01);
    expect(judged.slower).toBe(false);
    expect(judged.reason).toMatch(/within the budget/);
  });

  it('a large relative difference below the absolute floor is not slower (loopback noise)', () => {
    const fast = [1, 1.2, 0.9, 1.1, 1, 1.3, 0.8, 1, 1.1, 0.9];
    const judged = judgeLatency(
      fast.map((ms) => ms * 5),
      fast,
      PERCENT_50,
    );
    expect(judged.p).toBeLessThan(0.01);
    expect(judged.slower).toBe(false);
  });

  it('a millisecond budget is compared with the shift', () => {
    const plus200 = base.map((ms) => ms + 200);
    expect(judgeLatency(plus200, base, { kind: 'ms', ms: 300, text: '+300ms' }).slower).toBe(false);
    expect(judgeLatency(plus200, base, { kind: 'ms', ms: 150, text: '+150ms' }).slower).toBe(true);
  });

  it('too few samples cannot be significant, however large the difference', () => {
    const judged = judgeLatency([900, 950, 1000], [100, 110, 105], PERCENT_50);
    expect(judged.p).toBeGreaterThan(0.01);
    expect(judged.slower).toBe(false);
  });

  it('faster is never slower', () => {
    expect(
      judgeLatency(
        base,
        base.map((ms) => ms * 4),
        PERCENT_50,
      ).slower,
    ).toBe(false);
  });
});
