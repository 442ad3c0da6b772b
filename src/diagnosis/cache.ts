import type { Observation } from '../http/observation.js';

/**
 * Whether an answer came out of a cache rather than from the app: Varnish's two transaction ids in
 * `X-Varnish` (the request's and the one that stored the object), an `Age` above 0, or a CDN's own hit
 * header. A health answer from a cache says nothing about the backend behind it at this moment.
 */

export interface CacheHit {
  /** Who cached it, when the headers say. */
  who: string;
  /** The headers that show it, for the evidence. */
  headers: string[];
}

const HIT = /^\s*(hit|stale|updating|revalidated)\b/i;

const SIGNS: ReadonlyArray<{ name: string; who: string; test: (value: string) => boolean }> = [
  { name: 'x-varnish', who: 'Varnish', test: (v) => /^\s*\d+\s+\d+\s*$/.test(v) },
  { name: 'x-cache', who: 'a cache (x-cache)', test: (v) => HIT.test(v) || /\bhit\b/i.test(v.split(',')[0] ?? '') },
  { name: 'cf-cache-status', who: 'Cloudflare', test: (v) => HIT.test(v) },
  { name: 'x-vercel-cache', who: 'the Vercel edge', test: (v) => HIT.test(v) || /^prerender/i.test(v) },
  { name: 'x-cache-status', who: 'a proxy cache', test: (v) => HIT.test(v) },
  { name: 'x-proxy-cache', who: 'a proxy cache', test: (v) => HIT.test(v) },
  { name: 'age', who: 'a cache (age)', test: (v) => /^\s*[1-9]\d*\s*$/.test(v) },
];

export function cacheHit(observation: Observation | undefined): CacheHit | undefined {
  if (!observation || observation.status === undefined) return undefined;
  const found = SIGNS.filter((s) => observation.headers[s.name] !== undefined && s.test(observation.headers[s.name]!));
  if (found.length === 0) return undefined;
  return {
    who: found[0]!.who,
    headers: found.map((s) => `${s.name}: ${observation.headers[s.name]}`),
  };
}
