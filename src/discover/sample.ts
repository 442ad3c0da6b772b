import { createHash } from 'node:crypto';
import { MAX_PER_TEMPLATE } from './bounds.js';

/**
 * A fair, repeatable sample: every template first (one member each), then a second member each, and so
 * on, up to `limit` routes and MAX_PER_TEMPLATE per template. Which templates and members come first is
 * a hash of the seed (the commit) and the path, not the order the sitemap lists them in: a rerun of the
 * same commit checks the same sample, the next commit looks at other members, and a sitemap that lists
 * its newest products first does not decide what is checked.
 */

export interface Sample {
  /** Template → the members picked, in the order picked. */
  picked: Map<string, string[]>;
  /** Templates with no member in the sample (more templates than `limit`). */
  left: string[];
}

export function sampleByTemplate(groups: ReadonlyMap<string, readonly string[]>, limit: number, seed: string): Sample {
  const templates = [...groups.keys()].sort(byRank(seed));
  const members = new Map(templates.map((t) => [t, [...groups.get(t)!].sort(byRank(seed))]));
  const picked = new Map<string, string[]>();
  let taken = 0;
  for (let round = 0; round < MAX_PER_TEMPLATE && taken < limit; round++) {
    let any = false;
    for (const template of templates) {
      if (taken >= limit) break;
      const member = members.get(template)![round];
      if (member === undefined) continue;
      any = true;
      const list = picked.get(template) ?? [];
      list.push(member);
      picked.set(template, list);
      taken++;
    }
    if (!any) break;
  }
  return { picked, left: templates.filter((t) => !picked.has(t)) };
}

/** Orders by the hash of seed and text; ties (never in practice) by the text itself. */
function byRank(seed: string): (a: string, b: string) => number {
  const cache = new Map<string, string>();
  const rank = (text: string) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = createHash('sha256').update(seed).update('\0').update(text).digest('hex').slice(0, 16);
      cache.set(text, value);
    }
    return value;
  };
  return (a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : a < b ? -1 : a > b ? 1 : 0);
}
