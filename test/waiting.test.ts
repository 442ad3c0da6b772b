import { afterEach, describe, expect, it } from 'vitest';
import { unbootableKey } from '../src/diagnosis/waiting.js';
import { diagnose } from '../src/diagnosis/compare.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { silentLogger } from '../src/log.js';
import { waitUntilReady, type ReadinessOptions } from '../src/readiness.js';
import { seededRandom, virtualClock } from './support/clock.js';
import { observe } from './support/fixtures.js';
import { routeResult } from './support/reports.js';
import { startServer, text, type Handler, type TestServer } from './support/servers.js';

/** Readiness that stops when waiting cannot help, keeps waiting when a boot can explain the answer, and
 * tells a half-finished rollout from a health endpoint that fails. Virtual clock: minutes run in ms. */

let server: TestServer | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

let clock0: () => number = () => 0;
async function poll(handler: Handler, options: Partial<ReadinessOptions> = {}) {
  server = await startServer({ '/health': handler });
  const clock = virtualClock();
  clock0 = clock.now;
  client = createHttpClient({ requestTimeoutMs: 2000, headers: [], clock });
  const result = await waitUntilReady({
    client,
    clock,
    log: silentLogger,
    healthUrl: new URL(server.url + '/health'),
    successThreshold: 2,
    deadlineMs: 300_000,
    budgetMs: 300_000,
    requestTimeoutMs: 2000,
    random: seededRandom(),
    unbootable: unbootableKey,
    ...options,
  });
  return { result, clock };
}

const disallowed = observe('django-400-disallowed-host', { path: '/health' });
const asHandler =
  (o: typeof disallowed): Handler =>
  (_req, res) =>
    res.writeHead(o.status!, { 'content-type': o.headers['content-type'] ?? 'text/html' }).end(o.body);

describe('stop waiting when waiting cannot help', () => {
  it('knows the answers no boot gives from the ones a boot does give', () => {
    expect(unbootableKey(disallowed)).toBe('django-disallowed-host');
    expect(unbootableKey(observe('django-404', { path: '/health' }))).toBe('django-not-found');
    expect(unbootableKey(observe('starlette-400-invalid-host', { path: '/health' }))).toBe('starlette-invalid-host');
    for (const boot of ['nginx-502-refused', 'nginx-503', 'nginx-504', 'haproxy-503-no-server', 'caddy-502-refused'])
      expect(unbootableKey(observe(boot, { path: '/health' })), boot).toBeUndefined();
  });

  it('a host check rejecting the public name ends the wait after the patience window, not the timeout', async () => {
    const { result, clock } = await poll(asHandler(disallowed));
    expect(result).toMatchObject({ ready: false, ended: 'unchanging', gaveUp: { why: 'patience' } });
    expect(result.gaveUp!.overMs).toBeGreaterThanOrEqual(60_000);
    expect(clock.now()).toBeLessThan(62_000);
    const [first] = diagnose({
      baseUrl: new URL(server!.url),
      healthLabel: 'health /health',
      readiness: result,
      routes: [routeResult('/', observe('django-400-disallowed-host', { path: '/' }))],
    });
    expect(first!.cause).toBe('host-rejected');
    expect(first!.evidence[0]).toMatch(/^stopped waiting: health gave this same answer \d+ times over 6\ds/);
  });

  it('right away once the GitHub deployment reported success', async () => {
    const { result, clock } = await poll(asHandler(disallowed), { deploymentSucceeded: true });
    expect(result).toMatchObject({ ended: 'unchanging', gaveUp: { why: 'deployment-succeeded', attempts: 2 } });
    expect(clock.now()).toBeLessThan(2_000);
  });

  it('a proxy 502 keeps the full wait, and so does an answer that changes', async () => {
    const { result, clock } = await poll(text(502, '<html><head><title>502 Bad Gateway</title></head></html>'), {
      deadlineMs: 120_000,
      budgetMs: 120_000,
    });
    expect(result.ended).toBe('deadline');
    expect(clock.now()).toBeGreaterThan(119_000);
  });

  it('an app that answers its own 404 for a while and then serves health is waited for within the patience', async () => {
    // An old release without the health endpoint, replaced 40 s in: under the 60 s patience.
    const notFound = observe('django-404', { path: '/health' });
    const { result, clock } = await poll((_req, res) =>
      clock0() < 40_000 ? asHandler(notFound)(_req, res) : res.writeHead(200).end('ok'),
    );
    expect(result.ready).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(40_000);
  });
});

describe('versions across instances', () => {
  it('healthy answers with and without expect-version: stale-version with the share of old ones', async () => {
    let n = 0;
    const { result } = await poll((_req, res) => res.writeHead(200).end(n++ % 2 ? 'ok v2' : 'ok v1'), {
      expectVersion: 'v2',
      deadlineMs: 20_000,
      budgetMs: 20_000,
    });
    expect(result.ready).toBe(false);
    expect(result.versionMixed!.total).toBe(result.attempts.length);
    expect(result.versionMixed!.old).toBe(result.attempts.filter((a) => a.versionFound === false).length);
    const [first] = diagnose({
      baseUrl: new URL(server!.url),
      healthLabel: 'health /health',
      readiness: result,
      routes: [],
      expectVersion: 'v2',
    });
    expect(first!.cause).toBe('stale-version');
    expect(first!.headline).toMatch(/^\d+ of \d+ healthy answers came from the previous release/);
  });
});

describe('a polite readiness poll', () => {
  it('spaces the confirming request out when it trips a rate limiter (nginx limit_req: 503 within 200 ms)', async () => {
    let last = -Infinity;
    const { result } = await poll((_req, res) => {
      const now = clock0();
      const limited = now - last < 200;
      last = now;
      res.writeHead(limited ? 503 : 200).end(limited ? '503 Service Temporarily Unavailable' : 'ok');
    });
    expect(result.ready).toBe(true);
    // Before: every confirmation came at once and got the 503; the deploy was never "ready".
    expect(result.attempts.length).toBeLessThan(8);
  });
});
