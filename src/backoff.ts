/**
 * The readiness poll schedule, in two phases. Most deploys become ready within half a minute of the gate
 * starting, so for the first 30 s polls come quickly (250 ms growing to a 1 s cap): readiness is noticed
 * within about half a second. After that the interval grows with the time waited beyond the fast phase
 * (1 s + that time, up to 30 s), which keeps a five-minute wait to about 60 requests (median 59 in
 * simulation; `npm run bench` measures it). "Equal jitter" (half fixed, half
 * random) keeps many gates started by one push from polling in lockstep.
 */
export interface PollPolicy {
  firstMs: number;
  factor: number;
  /** Cap of the fast phase. */
  capMs: number;
  /** How long the fast phase lasts, from the first poll. */
  fastPhaseMs: number;
  /** After the fast phase: the interval is this share of the time waited beyond it (plus capMs). */
  slowGrowth: number;
  slowCapMs: number;
  /** Pause before the confirming request(s) after a first success: none, nothing is wrong. */
  confirmMs: number;
  /** Longest wait a server's Retry-After may impose on one poll. */
  retryAfterCapMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  firstMs: 250,
  factor: 1.5,
  capMs: 1_000,
  fastPhaseMs: 30_000,
  slowGrowth: 1,
  slowCapMs: 30_000,
  confirmMs: 0,
  retryAfterCapMs: 15_000,
};

/** Delay before the next poll after `failures` failed polls in a row, `elapsedMs` into the wait. */
export function backoffDelay(failures: number, policy: PollPolicy, random: () => number, elapsedMs = 0): number {
  const fast = Math.min(policy.capMs, policy.firstMs * policy.factor ** Math.max(0, failures - 1));
  const beyond = elapsedMs - policy.fastPhaseMs;
  const ceiling = beyond <= 0 ? fast : Math.min(policy.slowCapMs, policy.capMs + beyond * policy.slowGrowth);
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
