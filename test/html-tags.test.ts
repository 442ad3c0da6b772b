import { describe, expect, it } from 'vitest';
import { headOfTags, tagCap } from '../src/html/tags.js';
import { seededRandom } from './support/clock.js';

/** Where tagCap ends a read of `page` given in the chunks `sizes` cut it into: the bytes kept. */
function readWithCap(page: string, limit: number, sizes: (left: number) => number): string {
  const bytes = Buffer.from(page);
  const stop = tagCap(limit);
  const kept: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const chunk = bytes.subarray(at, at + sizes(bytes.length - at));
    const end = stop(chunk);
    kept.push(chunk.subarray(0, end ?? chunk.length));
    if (end !== undefined) break;
    at += chunk.length;
  }
  return Buffer.concat(kept).toString();
}

describe('counting tags without the parser', () => {
  it('headOfTags cuts before the tag past the limit; text, a lone < and a < before a digit are no tag', () => {
    expect(headOfTags('<a>1 < 2 <3<b></b><!-- c --><?x>', 3)).toBe('<a>1 < 2 <3<b></b>');
    expect(headOfTags('<a><b>', 2)).toBe('<a><b>');
    expect(headOfTags('no tags < here', 0)).toBe('no tags < here');
  });

  it('tagCap ends a read where headOfTags cuts the whole page, however the body arrives in chunks', () => {
    const random = seededRandom();
    const page = `<!doctype html>${Array.from({ length: 400 }, (_, i) => (i % 7 ? `<p>é ${i} < ${i + 1}</p>` : '<<b>')).join('')}`;
    for (const limit of [0, 1, 57, 399, 5_000]) {
      const expected = headOfTags(page, limit);
      // When the cut's `<` ended the chunk before, that `<` was kept already: a lone `<` at the end is text.
      const either = expected === page ? [page] : [expected, `${expected}<`];
      expect(
        readWithCap(page, limit, (left) => left),
        `limit ${limit}, one chunk`,
      ).toBe(expected);
      expect(either, `limit ${limit}, 1-byte chunks`).toContain(readWithCap(page, limit, () => 1));
      for (let trial = 0; trial < 20; trial++)
        expect(either, `limit ${limit}`).toContain(readWithCap(page, limit, () => 1 + Math.floor(random() * 40)));
    }
  });

  it('a < that ends a chunk counts by the first byte of the next', () => {
    const stop = tagCap(1);
    expect(stop(Buffer.from('<a> x <'))).toBeUndefined();
    expect(stop(Buffer.from('b> rest'))).toBe(0);
    const other = tagCap(1);
    expect(other(Buffer.from('<a> x <'))).toBeUndefined();
    expect(other(Buffer.from(' 2 <b>'))).toBe(3);
  });
});
