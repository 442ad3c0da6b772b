import type { Observation } from '../http/observation.js';
import { collectAssetRefs } from './collect.js';
import type { PageInput } from './check.js';
import { looksLikeHtml } from './judge.js';

/** A route's passing answer as a page to check the assets of, when it is HTML (else undefined). */
export function pageOf(route: string, seen: Observation): PageInput | undefined {
  if (seen.status === undefined || seen.status < 200 || seen.status >= 300 || !seen.body) return undefined;
  const type = seen.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const isHtml = type ? type === 'text/html' || type === 'application/xhtml+xml' : looksLikeHtml(seen.body);
  if (!isHtml) return undefined;
  const page = seen.finalUrl;
  return { route, page, ...collectAssetRefs(seen.body, new URL(page)) };
}
