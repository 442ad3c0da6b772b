import { describe, expect, it } from 'vitest';
import { parseRouteLine } from '../src/config/route-line.js';
import type { RouteSpec } from '../src/config/types.js';
import { FINGERPRINTS } from '../src/diagnosis/catalogue/index.js';
import { matchFingerprint } from '../src/diagnosis/catalogue/match.js';
import { classifyFailure } from '../src/diagnosis/classify.js';
import { diagnose } from '../src/diagnosis/compare.js';
import type { Observation } from '../src/http/observation.js';
import type { ReadinessResult } from '../src/readiness.js';
import { judge, type RouteResult } from '../src/smoke.js';
import { failedRequest, observe } from './support/fixtures.js';
import { routeResult } from './support/reports.js';

const base = new URL('http://shop.example.com');

function route(line: string): RouteSpec {
  const parsed = parseRouteLine(line);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const result = (line: string, observation: Observation) => routeResult(line, observation);

function ready(health: Observation): ReadinessResult {
  return {
    ready: true,
    readyAtMs: 1200,
    attempts: [
      { atMs: 0, status: health.status, healthy: true },
      { atMs: 1100, status: health.status, healthy: true },
    ],
    last: health,
    lastHealthy: health,
    versionMissing: false,
  };
}

function notReady(last: Observation, overrides: Partial<ReadinessResult> = {}): ReadinessResult {
  return {
    ready: false,
    ended: 'deadline',
    attempts: [{ atMs: 0, status: last.status, healthy: false }],
    last,
    versionMissing: false,
    ...overrides,
  };
}

const run = (readiness: ReadinessResult, routes: RouteResult[], expectVersion?: string) =>
  diagnose({ baseUrl: base, healthLabel: 'health /health/', readiness, routes, expectVersion });

const healthOk = observe('django-health-bypass', { path: '/health/' });

describe('fingerprints replayed from real captures', () => {
  it.each([
    ['django-400-disallowed-host', 'host-rejected', 'django-disallowed-host'],
    ['django-500', 'app-error', 'django-server-error'],
    ['django-404', 'route-not-found', 'django-not-found'],
    ['nginx-502-refused', 'upstream-unreachable', 'nginx-502'],
    ['nginx-502-worker-killed', 'upstream-timeout', 'nginx-502-slow'],
    ['nginx-504', 'upstream-timeout', 'nginx-504'],
    ['nginx-503', 'no-healthy-backend', 'nginx-503'],
    ['haproxy-503-no-server', 'no-healthy-backend', 'haproxy-no-server'],
    ['haproxy-504', 'upstream-timeout', 'haproxy-504'],
    ['sevalla-application-crashed', 'no-healthy-backend', 'sevalla-application-crashed'],
    ['envoy-no-healthy-upstream', 'no-healthy-backend', 'envoy-no-healthy-upstream'],
  ])('%s → %s', (fixture, cause, id) => {
    const observation = observe(fixture);
    const c = classifyFailure(observation, judge(route('/'), observation), '/', { healthAnswered: true });
    expect(c.cause).toBe(cause);
    expect(c.fingerprint?.id).toBe(id);
    expect(c.evidence.length).toBeGreaterThan(1);
  });

  it('treats the soft 200s of default pages as failures', () => {
    expect(judge(route('/'), observe('nginx-welcome'))).toMatchObject({ kind: 'content' });
    const c = classifyFailure(observe('nginx-welcome'), judge(route('/'), observe('nginx-welcome')), '/', {
      healthAnswered: true,
    });
    expect(c).toMatchObject({ cause: 'wrong-content', fingerprint: { id: 'nginx-welcome-page' } });
    // A body assertion the user wrote and that passes is trusted over the default-page signature.
    expect(judge(route('/ contains "Welcome to nginx"'), observe('nginx-welcome'))).toBeUndefined();
    expect(matchFingerprint(observe('haproxy-monitor-uri'), FINGERPRINTS)?.row.id).toBe('haproxy-monitor-uri');
  });

  it('quotes the header and body lines that matched', () => {
    const c = classifyFailure(observe('sevalla-application-crashed'), { kind: 'status', expected: '2xx' }, '/', {
      healthAnswered: true,
    });
    expect(c.evidence).toContain('header x-sevalla-status: application-crashed');
    const d = classifyFailure(observe('django-400-disallowed-host'), { kind: 'status', expected: '2xx' }, '/', {
      healthAnswered: true,
    });
    expect(d.evidence).toContain('body: <title>Bad Request (400)</title>');
  });
});

describe('health against routes', () => {
  it('Django rejecting the public Host while health bypasses the check: one host-rejected diagnosis', () => {
    const routes = ['/', '/products/', '/cart/'].map((p) =>
      result(p, observe('django-400-disallowed-host', { path: p })),
    );
    const [first, ...rest] = run(ready(healthOk), routes);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      cause: 'host-rejected',
      layer: 'app',
      confidence: 'high',
      routes: ['/', '/products/', '/cart/'],
    });
    expect(first!.headline).toMatch(/^Health is fine, but 3 routes of 3 fail/);
    expect(first!.fix).toContain('Add `shop.example.com` to `ALLOWED_HOSTS`');
    expect(first!.evidence[0]).toMatch(/^health GET \/health\/ → 200/);
  });

  it('an edge answering 503 with a platform marker while health answers: no-healthy-backend', () => {
    const routes = ['/', '/products/'].map((p) => result(p, observe('sevalla-application-crashed', { path: p })));
    const [first] = run(ready(healthOk), routes);
    expect(first).toMatchObject({ cause: 'no-healthy-backend', who: 'Sevalla edge', routes: ['/', '/products/'] });
    expect(first!.fix).toContain('readiness probe');
    expect(first!.fix).toContain('the public Host `shop.example.com`');
    // Nothing here shows Django: its settings are not named.
    expect(first!.fix).not.toMatch(/ALLOWED_HOSTS|CSRF_TRUSTED_ORIGINS/);
  });

  it('nginx 502 at once on health and routes (proxy_pass vs the gunicorn bind): upstream-unreachable, health included', () => {
    const bad = observe('nginx-502-refused', { path: '/health/' });
    const routes = ['/', '/products/'].map((p) => result(p, observe('nginx-502-refused', { path: p })));
    const diagnoses = run(notReady(bad), routes);
    expect(diagnoses).toHaveLength(1);
    expect(diagnoses[0]).toMatchObject({
      cause: 'upstream-unreachable',
      who: 'nginx',
      routes: ['health /health/', '/', '/products/'],
    });
    expect(diagnoses[0]!.fix).toContain('`proxy_pass`');
    expect(diagnoses[0]!.headline).toMatch(/^Health and 2 routes of 2 fail: nginx answered 502 at once/);
  });

  it('a worker killed mid-request behind nginx: upstream-timeout', () => {
    const routes = [
      result('/', observe('django-health-bypass', { path: '/' })),
      result('/slow/', observe('nginx-502-worker-killed', { path: '/slow/' })),
    ];
    const [first] = run(ready(healthOk), routes);
    expect(first).toMatchObject({ cause: 'upstream-timeout', routes: ['/slow/'] });
    expect(first!.headline).toContain('1 of 2 routes fail');
  });

  it('HAProxy answering health itself while it has no server: no-healthy-backend, with a note about health', () => {
    const monitor = observe('haproxy-monitor-uri', { path: '/health' });
    const routes = [result('/', observe('haproxy-503-no-server'))];
    const [first] = run(ready(monitor), routes);
    expect(first!.cause).toBe('no-healthy-backend');
    expect(first!.evidence.join('\n')).toContain('the health answer comes from HAProxy itself');
  });

  it('the previous release still serving: stale-version', () => {
    const old = observe('django-health-bypass', { path: '/health/' });
    const readiness = notReady(old, {
      lastHealthy: old,
      versionMissing: true,
      attempts: [{ atMs: 0, status: 200, healthy: true, versionFound: false }],
    });
    const [first] = run(readiness, [result('/', observe('django-health-bypass', { path: '/' }))], 'v2');
    expect(first).toMatchObject({ cause: 'stale-version', routes: ['health /health/'] });
    expect(first!.headline).toContain('never with "v2"');
    expect(first!.evidence).toContain('header x-release: dev');
  });

  it("routes work but health answers Django's 500 page: health-failing, with that evidence", () => {
    const health = observe('django-500', { path: '/health/' });
    const diagnoses = run(notReady(health), [result('/', observe('django-health-bypass', { path: '/' }))]);
    expect(diagnoses).toHaveLength(1);
    expect(diagnoses[0]).toMatchObject({ cause: 'health-failing', routes: ['health /health/'] });
    expect(diagnoses[0]!.evidence.join('\n')).toContain('Server Error (500)');
  });

  it('a plain 503 from health with working routes: health-failing, high confidence', () => {
    const health: Observation = {
      ...observe('django-health-bypass', { path: '/health/' }),
      status: 503,
      body: 'warming up',
    };
    const [first] = run(notReady(health), [result('/', observe('django-health-bypass', { path: '/' }))]);
    expect(first).toMatchObject({ cause: 'health-failing', confidence: 'high' });
    expect(first!.headline).toContain('The routes work, but the health endpoint never answered healthy');
  });

  it('missing static files while pages work: static-assets-missing', () => {
    const routes = [
      result('/', observe('django-health-bypass', { path: '/' })),
      result('/static/app.css', observe('django-404', { path: '/static/app.css' })),
    ];
    expect(run(ready(healthOk), routes)[0]!.cause).toBe('static-assets-missing');
  });

  it('the same DNS failure everywhere is one root cause', () => {
    const routes = ['/', '/a', '/b'].map((p) => result(p, failedRequest('dns', 'ENOTFOUND', p)));
    const diagnoses = run(notReady(failedRequest('dns', 'ENOTFOUND', '/health/')), routes);
    expect(diagnoses).toHaveLength(1);
    expect(diagnoses[0]).toMatchObject({ cause: 'dns-failure', routes: ['health /health/', '/', '/a', '/b'] });
  });

  it("compares a route's 404 with what a path that cannot exist gets", () => {
    const routes = [
      result('/', observe('django-health-bypass', { path: '/' })),
      result('/cart/', observe('django-404', { path: '/cart/' })),
    ];
    const same = diagnose({
      baseUrl: base,
      healthLabel: 'health /health/',
      readiness: ready(healthOk),
      routes,
      notFoundProbe: observe('django-404', { path: '/__post-deploy-gate-abc' }),
    });
    expect(same[0]!.evidence.join('\n')).toContain("gets the same 404: this is the deploy's ordinary not-found");
    const other = diagnose({
      baseUrl: base,
      healthLabel: 'health /health/',
      readiness: ready(healthOk),
      routes,
      notFoundProbe: observe('nginx-404', { path: '/__post-deploy-gate-abc' }),
    });
    expect(other[0]!.evidence.join('\n')).toContain('gets a different 404 (from nginx)');
  });

  it('an https route redirected to plain http is the proxy-scheme trouble behind redirect loops', () => {
    const url = 'https://shop.example.com/products';
    const downgrade: Observation = {
      ...observe('django-health-bypass', { path: '/products' }),
      url,
      finalUrl: url,
      status: 301,
      body: '',
      headers: { location: 'http://shop.example.com/products/' },
    };
    const c = classifyFailure(downgrade, judge(route('/products'), downgrade), '/products', { healthAnswered: true });
    expect(c).toMatchObject({ cause: 'redirect-loop', confidence: 'medium' });
    expect(c.meaning).toContain('X-Forwarded-Proto');
  });

  it('a healthy deploy has nothing to say', () => {
    const routes = ['/', '/products/'].map((p) => result(p, observe('django-health-bypass', { path: p })));
    expect(run(ready(healthOk), routes)).toEqual([]);
  });

  it('ranks the more fundamental cause first when several are found', () => {
    const routes = [
      result('/missing', observe('django-404', { path: '/missing' })),
      result('/', observe('django-400-disallowed-host')),
    ];
    expect(run(ready(healthOk), routes).map((d) => d.cause)).toEqual(['host-rejected', 'route-not-found']);
  });
});
