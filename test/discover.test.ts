import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { ConfigError } from '../src/config/types.js';
import { renderSummary } from '../src/report/summary.js';
import { renderJson } from '../src/report/json.js';
import { gateRun, SITE } from './support/gate.js';
import { startServer, text, type Handler, type TestServer } from './support/servers.js';

/** Discovery through the whole gate, against loopback sites: what is found, checked, refused and reported. */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const xml =
  (body: string | Buffer, headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/xml', ...headers }).end(body);
const urlset = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.map((u) => `<url><loc>${u}</loc></url>`).join('')}</urlset>`;
const index = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.map((u) => `<sitemap><loc>${u}</loc></sitemap>`).join('')}</sitemapindex>`;
const page = (links: string[]) =>
  text(200, `<!doctype html><title>p</title>${links.map((l) => `<a href="${l}">${l}</a>`).join('')}`);
const ok = text(200, '<!doctype html><title>ok</title><p>ok</p>');

/** A shop: robots.txt → an index → a gzip file of products and a content-encoded file of pages. */
async function shop(extra: Record<string, Handler> = {}): Promise<TestServer> {
  const routes: Record<string, Handler> = { '/health': text(200, 'ok'), '/': ok, ...extra };
  const started = await startServer(routes, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (/^\/(products\/\d+\/|about|contact)$/.test(path)) return ok(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  const origin = `http://${SITE}:${started.port}`;
  routes['/robots.txt'] ??= text(200, `User-agent: *\nDisallow: /private\nSitemap: ${origin}/sitemap_index.xml\n`, {
    'content-type': 'text/plain',
  });
  routes['/sitemap_index.xml'] = xml(index([`${origin}/products.xml.gz`, `${origin}/pages.xml`]));
  const products = Array.from({ length: 100 }, (_, i) => `${origin}/products/${i + 1}/`);
  routes['/products.xml.gz'] = xml(gzipSync(urlset(products)), { 'content-type': 'application/gzip' });
  routes['/pages.xml'] = xml(
    gzipSync(urlset([`${origin}/about`, `${origin}/contact`, `${origin}/private/1`, 'https://cdn.other.example/x'])),
    { 'content-encoding': 'gzip' },
  );
  return started;
}

describe('discover: sitemap', () => {
  it('reads robots.txt, a nested index and gzip children, and checks a fair sample with the listed routes', async () => {
    server = await shop();
    const report = await gateRun(server, { discover: 'sitemap', 'discover-limit': '12' }, { seed: 'abc123' });
    expect(report.verdict).toBe('pass');
    const d = report.discovery!;
    expect(d.found).toBe(103);
    expect(d.templates.find((t) => t.template === '/products/:id/')).toMatchObject({ found: 100 });
    expect(d.templates.find((t) => t.template === '/products/:id/')!.sampled.length).toBe(10);
    expect(d.routes.length).toBe(12);
    expect(d.routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/about', '/contact']));
    // The listed route first, then the sample; the disallowed path and the other host never requested.
    expect(report.routes[0]!.route.label).toBe('/');
    expect(report.routes.length).toBe(13);
    expect(server.requests.some((r) => r.path.startsWith('/private'))).toBe(false);
    expect(d.disallowed).toEqual({ count: 1, examples: ['/private/1'] });
    expect(d.otherHosts).toEqual({ count: 1, hosts: ['https://cdn.other.example'] });
    expect(d.sources.map((s) => [new URL(s.url).pathname, s.kind, s.entries])).toEqual([
      ['/robots.txt', 'robots', 1],
      ['/sitemap_index.xml', 'sitemap-index', 2],
      ['/products.xml.gz', 'sitemap', 100],
      ['/pages.xml', 'sitemap', 3],
    ]);
    const products = d.routes.filter((r) => r.template === '/products/:id/').map((r) => r.path);
    for (const path of products) expect(server.requests.some((r) => r.path === path)).toBe(true);

    // The same commit checks the same sample; another commit, other members.
    await server.close();
    server = await shop();
    const again = await gateRun(server, { discover: 'sitemap', 'discover-limit': '12' }, { seed: 'abc123' });
    expect(again.discovery!.routes.map((r) => r.path)).toEqual(d.routes.map((r) => r.path));
    const other = await gateRun(server, { discover: 'sitemap', 'discover-limit': '12' }, { seed: 'fff999' });
    expect(other.discovery!.routes.map((r) => r.path)).not.toEqual(d.routes.map((r) => r.path));

    const summary = renderSummary(report);
    expect(summary).toContain('### Discovered routes');
    expect(summary).toContain('12 of 103 discovered routes checked (12 from the sitemap)');
    expect(summary).toMatch(/<details><summary>Templates \(3\)/);
    expect(JSON.parse(renderJson(report)).discovery.routes.length).toBe(12);
  });

  it('fails the run on a discovered route that is broken, and names it', async () => {
    server = await shop({ '/contact': text(500, '<h1>Server Error (500)</h1>') });
    const report = await gateRun(server, { discover: 'sitemap', 'discover-limit': '12' }, { seed: 'abc123' });
    expect(report.verdict).toBe('fail');
    const failed = report.routes.filter((r) => !r.passed).map((r) => r.route.label);
    expect(failed).toEqual(['/contact']);
    expect(report.routes.find((r) => r.route.label === '/contact')!.route.discovered).toBe('sitemap');
  });

  it('checks disallowed paths with discover-robots: ignore', async () => {
    server = await shop();
    const report = await gateRun(server, { discover: 'sitemap', 'discover-robots': 'ignore' }, { seed: 'abc123' });
    expect(report.discovery!.routes.map((r) => r.path)).toContain('/private/1');
    expect(report.discovery!.disallowed.count).toBe(0);
  });

  it('checks no discovered path when robots.txt fails (RFC 9309), and still checks the listed routes', async () => {
    server = await shop({ '/robots.txt': text(503, 'down') });
    const report = await gateRun(server, { discover: 'sitemap+links' }, { seed: 'abc123' });
    expect(report.verdict).toBe('pass');
    expect(report.routes.map((r) => r.route.label)).toEqual(['/']);
    expect(report.discovery!.skipped.join('\n')).toMatch(/robots.txt answered 503: as RFC 9309 asks/);
    // Nothing would be checked: nothing is fetched to find it either.
    expect(server.requests.map((r) => r.path)).not.toContain('/sitemap_index.xml');
    expect(server.requests.map((r) => r.path)).not.toContain('/sitemap.xml');
  });

  it('without discover, requests no robots.txt and writes no discovery', async () => {
    server = await shop();
    const report = await gateRun(server, {}, { seed: 'abc123' });
    expect(report.discovery).toBeUndefined();
    expect('discovery' in JSON.parse(renderJson(report))).toBe(false);
    expect(server.requests.map((r) => r.path)).not.toContain('/robots.txt');
  });
});

describe('discover: links', () => {
  async function site(): Promise<TestServer> {
    return startServer({
      '/health': text(200, 'ok'),
      '/': page(['/a', '/b', 'https://elsewhere.example/x', '#top']),
      '/a': page(['/', '/b']),
      '/b': page(['/deep/broken']),
      '/deep/broken': text(500, '<h1>Server Error (500)</h1>'),
    });
  }

  it('finds a broken page reachable only through a link, and fails on it', async () => {
    server = await site();
    const report = await gateRun(server, { discover: 'links' }, { seed: 'abc123' });
    expect(report.verdict).toBe('fail');
    expect(report.routes.filter((r) => !r.passed).map((r) => r.route.label)).toEqual(['/deep/broken']);
    const broken = report.discovery!.routes.find((r) => r.path === '/deep/broken');
    expect(broken).toMatchObject({ from: 'links', via: '/b' });
    expect(report.discovery!.otherHosts.hosts).toEqual(['https://elsewhere.example']);
  });

  it('follows no more hops than discover-depth', async () => {
    server = await site();
    const report = await gateRun(server, { discover: 'links', 'discover-depth': '1' }, { seed: 'abc123' });
    expect(report.verdict).toBe('pass');
    expect(report.discovery!.routes.map((r) => r.path).sort()).toEqual(['/a', '/b']);
    expect(server.requests.some((r) => r.path === '/b' && r.method === 'GET')).toBe(true);
  });
});

describe('discover: hostile sitemaps', () => {
  it('refuses an entity bomb, an endless stream, other hosts and a redirect to a metadata address, and loses nothing', async () => {
    let streamed = 0;
    const endless: Handler = async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.write('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
      const chunk = Buffer.from(`<url><loc>http://${SITE}:${server!.port}/about</loc></url>`.repeat(1500));
      // Up to 1 GiB, for as long as the gate keeps reading.
      let closed = false;
      res.once('close', () => (closed = true));
      while (!closed && streamed < 1024 ** 3) {
        streamed += chunk.length;
        if (!res.write(chunk))
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done).off('close', done);
              resolve();
            };
            res.on('drain', done).on('close', done);
          });
      }
      res.end();
    };
    const routes: Record<string, Handler> = { '/health': text(200, 'ok'), '/': ok, '/products/': ok, '/about': ok };
    server = await startServer(routes);
    const origin = `http://${SITE}:${server.port}`;
    routes['/robots.txt'] = text(
      200,
      [
        ...['bomb.xml', 'metadata.xml', 'huge.xml'].map((f) => `Sitemap: ${origin}/${f}`),
        'Sitemap: http://other.example/sitemap.xml',
      ].join('\n'),
      { 'content-type': 'text/plain' },
    );
    routes['/bomb.xml'] = xml(
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><urlset><url><loc>${origin}/&lol2;</loc></url></urlset>`,
    );
    routes['/huge.xml'] = endless;
    routes['/metadata.xml'] = (_req, res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();

    const report = await gateRun(server, { routes: '/\n/products/', discover: 'sitemap' }, { seed: 'abc123' });
    // The listed routes are checked and judged as without discovery.
    expect(report.verdict).toBe('pass');
    expect(report.routes.slice(0, 2).map((r) => [r.route.label, r.passed])).toEqual([
      ['/', true],
      ['/products/', true],
    ]);
    const notes = Object.fromEntries(report.discovery!.sources.map((s) => [new URL(s.url).pathname, s.note]));
    expect(notes['/bomb.xml']).toMatch(/^refused: it declares a DOCTYPE/);
    expect(notes['/huge.xml']).toMatch(/^cut at 10 MiB \(the cap on one sitemap\)/);
    expect(notes['/metadata.xml']).toBe(
      'refused: redirects to 169.254.169.254, a link-local or cloud-metadata address the gate never contacts',
    );
    expect(notes['/sitemap.xml']).toBe('skipped: on another origin, never requested');
    // The stream was cut near the cap, not read to its end.
    expect(streamed).toBeLessThan(64 * 1024 * 1024);
    // What the endless file did list is one path, sampled like any other.
    expect(report.discovery!.routes.map((r) => r.path)).toEqual(['/about']);
    const summary = renderSummary(report);
    expect(summary).toMatch(/^- `http:\/\/shop\.example\.com:\d+\/bomb\.xml`: refused: it declares a DOCTYPE/m);
    expect(summary).toMatch(
      /^- `http:\/\/shop\.example\.com:\d+\/metadata\.xml` 302: 0 entries · refused: redirects to 169/m,
    );
  });
});

describe('discover: settings', () => {
  const resolve = (values: Record<string, string>) =>
    resolveConfig({
      values: { url: 'https://shop.example.com', ...values },
      workspace: process.cwd(),
      defaultReportPath: '',
    });

  it('accepts the modes, the limit, the depth and the robots policy', async () => {
    const config = await resolve({
      discover: 'Sitemap + Links',
      'discover-limit': '200',
      'discover-depth': '3',
      'discover-robots': 'ignore',
    });
    expect(config.discover).toEqual({ mode: 'sitemap+links', limit: 200, depth: 3, robots: 'ignore' });
    expect((await resolve({})).discover).toEqual({ mode: 'off', limit: 50, depth: 2, robots: 'respect' });
  });

  it('names every bad discover setting and what it accepts, before any request', async () => {
    const error = await resolve({
      discover: 'crawl',
      'discover-limit': '0',
      'discover-depth': '9',
      'discover-robots': 'maybe',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { input: 'discover', message: '"crawl" is not accepted; use off, sitemap, links, sitemap+links' },
      { input: 'discover-limit', message: '"0" is not accepted; use a whole number from 1 to 500' },
      { input: 'discover-depth', message: '"9" is not accepted; use a whole number from 1 to 5' },
      {
        input: 'discover-robots',
        message: '"maybe" is not accepted; use respect (robots.txt Disallow keeps a path out) or ignore',
      },
    ]);
  });
});
