import type { Observation } from '../http/observation.js';
import { collectAssetRefs } from './collect.js';
import type { PageInput } from './types.js';
import { mayBePage } from './judge.js';

/** A route's passing answer as a page to check the assets of, when it is HTML (else undefined). */
export function pageOf(route: string, seen: Observation): PageInput | undefined {
  if (!mayBePage(seen)) return undefined;
  const page = seen.finalUrl;
  const refs = collectAssetRefs(seen.body, new URL(page));
  // Cut as it was read (at the tags the parser reads, or the body cap): the report says how much was read.
  const cut = seen.bodyTruncated && refs.readChars === undefined ? { readChars: seen.body.length } : {};
  return { route, page, ...refs, ...cut };
}
