import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { parseRouteLine } from '../src/config/route-line.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { PoliteLimiter } from '../src/limiter.js';
import { silentLogger } from '../src/log.js';
import { runRoutes } from '../src/smoke.js';
import { virtualClock } from './support/clock.js';
import { startServer, type TestServer } from './support/servers.js';

let server: TestServer | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

/** A token bucket: `rate` requests a second, `burst` at once; beyond that the answer is `status`. */
function tokenBucket(rate: number, burst: number, status: 429 | 503) {
  let tokens = burst;
  let last = performance.now();
  let rejected = 0;
  const handler = (_req: unknown, res: import('node:http').ServerResponse) => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (tokens < 1) {
      rejected++;
      return res.writeHead(status, status === 429 ? { 'retry-after': '1' } : {}).end('slow down');
    }
    tokens -= 1;
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Shop</h1>');
  };
  return { handler, rejected: () => rejected };
}

describe('the polite limiter', () => {
  it('halves the concurrency and spaces requests out when pushed back, then recovers slowly', () => {
    const clock = virtualClock();
    const limiter = new PoliteLimiter(8, clock);
    const url = new URL('http://127.0.0.1:1/');
    limiter.slowDown(url, clock.now());
    expect(limiter.stats(url)).toMatchObject({ limit: 4, spacingMs: 250 });
    // Answers to requests sent before that slowdown count once, not each.
    limiter.slowDown(url, clock.now() - 1);
    expect(limiter.stats(url)).toMatchObject({ limit: 4, spacingMs: 250 });
    limiter.slowDown(url, clock.now());
    expect(limiter.stats(url)).toMatchObject({ limit: 2, spacingMs: 500 });
    // One good answer wins nothing back; a run of them wins back a little at a time.
    limiter.good(url);
    expect(limiter.stats(url)).toMatchObject({ limit: 2, spacingMs: 500 });
    for (let i = 0; i < 6; i++) limiter.good(url);
    expect(limiter.stats(url)).toMatchObject({ limit: 2, spacingMs: 375 });
    for (let i = 0; i < 200; i++) limiter.good(url);
    expect(limiter.stats(url)).toMatchObject({ limit: 8, spacingMs: 0, slowdowns: 2, lowestLimit: 2 });
  });

  it('keeps requests the spacing apart', async () => {
    const clock = virtualClock();
    const limiter = new PoliteLimiter(4, clock);
    const url = new URL('http://127.0.0.1:1/');
    limiter.slowDown(url, 0);
    limiter.slowDown(url, 0);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => limiter.run(url, async () => starts.push(clock.now()))));
    expect(starts).toEqual([0, 500, 1000, 1500]);
  });

  for (const status of [429, 503] as const) {
    it(`four routes at once against a 5 r/s token bucket that answers ${status}: every route passes`, async () => {
      const bucket = tokenBucket(5, 1, status);
      const paths = ['/', '/products/', '/cart/', '/about/', '/api/items', '/contact/'];
      server = await startServer(Object.fromEntries(paths.map((p) => [p, bucket.handler])));
      const clock = systemClock();
      client = createHttpClient({ requestTimeoutMs: 2000, headers: [], clock });
      const limiter = new PoliteLimiter(4, clock);
      const results = await runRoutes({
        client,
        clock,
        log: silentLogger,
        baseUrl: new URL(server.url),
        routes: paths.map((p) => {
          const parsed = parseRouteLine(p);
          if (!parsed.ok) throw new Error(parsed.message);
          return parsed.value;
        }),
        concurrency: 4,
        retries: 2,
        limiter,
      });
      expect(results.map((r) => r.passed)).toEqual(paths.map(() => true));
      expect(bucket.rejected()).toBeGreaterThan(0);
      const stats = limiter.stats(new URL(server.url));
      expect(stats.slowdowns).toBeGreaterThan(0);
      expect(stats.lowestLimit).toBeLessThan(4);
    });
  }
});
