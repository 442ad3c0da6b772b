import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { Stack, freePort } from './stack.js';

/**
 * `discover` against real servers, the built action run as the runner runs it: Django's own
 * django.contrib.sitemaps under gunicorn, static sites on Caddy's file_server (a sitemap index with a gzip
 * child; 10,000 entries), and a Vite multi-page build whose broken page only a link leads to.
 */

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const report = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const SHA = { GITHUB_SHA: '3f1a2b4c5d6e7f8091a2b3c4d5e6f708192a3b4c' };

function site(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'gate-site-'));
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  return root;
}
const urlset = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.map((u) => `  <url><loc>${u}</loc></url>`).join('\n')}\n</urlset>\n`;
const sitemapIndex = (urls: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.map((u) => `  <sitemap><loc>${u}</loc></sitemap>`).join('\n')}\n</sitemapindex>\n`;
const html = (title: string, links: string[] = []) =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${links.map((l) => `<a href="${l}">${l}</a>`).join(' ')}</body></html>\n`;

describe('discover on Django with django.contrib.sitemaps', () => {
  async function django(env: Record<string, string> = {}): Promise<string> {
    stack ??= new Stack();
    const port = await freePort();
    await stack.gunicorn({ bind: `127.0.0.1:${port}`, env: { ALLOWED_HOSTS: '127.0.0.1', ...env } });
    return `http://127.0.0.1:${port}`;
  }

  it("reads Django's sitemap index and sections, checks the same sample on a rerun, and fails the broken product in it", async () => {
    const url = await django();
    const inputs = { url, 'health-path': '/health/', routes: '/\n/products/', discover: 'sitemap' };
    const first = await runAction(inputs, SHA);
    expect(first.outputs['verdict'], first.stdout).toBe('pass');
    const d = report(first.outputs['report']!).discovery;
    expect(d.sources.map((s: { url: string; kind: string }) => [new URL(s.url).pathname, s.kind])).toEqual([
      ['/robots.txt', 'robots'],
      ['/sitemap.xml', 'sitemap-index'],
      ['/sitemap-products.xml', 'sitemap'],
      ['/sitemap-pages.xml', 'sitemap'],
    ]);
    // 120 products and the two listed pages; the listed ones are checked as listed, not sampled again.
    expect(d.found).toBe(122);
    expect(d.listed).toBe(2);
    expect(d.templates).toEqual([{ template: '/products/:id/', found: 120, sampled: expect.any(Array) }]);
    const sample: string[] = d.templates[0].sampled;
    expect(sample.length).toBe(10);
    expect(first.summary).toContain('10 of 122 discovered routes checked (10 from the sitemap), 1 template');

    // The same commit on a deploy whose product page in that sample is broken: found, and the run fails.
    await stack!.stop();
    stack = undefined;
    const broken = sample[3]!.match(/\d+/)![0];
    const url2 = await django({ BROKEN_PRODUCT: broken });
    const second = await runAction({ ...inputs, url: url2 }, SHA);
    expect(report(second.outputs['report']!).discovery.templates[0].sampled).toEqual(sample);
    expect(second.outputs).toMatchObject({ verdict: 'fail', cause: 'app-error' });
    const failed = report(second.outputs['report']!).routes.filter((r: { passed: boolean }) => !r.passed);
    expect(failed.map((r: { route: { label: string } }) => r.route.label)).toEqual([`/products/${broken}/`]);
  });
});

