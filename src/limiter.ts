import type { Clock } from './clock.js';

/**
 * A polite client, per origin: at most `limit` requests in flight and at least `intervalMs` between
 * request starts. When the deployment says "too many" (a 429, or a 503 that cleared on a slower retry),
 * the limit halves and the spacing doubles; each run of good answers wins a little back. The gate's own
 * burst should never be what makes a healthy deploy fail. Modelled on lychee's per-host limiter
 * (halve on 429, recover gradually); written here for the clock the core runs on.
 */

export const MAX_SPACING_MS = 2_000;
/**
 * The longest pause a `Retry-After` imposes on an origin, as readiness honours it: one 429 saying "3600"
 * would otherwise hold every route past the stage's end, and a healthy deploy would end as "not checked".
 */
export const MAX_PAUSE_MS = 15_000;
const FIRST_SPACING_MS = 250;

export interface LimiterStats {
  /** How many times it slowed down. */
  slowdowns: number;
  /** The lowest concurrency and the widest spacing it used. */
  lowestLimit: number;
  widestSpacingMs: number;
}

class OriginLimiter {
  limit: number;
  spacingMs = 0;
  private inFlight = 0;
  private nextStartMs = 0;
  private goodSinceChange = 0;
  private lastSlowdownMs = Number.NEGATIVE_INFINITY;
  private readonly waiting: Array<() => void> = [];
  private readonly watched = new WeakSet<AbortSignal>();
  readonly stats: LimiterStats;

  constructor(
    private readonly max: number,
    private readonly clock: Clock,
  ) {
    this.limit = max;
    this.stats = { slowdowns: 0, lowestLimit: max, widestSpacingMs: 0 };
  }

  /**
   * The common case, without a promise or a timer: a slot is free and no spacing applies (nothing pushed
   * back yet). False when the caller must wait (`acquire`).
   */
  tryAcquire(signal?: AbortSignal): boolean {
    if (this.inFlight >= this.limit || signal?.aborted) return false;
    const now = this.clock.now();
    if (this.nextStartMs > now) return false;
    this.inFlight++;
    this.nextStartMs = now + this.spacingMs;
    return true;
  }

  /** Waits for a slot and the spacing; false when `signal` aborted first (nothing was taken). */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    while (this.inFlight >= this.limit) {
      if (signal?.aborted) return false;
      // One abort listener per signal, not one per waiting route: a thousand routes queue here at once.
      if (signal && !this.watched.has(signal)) {
        this.watched.add(signal);
        signal.addEventListener('abort', () => this.waiting.splice(0).forEach((wake) => wake()), { once: true });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (signal?.aborted) return false;
    this.inFlight++;
    const now = this.clock.now();
    const startAt = Math.max(now, this.nextStartMs);
    this.nextStartMs = startAt + this.spacingMs;
    if (startAt > now) await this.clock.sleep(startAt - now, signal);
    if (signal?.aborted) {
      this.release();
      return false;
    }
    return true;
  }

  release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  /**
   * The deployment pushed back: halve, space requests out, and honour its pause when it named one. Answers
   * to requests sent before the last slowdown were sent at the old pace: they count once, not each.
   */
  slowDown(sentAtMs: number, pauseMs?: number): void {
    if (sentAtMs < this.lastSlowdownMs) return;
    this.lastSlowdownMs = this.clock.now();
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.spacingMs = Math.min(MAX_SPACING_MS, Math.max(FIRST_SPACING_MS, this.spacingMs * 2));
    if (pauseMs !== undefined && pauseMs > 0) {
      this.nextStartMs = Math.max(this.nextStartMs, this.clock.now() + Math.min(pauseMs, MAX_PAUSE_MS));
    }
    this.goodSinceChange = 0;
    this.stats.slowdowns++;
    this.stats.lowestLimit = Math.min(this.stats.lowestLimit, this.limit);
    this.stats.widestSpacingMs = Math.max(this.stats.widestSpacingMs, this.spacingMs);
  }

  /** A good answer: after a few in a row, one more request in flight and a little less spacing. */
  good(): void {
    if (this.limit >= this.max && this.spacingMs === 0) return;
    if (++this.goodSinceChange < 2 * this.limit + 2) return;
    this.goodSinceChange = 0;
    this.spacingMs = this.spacingMs <= FIRST_SPACING_MS / 2 ? 0 : Math.round(this.spacingMs * 0.75);
    if (this.spacingMs === 0) this.limit = Math.min(this.max, this.limit + 1);
    for (let woken = this.waiting.length; woken > 0 && this.inFlight < this.limit; woken--) this.waiting.shift()?.();
  }
}

export class PoliteLimiter {
  private readonly origins = new Map<string, OriginLimiter>();

  constructor(
    private readonly maxPerOrigin: number,
    private readonly clock: Clock,
  ) {}

  private of(url: URL): OriginLimiter {
    let limiter = this.origins.get(url.origin);
    if (!limiter) {
      limiter = new OriginLimiter(this.maxPerOrigin, this.clock);
      this.origins.set(url.origin, limiter);
    }
    return limiter;
  }

  /** Runs `work` within the origin's limits; undefined when `signal` aborted before it could start. */
  async run<T>(url: URL, work: () => Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
    const limiter = this.of(url);
    if (!limiter.tryAcquire(signal) && !(await limiter.acquire(signal))) return undefined;
    try {
      return await work();
    } finally {
      limiter.release();
    }
  }

  /** `sentAtMs`: when the request that was pushed back started. */
  slowDown(url: URL, sentAtMs: number, pauseMs?: number): void {
    this.of(url).slowDown(sentAtMs, pauseMs);
  }

  good(url: URL): void {
    // An origin that never pushed back has nothing to win back: no limiter is made for it here.
    this.origins.get(url.origin)?.good();
  }

  stats(url: URL): LimiterStats & { limit: number; spacingMs: number } {
    const limiter = this.of(url);
    return { ...limiter.stats, limit: limiter.limit, spacingMs: limiter.spacingMs };
  }
}
