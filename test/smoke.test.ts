import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { parseRouteLine } from '../src/config/route-line.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { silentLogger } from '../src/log.js';
import { ROUTE_EXCERPT_BYTES, resolveRoute, runRoutes, type SmokeOptions } from '../src/smoke.js';
import { MAX_PARSED_TAGS } from '../src/assets/limits.js';
import { seededRandom, virtualClock } from './support/clock.js';
import { sequence, sleep, startServer, text, type Handler, type TestServer } from './support/servers.js';
import { loadPatternEngine } from '../src/body-pattern.js';

// Route lines parsed here directly, not through resolveConfig, which loads RE2 for a run that needs it.
beforeAll(loadPatternEngine);

let server: TestServer | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function check(
  lines: string[],
  routes: Record<string, Handler>,
  options: { concurrency?: number; retries?: number; real?: boolean; onAnswer?: SmokeOptions['onAnswer'] } = {},
) {
  server = await startServer(routes);
  const clock = virtualClock();
  client = createHttpClient({ requestTimeoutMs: 2000, headers: [], clock });
  const specs = lines.map((line) => {
    const parsed = parseRouteLine(line);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.value;
  });
  const results = await runRoutes({
    client,
    clock,
    log: silentLogger,
    baseUrl: new URL(server.url),
    routes: specs,
    concurrency: options.concurrency ?? 4,
    retries: options.retries ?? 2,
    random: seededRandom(),
    onAnswer: options.onAnswer,
  });
  return { results, server, clock };
}

