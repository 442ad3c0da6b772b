import { afterEach, describe, expect, it } from 'vitest';
import { renderSummary } from '../../src/report/summary.js';
import { BASELINE_SITE, gateRun } from '../support/gate.js';
import { startServer, text, type Handler, type TestServer } from '../support/servers.js';

/**
 * discover with a baseline-url: the routes are discovered on the baseline (production has the full
 * sitemap) and the same paths are checked on both deploys; a baseline with nothing to find leaves the
 * run discovering on the deploy, as without one. Two loopback sites, in-process.
 */

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const ok = text(200, '<!doctype html><title>ok</title><p>ok</p>');
const missing: Handler = (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
const sitemap =
  (paths: string[]): Handler =>
  (req, res) =>
    res
      .writeHead(200, { 'content-type': 'application/xml' })
      .end(
        `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>http://${req.headers.host}${p}</loc></url>`).join('')}</urlset>`,
      );

async function sites(here: Record<string, Handler>, there: Record<string, Handler>) {
  const a = await startServer({ '/health': text(200, 'ok'), ...here });
  const b = await startServer({ '/health': text(200, 'ok'), ...there });
  servers.push(a, b);
  return { here: a, baseline: b, url: `http://${BASELINE_SITE}:${b.port}` };
}

const paths = (server: TestServer) => new Set(server.requests.map((r) => r.path));

describe('discover with a baseline', () => {
  it('discovers on the baseline and checks the same paths on both: a page the deploy lost is a regression', async () => {
    const { here, baseline, url } = await sites(
      // The preview: no sitemap of its own, and /pricing is gone.
      { '/': ok, '/about': ok, '/pricing': missing },
      { '/': ok, '/about': ok, '/pricing': ok, '/sitemap.xml': sitemap(['/', '/about', '/pricing']) },
    );
    const report = await gateRun(here, { routes: '/', discover: 'sitemap', 'baseline-url': url, retries: '0' });

    const d = report.discovery!;
    expect(d.onBaseline).toBe(true);
    expect(d.base).toBe(`${url}/`);
    expect(d.routes.map((r) => r.path).sort()).toEqual(['/about', '/pricing']);
    // Discovery asked the baseline only: the deploy never saw robots.txt or a sitemap request.
    expect(paths(baseline)).toContain('/sitemap.xml');
    expect(paths(here)).not.toContain('/sitemap.xml');
    expect(paths(here)).not.toContain('/robots.txt');
    // The same paths, on both sides.
    for (const path of ['/', '/about', '/pricing']) {
      expect(paths(here), path).toContain(path);
      expect(paths(baseline), path).toContain(path);
    }
    expect(report.baseline?.routes.map((r) => [r.route, r.outcome])).toEqual([
      ['/', 'same'],
      ['/about', 'same'],
      ['/pricing', 'regressed'],
    ]);
    expect(report.verdict).toBe('fail');
    expect(renderSummary(report)).toContain('found on the baseline and checked on both');
  });

  it('a baseline with nothing to discover: discovers on the deploy instead, and says so', async () => {
    const { here, url } = await sites(
      { '/': ok, '/about': ok, '/sitemap.xml': sitemap(['/', '/about']) },
      { '/': ok, '/about': ok },
    );
    const report = await gateRun(here, { routes: '/', discover: 'sitemap', 'baseline-url': url });
    const d = report.discovery!;
    expect(d.onBaseline).toBeUndefined();
    expect(d.base).toBe(`${here.url.replace('127.0.0.1', 'shop.example.com')}/`);
    expect(d.routes.map((r) => r.path)).toEqual(['/about']);
    expect(d.skipped[0]).toMatch(/^nothing discovered on the baseline .*: discovered on the deploy instead$/);
    expect(report.baseline?.routes.map((r) => [r.route, r.outcome])).toEqual([
      ['/', 'same'],
      ['/about', 'same'],
    ]);
    expect(report.verdict).toBe('pass');
  });

  it('without a baseline, discovery stays on the deploy', async () => {
    const { here, baseline } = await sites(
      { '/': ok, '/about': ok, '/sitemap.xml': sitemap(['/', '/about']) },
      { '/sitemap.xml': sitemap(['/elsewhere']) },
    );
    const report = await gateRun(here, { routes: '/', discover: 'sitemap' });
    expect(report.discovery?.onBaseline).toBeUndefined();
    expect(report.discovery?.routes.map((r) => r.path)).toEqual(['/about']);
    expect(baseline.requests).toEqual([]);
  });
});
