import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headerDivergence } from '../src/diagnosis/attribution.js';
import { cacheHit } from '../src/diagnosis/cache.js';
import { diagnose } from '../src/diagnosis/compare.js';
import { stackOfAnswer, stackOfAnswers } from '../src/diagnosis/stack.js';
import type { Observation } from '../src/http/observation.js';
import type { ReadinessResult } from '../src/readiness.js';
import { listFiles } from '../src/repo/pointers.js';
import { stackOfFiles } from '../src/repo/stack-files.js';
import type { RouteResult } from '../src/smoke.js';
import { observe } from './support/fixtures.js';
import { routeResult } from './support/reports.js';

/**
 * The stack the evidence shows (from answers captured from the real servers, and from repository files),
 * what the routes say together (a partial 502, a lone Host rejection), health from a cache, and claims
 * that must be computed from what was seen.
 */

function ready(health: Observation): ReadinessResult {
  return {
    ready: true,
    readyAtMs: 10,
    attempts: [{ atMs: 0, status: health.status, healthy: true }],
    last: health,
    lastHealthy: health,
    versionMissing: false,
  };
}

const run = (
  health: Observation,
  routes: RouteResult[],
  notFoundProbe?: Observation,
  url = 'http://shop.example.com',
) =>
  diagnose({ baseUrl: new URL(url), healthLabel: 'health /health', readiness: ready(health), routes, notFoundProbe });

const withHeaders = (o: Observation, headers: Record<string, string>): Observation => ({
  ...o,
  headers: { ...o.headers, ...headers },
});

describe('the stack an answer shows', () => {
  it.each([
    ['rails-500', 'rails'],
    ['rails-404', 'rails'],
    ['rails-403-blocked-host', 'rails'],
    ['healthy-rails', 'rails'],
    ['tomcat-404', 'tomcat'],
    ['tomcat-404-no-context', 'tomcat'],
    ['apache-ajp-tomcat-404-no-context', 'tomcat'],
    ['tomcat-500', 'tomcat'],
    ['nextjs-500', 'nextjs'],
    ['nextjs-404', 'nextjs'],
    ['nextjs-static-missing', 'nextjs'],
    ['healthy-nextjs', 'nextjs'],
    ['healthy-nextjs-api', 'nextjs'],
    ['go-404', 'go'],
  ])('%s → %s', (fixture, stack) => {
    expect(stackOfAnswer(observe(fixture))?.stack).toBe(stack);
  });

  it.each(['healthy-go', 'nginx-502-upstream-closed', 'varnish-cached-health'])(
    '%s shows no stack (nothing on it names one; an absent header proves nothing)',
    (fixture) => {
      expect(stackOfAnswer(observe(fixture))).toBeUndefined();
    },
  );

  it('decides nothing for a run that shows two stacks', () => {
    expect(stackOfAnswers([observe('rails-500'), observe('nextjs-500')])).toBeUndefined();
    expect(stackOfAnswers([observe('healthy-go'), observe('rails-500')])?.stack).toBe('rails');
  });
});

describe('the stack the repository shows', () => {
  const repo = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'pdg-stack-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    return stackOfFiles(listFiles(root), root)?.stack;
  };
  it.each([
    [{ Gemfile: "gem 'rails'\n", 'config/puma.rb': 'port 3000\n' }, 'rails'],
    [{ 'next.config.mjs': 'export default {}\n' }, 'nextjs'],
    [{ 'package.json': '{"dependencies":{"next":"15"}}' }, 'nextjs'],
    [{ 'src/main/webapp/WEB-INF/web.xml': '<web-app/>\n' }, 'tomcat'],
    [{ 'go.mod': 'module shop\n' }, 'go'],
    [{ 'manage.py': '#!/usr/bin/env python\n' }, 'django'],
  ] as const)('%o → %s', (files, stack) => {
    expect(repo(files)).toBe(stack);
  });
  it('decides nothing for a monorepo of two stacks, or none', () => {
    expect(repo({ 'go.mod': 'module api\n', 'web/next.config.js': 'module.exports = {}\n' })).toBeUndefined();
    expect(repo({ 'README.md': 'hello\n' })).toBeUndefined();
  });
});

