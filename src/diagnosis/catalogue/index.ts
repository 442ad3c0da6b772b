import type { Fingerprint } from './fingerprint.js';
import { FRAMEWORKS } from './frameworks.js';
import { PLATFORMS } from './platforms.js';
import { PROXIES } from './proxies.js';
import { SOFT_FAILURES } from './soft-failures.js';

/**
 * The catalogue: every cause (causes.ts, in priority order) and every signature that points to one,
 * one file per family. Adding a cause is an entry in causes.ts, a row in a family file, and a fixture in
 * test/fixtures that names the row it must match.
 */

export {
  CAUSES,
  CAUSE_INFO,
  causeRank,
  composeFix,
  fillFix,
  type CauseEntry,
  type CauseId,
  type Layer,
} from './causes.js';
export { STACKS, STACK_NAMES, STACK_WORDS, type Stack } from './stacks.js';
export type { Confidence, Fingerprint, SoftFailure } from './fingerprint.js';
export type { PointerRule } from './pointer-rule.js';
export { TRANSPORT, type TransportRow } from './transport.js';
export { SOFT_FAILURES };

/**
 * Every answer-reading row. Families are tried in this order; a test checks that no recorded answer
 * matches rows of two families, so the order between files does not decide a diagnosis.
 */
export const FAMILIES = {
  platforms: PLATFORMS,
  proxies: PROXIES,
  frameworks: FRAMEWORKS,
  soft: SOFT_FAILURES,
} as const;

export const FINGERPRINTS: readonly Fingerprint[] = Object.values(FAMILIES).flat();
