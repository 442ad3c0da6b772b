import { afterEach, describe, expect, it } from 'vitest';
import { parseRouteLine } from '../src/config/route-line.js';
import { watchDiagnosis } from '../src/diagnosis/watch.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { PoliteLimiter } from '../src/limiter.js';
import { silentLogger, type Logger } from '../src/log.js';
import { LASTING_MS, watchDeploy, type WatchOptions } from '../src/watch.js';
import { seededRandom, virtualClock } from './support/clock.js';
import { startServer, type Handler, type TestServer } from './support/servers.js';

/** The watch after a pass, on a virtual clock: the deploy's behaviour is a function of the clock. */

let server: TestServer | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

type Behaviour = (nowMs: number, path: string, n: number) => number;

async function watch(behaviour: Behaviour, options: Partial<WatchOptions> = {}) {
  const clock = virtualClock();
  let n = 0;
  const handler: Handler = (req, res) => {
    const status = behaviour(clock.now(), req.url ?? '/', n++);
    res.writeHead(status, { 'content-type': 'text/html' }).end(status === 200 ? 'ok' : '<h1>Bad Gateway</h1>');
  };
  server = await startServer({}, handler);
  client = createHttpClient({ requestTimeoutMs: 2000, headers: [], clock });
  const lines: string[] = [];
  const log: Logger = { ...silentLogger, info: (m) => lines.push(m), warning: (m) => lines.push(m) };
  const routes = ['/', '/products/'].map((line) => {
    const parsed = parseRouteLine(line);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.value;
  });
  const result = await watchDeploy({
    client,
    clock,
    log,
    healthUrl: new URL(server.url + '/health'),
    healthLabel: 'health /health',
    baseUrl: new URL(server.url),
    routes,
    windowMs: 60_000,
    requestTimeoutMs: 2000,
    limiter: new PoliteLimiter(4, clock),
    random: seededRandom(3),
    ...options,
  });
  return { result, clock, lines };
}

