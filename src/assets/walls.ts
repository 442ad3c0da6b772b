import { CAUSE_INFO } from '../diagnosis/catalogue/causes.js';
import { FINGERPRINTS } from '../diagnosis/catalogue/index.js';
import { matchFingerprint } from '../diagnosis/catalogue/match.js';
import type { Observation } from '../http/observation.js';
import type { AssetProblem } from './types.js';

/**
 * An asset's 401/403 that a catalogue row says comes from a protection wall (a bot challenge, a WAF):
 * the asset could not be checked, which is not the same as missing.
 */
export function wallProblem(seen: Observation): AssetProblem | undefined {
  const row = matchFingerprint(seen, FINGERPRINTS)?.row;
  return row && CAUSE_INFO[row.cause].inconclusive ? { kind: 'blocked', cause: row.cause } : undefined;
}