describe('discover on a static site (Caddy file_server)', () => {
  it('follows robots.txt to a sitemap index with a gzip child, and honours Disallow', async () => {
    stack = new Stack();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const root = site({
      health: 'ok\n',
      'index.html': html('Home'),
      'about/index.html': html('About'),
      'blog/first-post/index.html': html('First'),
      'blog/second-post/index.html': html('Second'),
      'drafts/secret/index.html': html('Draft'),
      'robots.txt': `User-agent: *\nDisallow: /drafts/\nSitemap: ${origin}/sitemap_index.xml\n`,
      'sitemap_index.xml': sitemapIndex([`${origin}/sitemap-pages.xml.gz`, `${origin}/sitemap-blog.xml`]),
      'sitemap-pages.xml.gz': gzipSync(urlset([`${origin}/`, `${origin}/about/`, `${origin}/drafts/secret/`])),
      'sitemap-blog.xml': urlset([
        `${origin}/blog/first-post/`,
        `${origin}/blog/second-post/`,
        'https://cdn.example.net/x',
      ]),
    });
    await stack.caddyFiles({ port, root });
    const run = await runAction({ url: origin, discover: 'sitemap' }, SHA);
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const d = report(run.outputs['report']!).discovery;
    const sources = d.sources.map((s: { url: string; kind: string; entries: number }) => [
      new URL(s.url).pathname,
      s.kind,
      s.entries,
    ]);
    expect(sources).toEqual([
      ['/robots.txt', 'robots', 1],
      ['/sitemap_index.xml', 'sitemap-index', 2],
      ['/sitemap-pages.xml.gz', 'sitemap', 3],
      ['/sitemap-blog.xml', 'sitemap', 2],
    ]);
    expect(d.routes.map((r: { path: string }) => r.path).sort()).toEqual([
      '/about/',
      '/blog/first-post/',
      '/blog/second-post/',
    ]);
    expect(d.disallowed).toEqual({ count: 1, examples: ['/drafts/secret/'] });
    expect(d.otherHosts).toEqual({ count: 1, hosts: ['https://cdn.example.net'] });
    expect(run.summary).toContain('### Discovered routes');
  });

  it('samples 10,000 sitemap entries to the bound, within memory', async () => {
    stack = new Stack();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const products = Array.from({ length: 10_000 }, (_, i) => `${origin}/products/${i + 1}`);
    const root = site({
      health: 'ok\n',
      'index.html': html('Home'),
      'sitemap.xml': sitemapIndex([`${origin}/sitemap-products.xml.gz`, `${origin}/sitemap-pages.xml`]),
      'sitemap-products.xml.gz': gzipSync(urlset(products)),
      'sitemap-pages.xml': urlset([`${origin}/about`, `${origin}/help/faq`]),
    });
    // Every product page answers, as a shop's would (only the sampled ones are requested).
    await stack.caddyFiles({
      port,
      root,
      directives:
        'respond /products/* "<!doctype html><title>p</title>" 200\n  respond /about "<!doctype html><title>a</title>" 200\n  respond /help/faq "<!doctype html><title>f</title>" 200',
    });
    const run = await runAction({ url: origin, discover: 'sitemap', 'check-assets': 'false' }, SHA);
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const r = report(run.outputs['report']!);
    const d = r.discovery;
    expect(d.found).toBe(10_002);
    expect(d.templates.find((t: { template: string }) => t.template === '/products/:id')).toMatchObject({
      found: 10_000,
    });
    // Every template, at most 10 members each: 10 products, /about and /help/faq.
    expect(d.routes.length).toBe(12);
    expect(r.routes.length).toBe(13);
    // The bounds: memory measured from outside (the kernel's high-water mark of the whole action).
    expect(run.peakRssMb).toBeGreaterThan(0);
    expect(run.peakRssMb).toBeLessThan(150);
    // The time goal (under 2 s) is in `npm run bench` (figure "discover 10k"); here only a loose ceiling.
    expect(d.durationMs).toBeLessThan(20_000);
  });
});

describe('discover links on a Vite multi-page build', () => {
  it('finds the broken page only a link leads to, and fails on it', async () => {
    const src = site({
      'index.html': html('Home', ['/docs/', '/pricing.html', 'https://github.com/example']),
      'pricing.html': html('Pricing', ['/']),
      'docs/index.html': html('Docs', ['/docs/guide.html', '/docs/removed.html']),
      'docs/guide.html': html('Guide', ['/docs/']),
      'src/main.js': 'document.title += "!";\n',
    });
    // Each page loads the module, so the build emits an asset per page too.
    for (const page of ['index.html', 'pricing.html', 'docs/index.html', 'docs/guide.html']) {
      const path = join(src, page);
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace('</head>', '<script type="module" src="/src/main.js"></script></head>'),
      );
    }
    const { build } = await import('vite');
    await build({
      root: src,
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir: 'dist',
        rollupOptions: {
          input: ['index.html', 'pricing.html', 'docs/index.html', 'docs/guide.html'].map((p) => join(src, p)),
        },
      },
    });
    writeFileSync(join(src, 'dist', 'health'), 'ok\n');
    stack = new Stack();
    const port = await freePort();
    await stack.caddyFiles({ port, root: join(src, 'dist') });
    const url = `http://127.0.0.1:${port}`;
    const run = await runAction({ url, discover: 'links' }, SHA);
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'route-not-found' });
    const r = report(run.outputs['report']!);
    expect(
      r.routes.filter((x: { passed: boolean }) => !x.passed).map((x: { route: { label: string } }) => x.route.label),
    ).toEqual(['/docs/removed.html']);
    expect(r.discovery.routes.find((x: { path: string }) => x.path === '/docs/removed.html')).toMatchObject({
      from: 'links',
      via: '/docs/',
    });
    expect(r.discovery.otherHosts.hosts).toEqual(['https://github.com']);
    // Listed routes only: the same build passes.
    const plain = await runAction({ url }, SHA);
    expect(plain.outputs['verdict']).toBe('pass');
    expect(report(plain.outputs['report']!).discovery).toBeUndefined();
  });
});