describe('watch', () => {
  it('a healthy watch ends when its window ends, with progress lines', async () => {
    const { result, clock, lines } = await watch(() => 200);
    expect(result).toMatchObject({ ended: 'window', badAnswers: 0 });
    expect(clock.now()).toBeLessThanOrEqual(60_000 + 50);
    expect(clock.now()).toBeGreaterThanOrEqual(60_000);
    // About a round a second for a one-minute window (interval half to full of one second).
    expect(result.rounds).toBeGreaterThanOrEqual(60);
    expect(result.rounds).toBeLessThanOrEqual(121);
    expect(result.requests).toBe(result.rounds * 3);
    expect(lines.filter((l) => /^watch \d.* \/ 1m: \d+ rounds, all healthy$/.test(l)).length).toBeGreaterThanOrEqual(4);
  });

  it('a deploy that dies 6 s in ends the watch as "down" once the outage is lasting, not at the window end', async () => {
    const { result } = await watch((now) => (now < 6_000 ? 200 : 502));
    expect(result).toMatchObject({ ended: 'degraded', pattern: 'down' });
    expect(result.firstBadAtMs).toBeGreaterThanOrEqual(6_000);
    expect(result.firstBadAtMs).toBeLessThan(7_100);
    // Ended five seconds into the outage (a round or so later), not at the window's end.
    expect(LASTING_MS).toBe(5_000);
    expect(result.endedAtMs - result.firstBadAtMs!).toBeGreaterThanOrEqual(5_000);
    expect(result.endedAtMs - result.firstBadAtMs!).toBeLessThan(6_500);
    const d = watchDiagnosis(result, {
      baseUrl: new URL(server!.url),
      healthLabel: 'health /health',
      readyAtMs: 0,
    })!;
    expect(d.headline).toMatch(
      /^It passed, then health started failing 6\.\ds after ready: it went down and stayed down/,
    );
  });

  it('a crash that reaches the routes a round before health is still told as health going down', async () => {
    // The routes fail from 6 s, health only from 7 s: the first bad round has health still answering.
    const { result } = await watch((now, path) => (now < (path === '/health' ? 7_000 : 6_000) ? 200 : 502));
    expect(result).toMatchObject({ ended: 'degraded', pattern: 'down', failing: { label: 'health /health' } });
    const d = watchDiagnosis(result, { baseUrl: new URL(server!.url), healthLabel: 'health /health', readyAtMs: 0 })!;
    expect(d.headline).toMatch(/^It passed, then health started failing 6\.\ds after ready/);
  });

  it('up 4 s, down 3 s, again and again: a restart loop', async () => {
    const { result } = await watch((now) => (now % 7_000 < 4_000 ? 200 : 502));
    expect(result).toMatchObject({ ended: 'degraded', pattern: 'restart-loop' });
    expect(result.episodes.length).toBeGreaterThanOrEqual(2);
    expect(result.endedAtMs).toBeLessThan(20_000);
    const d = watchDiagnosis(result, { baseUrl: new URL(server!.url), healthLabel: 'health /health', readyAtMs: 0 })!;
    expect(d.headline).toMatch(/restart loop: down \d+ times, up about [34]\.\ds between/);
  });

  it('one route failing on some requests while health is fine: intermittent', async () => {
    let products = 0;
    const { result } = await watch((_now, path) => (path === '/products/' && products++ % 3 === 2 ? 500 : 200));
    expect(result).toMatchObject({ ended: 'degraded', pattern: 'intermittent', failing: { label: '/products/' } });
    expect(result.targets.find((t) => t.label === 'health /health')!.bad).toBe(0);
  });

  it('a rare error (one answer in twenty) does not end the watch', async () => {
    let products = 0;
    const { result } = await watch((_now, path) => (path === '/products/' && products++ % 20 === 19 ? 500 : 200));
    expect(result.ended).toBe('window');
    expect(result.badAnswers).toBeGreaterThanOrEqual(3);
  });

  it('cancelled during the watch: reports what it saw until then', async () => {
    const cancel = new AbortController();
    const { result } = await watch(
      (now) => {
        if (now > 10_000) cancel.abort();
        return 200;
      },
      { signal: cancel.signal },
    );
    expect(result.ended).toBe('cancelled');
    expect(result.rounds).toBeGreaterThan(5);
    expect(result.endedAtMs).toBeLessThan(13_000);
  });
});

describe('the watch in the gate and the summary', () => {
  it('a deploy that dies after the pass fails the run, with a watch row and a watch timeline', async () => {
    const { runGate } = await import('../src/gate.js');
    const { resolveConfig } = await import('../src/config/resolve.js');
    const { renderSummary } = await import('../src/report/summary.js');
    const clock = virtualClock();
    server = await startServer({}, (_req, res) => res.writeHead(clock.now() < 8_000 ? 200 : 502).end('x'));
    client = createHttpClient({ requestTimeoutMs: 2000, headers: [], clock });
    const config = await resolveConfig({
      values: { url: server.url, routes: '/', watch: '1m' },
      workspace: '/tmp',
      defaultReportPath: '/tmp/r.json',
    });
    const report = await runGate(config, { client, clock, log: silentLogger, random: seededRandom(5) });
    expect(report).toMatchObject({ verdict: 'fail', cause: 'upstream-unreachable', watch: { ended: 'degraded' } });
    expect(report.summary).toMatch(/^It passed, then health started failing [\d.]+s after ready/);
    const summary = renderSummary(report);
    expect(summary).toMatch(/\| ❌ \| `watch 1m` \| 502 \| .* \| down from [\d.]+m?s after ready/);
    // The watch on the chart and in the table under it.
    expect(summary).toMatch(
      / {2}section Watch\n {2}healthy :done, \d+, \d+\n {2}failing ×\d+ \(watch ended down\) :crit/,
    );
    expect(summary).toMatch(/\| watch \| failing ×\d+ \(watch ended: down\): 502 in /);
  });
});