describe('what the routes say together', () => {
  const closed = observe('nginx-502-upstream-closed', { path: '/boom' });
  const viaNginx = (path: string) =>
    withHeaders(observe('healthy-go', { path }), { server: closed.headers['server']! });

  it('a 502 on one route while others pass through the same proxy is the app, not the address', () => {
    const [d] = run(viaNginx('/health'), [
      routeResult('/boom', closed),
      routeResult('/', viaNginx('/')),
      routeResult('/items', viaNginx('/items')),
    ]);
    expect(d).toMatchObject({ cause: 'app-error', layer: 'app', confidence: 'medium' });
    expect(d!.evidence.join('\n')).toMatch(/passes through the same proxy: \/ \(200\), \/items \(200\)/);
    expect(d!.alternative).toMatch(/^upstream-unreachable/);
  });

  it('a 502 on every route stays upstream-unreachable, even when health passes (the proxy may answer it itself)', () => {
    const [d] = run(viaNginx('/health'), [routeResult('/boom', closed)]);
    expect(d!.cause).toBe('upstream-unreachable');
  });

  it('a Host rejection on one route while other routes on that Host pass: low confidence, the other reading named', () => {
    const rejected = observe('django-400-disallowed-host', { path: '/search/' });
    const ok = (path: string) => observe('healthy-nginx-django', { path });
    const [d] = run(ok('/health'), [
      routeResult('/search/', rejected),
      routeResult('/', ok('/')),
      routeResult('/about/', ok('/about/')),
    ]);
    expect(d).toMatchObject({ cause: 'host-rejected', confidence: 'low' });
    expect(d!.evidence.join('\n')).toContain('against it: /, /about/ pass on the same Host (shop.example.com)');
    expect(d!.alternative).toMatch(/^app-error/);
    expect(d!.fix).toMatch(/^If the app's log names a rejected Host/);
  });

  it('health passing on the same Host does not argue against a Host rejection (the probe bypass)', () => {
    const rejected = (path: string) => observe('django-400-disallowed-host', { path });
    const [d] = run(observe('django-health-bypass', { path: '/health' }), [
      routeResult('/', rejected('/')),
      routeResult('/about/', rejected('/about/')),
    ]);
    expect(d).toMatchObject({ cause: 'host-rejected', confidence: 'high' });
  });

  it('CSRF_TRUSTED_ORIGINS gets the real origin, scheme and port', () => {
    const rejected = observe('django-400-disallowed-host', { path: '/' });
    const [d] = run(
      observe('django-health-bypass'),
      [routeResult('/', rejected)],
      undefined,
      'http://shop.example.com:8080',
    );
    expect(d!.fix).toContain('`http://shop.example.com:8080` to `CSRF_TRUSTED_ORIGINS`');
  });
});

describe('health from a cache', () => {
  it('reads the cache headers Varnish and CDNs send', () => {
    expect(cacheHit(observe('varnish-cached-health'))?.who).toBe('Varnish');
    expect(cacheHit(withHeaders(observe('healthy-go'), { 'x-cache': 'HIT' }))).toBeDefined();
    expect(cacheHit(withHeaders(observe('healthy-go'), { 'cf-cache-status': 'HIT' }))?.who).toBe('Cloudflare');
    expect(cacheHit(withHeaders(observe('healthy-go'), { 'x-varnish': '32770', age: '0' }))).toBeUndefined();
    expect(
      cacheHit(withHeaders(observe('healthy-go'), { 'x-cache': 'MISS', 'cf-cache-status': 'MISS' })),
    ).toBeUndefined();
    expect(cacheHit(observe('healthy-go'))).toBeUndefined();
  });

  it('never says "Health is fine" when health came from a cache while routes fail', () => {
    const [d] = run(observe('varnish-cached-health', { path: '/health' }), [
      routeResult('/', observe('varnish-503-backend-fetch-failed')),
    ]);
    expect(d!.headline).toMatch(/^Health was answered from Varnish's cache, but/);
    expect(d!.headline).not.toContain('Health is fine');
  });
});

describe('claims computed from what was seen', () => {
  it('no "health is answered before the app\'s usual stack" from one missing x-powered-by', () => {
    const api = observe('healthy-nextjs-api');
    const page = withHeaders(observe('nextjs-500'), { 'x-powered-by': 'Next.js' });
    expect(headerDivergence(api, page)).toBeUndefined();
    const withCookie = withHeaders(page, { 'set-cookie': 'a=b' });
    expect(headerDivergence(api, withCookie)).toBeUndefined();
  });

  it('says it when several app-wide headers are on the pages and none on health', () => {
    const health = observe('healthy-go');
    const bare = { ...health, headers: { 'content-type': 'text/plain' } };
    const page = withHeaders(bare, { 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin' });
    expect(headerDivergence(bare, page)).toMatch(/health is answered before the app's usual stack/);
    expect(headerDivergence(page, bare)).toMatch(/something in front of the app answered it/);
  });

  it('a probe that gets a byte-identical 404 is the same 404, never "a different 404"', () => {
    const missing = observe('go-404', { path: '/orders' });
    const probe = observe('go-404', { path: '/pdg-probe-not-there' });
    const [d] = run(observe('healthy-go', { path: '/health' }), [routeResult('/orders', missing)], probe);
    const evidence = d!.evidence.join('\n');
    expect(evidence).toContain('gets the same 404');
    expect(evidence).not.toContain('different');
  });

  it('a probe whose 404 differs in its bytes is called different', () => {
    const missing = observe('go-404', { path: '/orders' });
    const probe = { ...observe('nginx-404', { path: '/pdg-probe-not-there' }) };
    const [d] = run(observe('healthy-go', { path: '/health' }), [routeResult('/orders', missing)], probe);
    expect(d!.evidence.join('\n')).toMatch(/gets a different 404 \(from nginx/);
  });
});
