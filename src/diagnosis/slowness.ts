import type { Observation } from '../http/observation.js';
import type { Classification } from './classify.js';

/**
 * Timeouts by evidence, not only by known defaults. A proxy's 5xx that came after a wait far beyond what
 * the same deploy needs for its other answers is a timeout firing (Apache's `ProxyTimeout` gives
 * `502 Proxy Error … Error reading from remote server`, Varnish's `first_byte_timeout` the same 503 as a
 * dead backend), whatever the status says.
 */

/** Slower than this many times the deploy's usual answer, and at least MIN_SLOW_MS. */
export const SLOWER_THAN_USUAL = 10;
export const MIN_SLOW_MS = 900;

/** The causes a slow proxy 5xx is read as by its status alone, which its timing can overrule. */
const QUICK_CAUSES = new Set(['upstream-unreachable', 'no-healthy-backend', 'app-error', 'health-failing']);

/** The median time to first byte of the answers that worked: what this deploy usually needs. */
export function usualAnswerMs(observations: readonly Observation[]): number | undefined {
  const times = observations
    .filter((o) => !o.error && o.status !== undefined && o.status < 400)
    .map((o) => o.timings.firstByteMs ?? o.timings.totalMs)
    .sort((a, b) => a - b);
  return times.length ? times[Math.floor(times.length / 2)] : undefined;
}

export function timeoutByEvidence(c: Classification, usualMs: number | undefined): Classification {
  const o = c.sample;
  if (usualMs === undefined || o.error || o.status === undefined || o.status < 500) return c;
  if (!QUICK_CAUSES.has(c.cause) || (c.layer !== 'proxy' && c.layer !== 'edge' && c.layer !== 'platform')) return c;
  const took = o.timings.firstByteMs ?? o.timings.totalMs;
  if (took < MIN_SLOW_MS || took < SLOWER_THAN_USUAL * Math.max(usualMs, 1)) return c;
  return {
    ...c,
    cause: 'upstream-timeout',
    confidence: c.confidence === 'low' ? 'medium' : c.confidence,
    meaning: `${c.who ?? 'a proxy'} gave up waiting for the app: its ${o.status} came after ${seconds(took)}, where this deploy otherwise answers in ${seconds(usualMs)}`,
    evidence: [
      ...c.evidence,
      `timing: ${o.status} after ${seconds(took)}; this deploy's working answers take ${seconds(usualMs)} (median), so a proxy timeout fired`,
    ],
    // The row's fix is for the quick failure (wrong upstream); a timeout needs the timeout fix.
    fingerprint: c.fingerprint ? { ...c.fingerprint, fix: undefined, alternative: undefined } : undefined,
  };
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
