import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_POLL_POLICY, parseRetryAfter } from '../src/backoff.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { silentLogger } from '../src/log.js';
import { MIN_ATTEMPT_MS, waitUntilReady, type ReadinessOptions } from '../src/readiness.js';
import { seededRandom, virtualClock } from './support/clock.js';
import { sleep, startServer, text, type Handler, type TestServer } from './support/servers.js';

let server: TestServer | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function poll(
  handler: Handler,
  options: Partial<ReadinessOptions> & { clock?: ReturnType<typeof virtualClock> } = {},
) {
  server = await startServer({ '/health': handler });
  const clock = options.clock ?? virtualClock();
  client = createHttpClient({ requestTimeoutMs: 2000, headers: [], clock });
  const result = await waitUntilReady({
    client,
    clock,
    log: silentLogger,
    healthUrl: new URL(server.url + '/health'),
    successThreshold: 2,
    deadlineMs: 60_000,
    budgetMs: 60_000,
    requestTimeoutMs: 2000,
    random: seededRandom(),
    ...options,
  });
  return { result, clock, server };
}

describe('backoff schedule', () => {
  it('starts short, grows, never passes the cap, and is jittered within [half, full]', () => {
    const random = seededRandom(7);
    for (let failures = 1; failures <= 20; failures++) {
      const ceiling = Math.min(
        DEFAULT_POLL_POLICY.capMs,
        DEFAULT_POLL_POLICY.firstMs * DEFAULT_POLL_POLICY.factor ** (failures - 1),
      );
      const delay = backoffDelay(failures, DEFAULT_POLL_POLICY, random);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
      expect(delay).toBeLessThanOrEqual(Math.ceil(ceiling));
    }
    expect(backoffDelay(1, DEFAULT_POLL_POLICY, () => 0)).toBe(125);
    expect(backoffDelay(50, DEFAULT_POLL_POLICY, () => 1)).toBe(1000);
  });

  it('slows down after the fast phase, growing with the time waited, up to 30 s', () => {
    const at = (seconds: number) => backoffDelay(99, DEFAULT_POLL_POLICY, () => 1, seconds * 1000);
    expect(at(29)).toBe(1_000);
    expect(at(40)).toBe(11_000);
    expect(at(60)).toBe(30_000);
    expect(at(280)).toBe(30_000);
  });

  it.each([
    ['2', 2000],
    ['0', 0],
    ['2, 3', 2000],
    ['-2', undefined],
    ['badbadbad', undefined],
    ['', undefined],
    [new Date(Date.UTC(2030, 0, 1, 0, 0, 3)).toUTCString(), 3000],
    [new Date(Date.UTC(2029, 11, 31)).toUTCString(), 0],
  ])('Retry-After %j is %j ms', (value, ms) => {
    expect(parseRetryAfter(value, Date.UTC(2030, 0, 1))).toBe(ms);
  });
});

