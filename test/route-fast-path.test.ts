import { afterEach, describe, expect, it } from 'vitest';
import { parseRouteLine } from '../src/config/route-line.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { PoliteLimiter } from '../src/limiter.js';
import { silentLogger } from '../src/log.js';
import { runRoutes } from '../src/smoke.js';
import { seededRandom, virtualClock } from './support/clock.js';
import { sequence, startServer, text, type Handler, type TestServer } from './support/servers.js';

// Issue 19: a route whose first answer is good costs one request and no waiting; the limiter and the
// sampling loop start only on a 429/503 or a bad answer. These pin the behaviour the fast path must keep.

let server: TestServer | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

const specs = (lines: string[]) =>
  lines.map((line) => {
    const parsed = parseRouteLine(line);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.value;
  });

async function stage(lines: string[], routes: Record<string, Handler>, fallback?: Handler) {
  server = await startServer(routes, fallback);
  const clock = virtualClock();
  client = createHttpClient({ requestTimeoutMs: 2000, headers: [], clock });
  const limiter = new PoliteLimiter(4, clock);
  const results = await runRoutes({
    client,
    clock,
    log: silentLogger,
    baseUrl: new URL(server.url),
    routes: specs(lines),
    concurrency: 4,
    retries: 2,
    random: seededRandom(),
    limiter,
  });
  return { results, clock, limiter, server };
}

describe('the route stage when every first answer is good', () => {
  it('sends one request per route, never waits, keeps the order of the routes and the concurrency', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `/p/${i}`);
    const { results, clock, limiter, server } = await stage(lines, {}, text(200, '<h1>Shop</h1>'));
    expect(server.requests).toHaveLength(200);
    expect(results.map((r) => new URL(r.url).pathname)).toEqual(lines);
    expect(results.every((r) => r.passed && r.attempts === 1 && !r.flaky)).toBe(true);
    expect(clock.sleeps).toEqual([]);
    expect(server.peakConcurrency).toBeLessThanOrEqual(4);
    expect(limiter.stats(new URL(server.url))).toMatchObject({ slowdowns: 0, limit: 4, spacingMs: 0 });
  });
});

describe('the route stage when an answer is bad, among good ones', () => {
  it('starts sampling on the bad route only, and a 503 that clears still slows the origin down', async () => {
    const lines = ['/a', '/b', '/warming', '/c'];
    const { results, clock, limiter, server } = await stage(
      lines,
      { '/warming': sequence(text(503, 'starting'), text(200, 'ok')) },
      text(200, 'ok'),
    );
    expect(results.every((r) => r.passed)).toBe(true);
    const warming = results.find((r) => r.url.endsWith('/warming'))!;
    expect(warming.attempts).toBeGreaterThan(1);
    expect(results.filter((r) => r !== warming).every((r) => r.attempts === 1)).toBe(true);
    expect(clock.sleeps.length).toBeGreaterThan(0);
    expect(server.requests.filter((r) => r.path === '/warming').length).toBe(warming.attempts);
    expect(limiter.stats(new URL(server.url)).slowdowns).toBe(1);
  });

  it('a 429 reaches the limiter: it halves the concurrency and spaces requests out', async () => {
    const { results, limiter, server } = await stage(
      ['/a', '/busy'],
      { '/busy': sequence(text(429, 'slow down'), text(200, 'ok')) },
      text(200, 'ok'),
    );
    expect(results.every((r) => r.passed)).toBe(true);
    expect(limiter.stats(new URL(server.url))).toMatchObject({ slowdowns: 1, lowestLimit: 2 });
  });
});

describe('the limiter fast path', () => {
  const url = new URL('http://127.0.0.1:1/');

  it('starts work at once while a slot is free and nothing pushed back, and queues past the limit', async () => {
    const clock = virtualClock();
    const limiter = new PoliteLimiter(2, clock);
    const release: Array<() => void> = [];
    const started: number[] = [];
    const runs = [0, 1, 2].map((i) =>
      limiter.run(url, () => new Promise<void>((done) => (started.push(i), release.push(done)))),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    release.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    release.splice(0).forEach((done) => done());
    await Promise.all(runs);
    expect(clock.sleeps).toEqual([]);
  });

  it('after a slowdown, keeps the spacing even when a slot is free', async () => {
    const clock = virtualClock();
    const limiter = new PoliteLimiter(4, clock);
    limiter.slowDown(url, 0);
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) await limiter.run(url, async () => starts.push(clock.now()));
    expect(starts).toEqual([0, 250, 500]);
  });

  it('starts nothing on an aborted signal, and one abort wakes every queued route with one listener', async () => {
    const clock = virtualClock();
    const limiter = new PoliteLimiter(1, clock);
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      return add(...args);
    }) as typeof add;
    let finishFirst!: () => void;
    const first = limiter.run(url, () => new Promise<string>((done) => (finishFirst = () => done('first'))));
    const queued = Array.from({ length: 50 }, () => limiter.run(url, async () => 'ran', controller.signal));
    await new Promise((r) => setTimeout(r, 0));
    controller.abort();
    expect(await Promise.all(queued)).toEqual(queued.map(() => undefined));
    expect(listeners).toBeLessThanOrEqual(1);
    finishFirst();
    expect(await first).toBe('first');
    expect(await limiter.run(url, async () => 'ran', controller.signal)).toBeUndefined();
    expect(await limiter.run(url, async () => 'ran')).toBe('ran');
  });
});