describe('smoke routes', () => {
  it('never has more routes in flight than the concurrency', async () => {
    const routes: Record<string, Handler> = {};
    const lines = Array.from({ length: 20 }, (_, i) => `/r${i}`);
    for (const line of lines)
      routes[line] = async (_req, res) => {
        await sleep(30);
        res.end('ok');
      };
    const { results, server } = await check(lines, routes, { concurrency: 4 });
    expect(results.every((r) => r.passed)).toBe(true);
    expect(server.peakConcurrency).toBeLessThanOrEqual(4);
    expect(server.peakConcurrency).toBeGreaterThan(1);
  });

  it('passes a route that warms up only after good answers in a row, and says how long it took', async () => {
    let n = 0;
    const { results, server } = await check(['/a'], {
      '/a': (_req, res) => res.writeHead(n++ < 4 ? 503 : 200).end(n <= 4 ? 'warming' : 'ok'),
    });
    expect(results[0]).toMatchObject({ passed: true, flaky: true, attempts: 6 });
    expect(results[0]!.samples.map((s) => s.good)).toEqual([false, false, false, false, true, true]);
    // From the first 503 to the first good answer of the run that passed it: the sum of the waits.
    const waits = results[0]!.samples.slice(0, 4).reduce((t, s) => t + (s.waitMs ?? 0), 0);
    expect(results[0]!.warmedUpMs).toBeGreaterThanOrEqual(waits - 5);
    expect(server.requests).toHaveLength(6);
  });

  it('backs off from a quarter second up to two seconds between bad answers', async () => {
    const { results } = await check(['/a'], { '/a': text(503, 'down') });
    const waits = results[0]!.samples.map((s) => s.waitMs ?? 0).slice(0, 6);
    expect(waits[0]).toBeGreaterThanOrEqual(125);
    expect(waits[0]).toBeLessThanOrEqual(250);
    expect(waits[3]).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(2000);
  });

  it('fails a route that answers the same failure for the whole settle rule, with every sample kept', async () => {
    const { results, clock } = await check(['/a'], { '/a': text(503, 'down') }, { retries: 2 });
    expect(results[0]).toMatchObject({ passed: false, problem: { kind: 'status', expected: '2xx' } });
    expect(results[0]!.intermittent).toBeUndefined();
    expect(results[0]!.samples.length).toBeGreaterThanOrEqual(5);
    // Stable failure: about ten seconds of the same answer, not the whole twenty-second window.
    expect(clock.now()).toBeGreaterThanOrEqual(10_000);
    expect(clock.now()).toBeLessThan(15_000);
  });

  it('calls answers that keep alternating intermittent, with the share of bad ones', async () => {
    let n = 0;
    const { results } = await check(['/a'], {
      '/a': (_req, res) => res.writeHead(n++ % 2 === 0 ? 500 : 200).end(n % 2 ? 'Server Error (500)' : 'ok'),
    });
    const result = results[0]!;
    expect(result.passed).toBe(false);
    expect(result.intermittent!.total).toBe(result.samples.length);
    expect(result.intermittent!.bad).toBe(result.samples.filter((s) => !s.good).length);
    expect(result.intermittent!.bad).toBeGreaterThan(2);
    // The failure is judged by a bad answer, not by whichever came last.
    expect(result.observation.status).toBe(500);
  });

  it('judges from one answer when sampling is off (retries 0)', async () => {
    const { results, server } = await check(['/a'], { '/a': text(503, 'down') }, { retries: 0 });
    expect(results[0]).toMatchObject({ passed: false, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a deterministic 404', async () => {
    const { results, server } = await check(['/missing'], {});
    expect(results[0]).toMatchObject({ passed: false, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('honours a Retry-After that fits the settle window', async () => {
    const { results, clock } = await check(['/a'], {
      '/a': sequence(text(429, 'slow down', { 'retry-after': '3' }), text(200, 'ok')),
    });
    expect(results[0]!.passed).toBe(true);
    expect(results[0]!.samples[0]).toMatchObject({ retryAfterMs: 3000, waitMs: 3000 });
    expect(clock.now()).toBeGreaterThanOrEqual(3000);
  });

  it('does not sit out a Retry-After longer than the window: its own pace applies', async () => {
    const { results, clock } = await check(['/a'], {
      '/a': sequence(text(503, 'later', { 'retry-after': '3600' }), text(200, 'ok')),
    });
    expect(results[0]!.passed).toBe(true);
    expect(results[0]!.samples[0]!.retryAfterMs).toBeUndefined();
    expect(clock.now()).toBeLessThan(2_000);
  });

  it('checks explicit statuses, body text and patterns', async () => {
    const { results } = await check(
      [
        'POST /api/login 401',
        '/api/items 200 contains "items"',
        '/api/v 2xx matches /v\\d+\\.\\d+/',
        '/api/wrong contains "items"',
      ],
      {
        '/api/login': (req, res) => res.writeHead(req.method === 'POST' ? 401 : 405).end(),
        '/api/items': text(200, '{"items":[]}'),
        '/api/v': text(200, 'version v2.14'),
        '/api/wrong': text(200, '<div id="root"></div>'),
      },
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, true, false]);
    expect(results[3]!.problem).toEqual({ kind: 'body', expected: 'contains "items"' });
  });

  it('does not follow a redirect the route expects, and follows it otherwise', async () => {
    const { results } = await check(['/admin/ 302', '/old'], {
      '/admin/': text(302, '', { location: '/login/' }),
      '/old': text(301, '', { location: '/new' }),
      '/new': text(200, 'new page'),
    });
    expect(results[0]).toMatchObject({ passed: true, observation: { status: 302 } });
    expect(results[1]).toMatchObject({ passed: true, observation: { status: 200, redirects: [{ status: 301 }] } });
  });

  it('reads of a body what the route needs: whole for a body check, to the parsed tags for a page, else an excerpt', async () => {
    const big = `${'x'.repeat(1024 * 1024 - 16)} the end`;
    const tags = '<p>'.repeat(MAX_PARSED_TAGS + 500);
    const seenWhole: Record<string, number> = {};
    const { results } = await check(
      ['/plain', '/checked contains "the end"', '/page'],
      {
        '/plain': text(200, big, { 'content-type': 'text/plain' }),
        '/checked': text(200, big, { 'content-type': 'text/plain' }),
        '/page': text(200, `<!doctype html>${tags}`, { 'content-type': 'text/html' }),
      },
      { concurrency: 2, retries: 0, onAnswer: (route, seen) => void (seenWhole[route.path] = seen.body.length) },
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, true]);
    const [plain, checked, page] = results.map((r) => r.observation);
    // No check needs the plain body whole: its read ends at the excerpt, and says so.
    expect(plain).toMatchObject({ bodyBytes: ROUTE_EXCERPT_BYTES, bodyTruncated: true });
    expect(seenWhole['/plain']).toBe(ROUTE_EXCERPT_BYTES);
    // The body check reads to the end (the text it looks for is the last of the megabyte).
    expect(checked).toMatchObject({ bodyBytes: big.length, bodyTruncated: false });
    // The page is read up to where the tag past the parser's cap starts: the doctype and the first <p>s.
    expect(page).toMatchObject({
      bodyBytes: '<!doctype html>'.length + (MAX_PARSED_TAGS - 1) * 3,
      bodyTruncated: true,
    });
    expect(seenWhole['/page']).toBe(page!.bodyBytes);
  });

  it('keeps the base URL path prefix', () => {
    expect(resolveRoute(new URL('https://x.example/app/'), '/a?b=1').href).toBe('https://x.example/app/a?b=1');
    expect(resolveRoute(new URL('https://x.example'), '/').href).toBe('https://x.example/');
  });
});
