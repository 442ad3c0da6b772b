import type { Observation } from '../http/observation.js';
import { FINGERPRINTS, type CauseId } from './catalogue/index.js';
import { matchFingerprint, softFailure } from './catalogue/match.js';

/**
 * Which health answers waiting cannot change. A boot sequence gives refused connections, DNS misses for a
 * new preview host, TLS errors while a certificate is issued, and 502/503/504 from the proxy in front:
 * those keep the full wait. An app that is up and answers "not this host", its own 404 for the health
 * path, a placeholder page, or a protection wall will give the same answer in five minutes.
 */

const UNBOOTABLE_CAUSES = new Set<CauseId>(['host-rejected', 'route-not-found', 'wrong-content', 'auth-required']);

/** A key for an answer no boot gives (its fingerprint id), or undefined when waiting may still help. */
export function unbootableKey(observation: Observation): string | undefined {
  if (observation.error || observation.status === undefined) return undefined;
  const status = observation.status;
  // Answers of a proxy or platform while the app starts, and "try later": never final.
  if (status >= 500 || status === 408 || status === 425 || status === 429) return undefined;
  const placeholder = softFailure(observation, new URL(observation.url).pathname);
  if (placeholder) return placeholder.id;
  const row = matchFingerprint(observation, FINGERPRINTS, { routePath: new URL(observation.url).pathname })?.row;
  if (!row || !UNBOOTABLE_CAUSES.has(row.cause)) return undefined;
  // A platform's "not found" can be a brand-new preview host not attached yet: keep waiting for those.
  if (row.cause === 'route-not-found' && row.layer !== 'app') return undefined;
  return row.id;
}
