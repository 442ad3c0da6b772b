import { afterEach, describe, expect, it } from 'vitest';
import { parseRouteLine } from '../src/config/route-line.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { silentLogger } from '../src/log.js';
import { resolveRoute, runRoutes } from '../src/smoke.js';
import { seededRandom, virtualClock } from './support/clock.js';
import { sequence, sleep, startServer, text, type Handler, type TestServer } from './support/servers.js';

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
  options: { concurrency?: number; retries?: number; real?: boolean } = {},
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

  it('marks a route that passes only after a retry as flaky, not failed', async () => {
    const { results, server } = await check(['/a'], { '/a': sequence(text(500, 'boom'), text(200, 'ok')) });
    expect(results[0]).toMatchObject({ passed: true, flaky: true, attempts: 2, earlier: ['500 in 0ms'] });
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the retries and reports the last answer', async () => {
    const { results, server } = await check(['/a'], { '/a': text(503, 'down') }, { retries: 2 });
    expect(results[0]).toMatchObject({ passed: false, attempts: 3, problem: { kind: 'status', expected: '2xx' } });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a deterministic 404', async () => {
    const { results, server } = await check(['/missing'], {});
    expect(results[0]).toMatchObject({ passed: false, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('honours a short Retry-After on a route, within its cap', async () => {
    const { results, clock } = await check(['/a'], {
      '/a': sequence(text(429, 'slow down', { 'retry-after': '1' }), text(200, 'ok')),
    });
    expect(results[0]!.flaky).toBe(true);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(1000);
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

  it('keeps the base URL path prefix', () => {
    expect(resolveRoute(new URL('https://x.example/app/'), '/a?b=1').href).toBe('https://x.example/app/a?b=1');
    expect(resolveRoute(new URL('https://x.example'), '/').href).toBe('https://x.example/');
  });
});