describe('readiness', () => {
  it('is ready after two healthy answers in a row, with a quick confirmation', async () => {
    const { result, clock, server } = await poll(text(200, 'ok'));
    expect(result.ready).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([0]); // the confirmation follows at once
  });

  it('counts only consecutive successes', async () => {
    const script = [503, 200, 503, 200, 200];
    let n = 0;
    const { result } = await poll((_req, res) => res.writeHead(script[Math.min(n++, script.length - 1)]!).end());
    expect(result.ready).toBe(true);
    expect(result.attempts.map((a) => a.status)).toEqual(script);
  });

  it('spends about 60 requests on a deploy that never becomes ready in five minutes', async () => {
    const { result } = await poll(text(503, 'starting'), {
      deadlineMs: 300_000,
      budgetMs: 300_000,
      random: seededRandom(3),
    });
    expect(result.attempts.length).toBeGreaterThanOrEqual(50);
    expect(result.attempts.length).toBeLessThanOrEqual(65);
    // Fast at first (the first 30 s hold most of them), then spaced out.
    expect(result.attempts.filter((a) => a.atMs < 30_000).length).toBeGreaterThan(35);
    expect(Math.max(...result.attempts.map((a) => a.waitMs ?? 0))).toBeLessThanOrEqual(30_000);
  });

  it('uses a fresh connection for every poll', async () => {
    let n = 0;
    const { server } = await poll((_req, res) => res.writeHead(n++ < 3 ? 503 : 200).end());
    expect(server.connections).toBe(server.requests.length);
  });

  it('notices a deploy that becomes ready within the cap plus the confirmation', async () => {
    const clock = virtualClock();
    const readyAt = 8_000;
    const { result } = await poll((_req, res) => res.writeHead(clock.now() >= readyAt ? 200 : 503).end(), { clock });
    expect(result.ready).toBe(true);
    expect(result.readyAtMs! - readyAt).toBeLessThanOrEqual(DEFAULT_POLL_POLICY.capMs + DEFAULT_POLL_POLICY.confirmMs);
  });

  it('stops at the deadline without sleeping past it', async () => {
    const { result, clock } = await poll(text(503, 'warming up'), { deadlineMs: 5_000, budgetMs: 5_000 });
    expect(result.ready).toBe(false);
    expect(result.ended).toBe('deadline');
    expect(clock.now()).toBe(5_000 - MIN_ATTEMPT_MS);
    expect(result.last?.status).toBe(503);
  });

  it("keeps health's last real answer when the final poll is cut short by the deadline", async () => {
    const clock = virtualClock();
    const { result } = await poll(
      async (_req, res) => {
        // The last poll starts at 4.03 s with under a second left: answer slower than that.
        if (clock.now() >= 4_000) await sleep(1_200);
        res.writeHead(502).end('bad gateway');
      },
      { clock, deadlineMs: 5_000, budgetMs: 5_000, random: () => 1 },
    );
    expect(result.attempts.at(-1)).toMatchObject({ cutAtDeadline: true, error: expect.stringContaining('timeout') });
    expect(result.last?.status).toBe(502);
  });

  it('honours Retry-After, capped by the policy and the remaining budget', async () => {
    let n = 0;
    const { result } = await poll((_req, res) => {
      if (n++ === 0) res.writeHead(503, { 'retry-after': '3' }).end();
      else if (n === 2) res.writeHead(503, { 'retry-after': '3600' }).end();
      else res.writeHead(200).end();
    });
    expect(result.attempts[0]).toMatchObject({ retryAfterMs: 3000, waitMs: 3000 });
    expect(result.attempts[1]).toMatchObject({ retryAfterMs: 3_600_000, waitMs: DEFAULT_POLL_POLICY.retryAfterCapMs });
    const short = await poll((_req, res) => res.writeHead(503, { 'retry-after': '3600' }).end(), {
      deadlineMs: 4_000,
      budgetMs: 4_000,
    });
    expect(short.result.attempts[0]!.waitMs).toBe(4_000 - MIN_ATTEMPT_MS);
  });

  it('waits for expect-version in the body or any header', async () => {
    const clock = virtualClock();
    const inHeader = await poll(
      (_req, res) => res.writeHead(200, { 'x-release': clock.now() > 2_000 ? 'v2' : 'v1' }).end('ok'),
      {
        clock,
        expectVersion: 'v2',
      },
    );
    expect(inHeader.result.ready).toBe(true);
    expect(inHeader.result.readyAtMs).toBeGreaterThan(2_000);
    await client?.close();
    await server?.close();
    const stale = await poll(text(200, '{"version":"v1"}'), {
      expectVersion: 'v2',
      deadlineMs: 3_000,
      budgetMs: 3_000,
    });
    expect(stale.result.ready).toBe(false);
    expect(stale.result.versionMissing).toBe(true);
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    let n = 0;
    const { result } = await poll(
      (_req, res) => {
        if (++n === 3) controller.abort();
        res.writeHead(503).end();
      },
      { signal: controller.signal },
    );
    expect(result.ended).toBe('cancelled');
    expect(result.attempts.length).toBeLessThanOrEqual(3);
  });
});
