import { afterEach, describe, expect, it } from 'vitest';
import { BASELINE_SITE, gateRun } from '../support/gate.js';
import { startServer, text, type Handler, type TestServer } from '../support/servers.js';

/** The gate with a baseline-url, in-process: two loopback deploys, the new one and "production". */

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function pair(here: Record<string, Handler>, there: Record<string, Handler>) {
  const a = await startServer(here);
  const b = await startServer(there);
  servers.push(a, b);
  return { here: a, baseline: b, url: `http://${BASELINE_SITE}:${b.port}` };
}

const ok = text(200, '<h1>shop</h1>');
const appError = text(500, '<h1>Server Error (500)</h1>');

describe('a run with a baseline', () => {
  it('a route that fails only here is a regression: the run fails with its own cause', async () => {
    const { here, url } = await pair(
      { '/health': ok, '/': ok, '/cart': appError },
      { '/health': ok, '/': ok, '/cart': ok },
    );
    const report = await gateRun(here, { routes: '/\n/cart', 'baseline-url': url, retries: '0' });
    expect(report.verdict).toBe('fail');
    expect(report.cause).toBe('app-error');
    expect(report.baseline?.available).toBe(true);
    expect(report.baseline?.routes.map((r) => [r.route, r.outcome])).toEqual([
      ['/', 'same'],
      ['/cart', 'regressed'],
    ]);
    expect(report.summary).toMatch(/Against the baseline: 1 regression\.$/);
  });

  it('a route broken on both with the same answer is already-broken: reported, and the run passes', async () => {
    const { here, url } = await pair(
      { '/health': ok, '/': ok, '/legacy': appError },
      { '/health': ok, '/': ok, '/legacy': appError },
    );
    const report = await gateRun(here, { routes: '/\n/legacy', 'baseline-url': url, retries: '0' });
    expect(report.verdict).toBe('pass');
    expect(report.diagnoses).toEqual([]);
    expect(report.baseline?.counts).toMatchObject({ alreadyBroken: 1, regressed: 0 });
    expect(report.summary).toMatch(/1 already broken on the baseline \(not counted\)\.$/);
    // The route is still in the report as it failed here.
    expect(report.routes.find((r) => r.route.label === '/legacy')?.passed).toBe(false);
  });

  it('fail-on-baseline-breakage makes old breakage fail the run', async () => {
    const { here, url } = await pair({ '/health': ok, '/legacy': appError }, { '/health': ok, '/legacy': appError });
    const report = await gateRun(here, {
      routes: '/legacy',
      'baseline-url': url,
      'fail-on-baseline-breakage': 'true',
      retries: '0',
    });
    expect(report.verdict).toBe('fail');
    expect(report.cause).toBe('app-error');
  });

  it('broken on both but differently is a regression', async () => {
    const { here, url } = await pair(
      { '/health': ok, '/legacy': appError },
      { '/health': ok, '/legacy': text(404, 'nope') },
    );
    const report = await gateRun(here, { routes: '/legacy', 'baseline-url': url, retries: '0' });
    expect(report.verdict).toBe('fail');
    expect(report.baseline?.routes[0]).toMatchObject({ outcome: 'regressed' });
    expect(report.baseline?.routes[0]?.differences[0]).toMatch(/^fails differently: 500 in .* here, 404 in .* there$/);
  });

  it('a route that works here and fails there is fixed', async () => {
    const { here, url } = await pair({ '/health': ok, '/new': ok }, { '/health': ok, '/new': appError });
    const report = await gateRun(here, { routes: '/new', 'baseline-url': url, retries: '0' });
    expect(report.verdict).toBe('pass');
    expect(report.baseline?.routes[0]?.outcome).toBe('fixed');
    expect(report.summary).toMatch(/Against the baseline: 1 fixed\.$/);
  });

  it('an unreachable baseline is "unavailable": never a failure, the deploy judged on its own', async () => {
    const { here } = await pair({ '/health': ok, '/': ok }, {});
    const dead = await startServer({});
    const port = dead.port;
    await dead.close();
    const report = await gateRun(here, {
      routes: '/',
      'baseline-url': `http://${BASELINE_SITE}:${port}`,
      retries: '0',
    });
    expect(report.verdict).toBe('pass');
    expect(report.baseline?.available).toBe(false);
    expect(report.summary).toMatch(/Baseline unavailable \(.*connection refused.*\): judged on its own\.$/);
  });

  it('a baseline behind a wall excuses nothing: the failing route still fails', async () => {
    const wall = text(401, 'sign in', { 'www-authenticate': 'Basic realm="x"' });
    const { here, url } = await pair({ '/health': ok, '/cart': appError }, { '/health': wall, '/cart': wall });
    const report = await gateRun(here, { routes: '/cart', 'baseline-url': url, retries: '0' });
    expect(report.verdict).toBe('fail');
    expect(report.baseline?.available).toBe(false);
  });

  it('headers reach the baseline only when baseline-headers says so', async () => {
    const { here, baseline, url } = await pair({ '/health': ok, '/': ok }, { '/health': ok, '/': ok });
    await gateRun(here, { routes: '/', 'baseline-url': url, headers: 'X-Bypass: s3cret' });
    expect(baseline.requests.some((r) => r.headers['x-bypass'])).toBe(false);
    expect(here.requests.every((r) => r.headers['x-bypass'] === 's3cret')).toBe(true);
    baseline.requests.length = 0;
    await gateRun(here, { routes: '/', 'baseline-url': url, headers: 'X-Bypass: s3cret', 'baseline-headers': 'true' });
    expect(baseline.requests.length).toBeGreaterThan(0);
    expect(baseline.requests.every((r) => r.headers['x-bypass'] === 's3cret')).toBe(true);
    baseline.requests.length = 0;
    await gateRun(here, {
      routes: '/',
      'baseline-url': url,
      headers: 'X-Bypass: s3cret',
      'baseline-headers': 'X-Prod: other',
    });
    expect(baseline.requests.every((r) => r.headers['x-prod'] === 'other' && !r.headers['x-bypass'])).toBe(true);
  });

  it('times only safe methods, in pairs, within the cap', async () => {
    const { here, baseline, url } = await pair(
      { '/health': ok, '/': ok, '/api/login': text(401, 'no') },
      { '/health': ok, '/': ok, '/api/login': text(401, 'no') },
    );
    const report = await gateRun(here, { routes: '/\nPOST /api/login 401', 'baseline-url': url });
    const posts = (s: TestServer) => s.requests.filter((r) => r.method === 'POST').length;
    expect(posts(here)).toBe(1);
    expect(posts(baseline)).toBe(1);
    const root = report.baseline?.routes.find((r) => r.route === '/');
    expect(root?.latency).toMatchObject({ nHere: 12, nBaseline: 12, slower: false });
    expect(report.baseline?.cost.extraRequestsHere).toBe(12);
  });

  it('a run without baseline-url has no baseline in its report', async () => {
    const { here } = await pair({ '/health': ok, '/': ok }, {});
    const report = await gateRun(here, { routes: '/' });
    expect(report.baseline).toBeUndefined();
    expect(report.summary).not.toMatch(/baseline/i);
  });
});
