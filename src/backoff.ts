/**
 * The readiness poll schedule. Short first interval and a low cap, so a deploy that becomes ready is
 * noticed within about a second; "equal jitter" (half fixed, half random) so many gates started by one
 * push do not poll in lockstep.
 */
export interface PollPolicy {
  firstMs: number;
  factor: number;
  capMs: number;
  /** Pause before the confirming request(s) after a first success: short, since nothing is wrong. */
  confirmMs: number;
  /** Longest wait a server's Retry-After may impose on one poll. */
  retryAfterCapMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstMs: 250,
  factor: 1.5,
  capMs: 1_000,
  confirmMs: 100,
  retryAfterCapMs: 15_000,
};

/** Delay before the next poll after `failures` failed polls in a row (1 = the first failure). */
export function backoffDelay(failures: number, policy: PollPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.firstMs * policy.factor ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP-date. Undefined when absent, negative or
 * unreadable (then the normal backoff applies). With several values, the first counts.
 */
export function parseRetryAfter(value: string | undefined, nowEpochMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const seconds = /^(\d+)\s*(?:,|$)/.exec(text);
  if (seconds) return Number(seconds[1]) * 1000;
  if (/^[-\d]/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowEpochMs);
}
