import { describe, expect, it } from 'vitest';
import { sizeClass } from '../../src/baseline/compare.js';
import { emptyObservation } from '../../src/http/observation.js';

const seen = (bodyBytes: number, bodyTruncated = false) => ({
  ...emptyObservation('GET', 'http://127.0.0.1/', 0),
  status: 200,
  bodyBytes,
  bodyTruncated,
});

describe('the size class of a body the baseline compares', () => {
  it('classes a body read whole by its size', () => {
    expect([0, 10, 2048, 50 * 1024, 300 * 1024, 1024 * 1024].map((n) => sizeClass(seen(n)))).toEqual([
      'empty',
      '< 1 KiB',
      '1–10 KiB',
      '10–100 KiB',
      '100 KiB–1 MiB',
      '≥ 1 MiB',
    ]);
  });

  it('says only "at least" of a body whose read was cut, the same for two cuts a few bytes apart', () => {
    // The 64 KiB excerpt of a body no check reads whole: never "10–100 KiB", which would claim its size.
    expect(sizeClass(seen(64 * 1024, true))).toBe('≥ 10 KiB');
    // Two pages cut at their 10,000th tag, a few bytes apart: the same class, so no "body size" difference.
    expect(sizeClass(seen(163_896, true))).toBe(sizeClass(seen(160_002, true)));
    expect(sizeClass(seen(163_896, true))).toBe('≥ 100 KiB');
    expect(sizeClass(seen(1024 * 1024, true))).toBe('≥ 1 MiB');
  });
});
