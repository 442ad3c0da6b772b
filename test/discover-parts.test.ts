import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pageLinks } from '../src/discover/links.js';
import { robotsRules } from '../src/discover/robots.js';
import { sampleByTemplate } from '../src/discover/sample.js';
import { readSitemap } from '../src/discover/sitemap.js';
import { groupByTemplate, pathTemplate } from '../src/discover/templates.js';
import { MAX_PER_TEMPLATE } from '../src/discover/bounds.js';

/** The pure parts of discovery: templates, the sample, sitemap XML, page links, robots rules. */

const limits = { maxXmlBytes: 1024 * 1024, maxEntries: 1000 };
const urlset = (locs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<url><loc>${l}</loc><lastmod>2026-01-01</lastmod></url>`).join('')}</urlset>`;

describe('templates', () => {
  it('turns identifier-like segments into :id and keeps words', () => {
    expect(pathTemplate('/products/123/')).toBe('/products/:id/');
    expect(pathTemplate('/orders/0b9f6c1e-8a2d-4c57-9d7e-3f1a2b4c5d6e')).toBe('/orders/:id');
    expect(pathTemplate('/phones/iphone-15-pro')).toBe('/phones/:id');
    expect(pathTemplate('/blog/2024-05-01-launch')).toBe('/blog/:id');
    expect(pathTemplate('/commit/3f1a2b4c5d6e7f80')).toBe('/commit/:id');
    expect(pathTemplate('/about')).toBe('/about');
    expect(pathTemplate('/')).toBe('/');
    expect(pathTemplate('/api/v2/users')).toBe('/api/v2/users');
  });

  it('merges many word siblings below the top level into :slug, never top-level pages', () => {
    const blog = Array.from({ length: 12 }, (_, i) => `/blog/post-${String.fromCharCode(97 + i)}`);
    const top = Array.from({ length: 12 }, (_, i) => `/page-${String.fromCharCode(97 + i)}`);
    const groups = groupByTemplate([...blog, ...top, '/docs/intro', '/docs/setup']);
    expect(groups.get('/blog/:slug')).toEqual(blog);
    expect(groups.has('/docs/intro')).toBe(true);
    expect(groups.has('/docs/:slug')).toBe(false);
    for (const page of top) expect(groups.get(page)).toEqual([page]);
  });
});

describe('sample', () => {
  const groups = new Map<string, string[]>([
    ['/products/:id/', Array.from({ length: 500 }, (_, i) => `/products/${i}/`)],
    ['/about', ['/about']],
    ['/blog/:slug', Array.from({ length: 30 }, (_, i) => `/blog/p${'x'.repeat(i)}`)],
  ]);

  it('covers every template, caps members per template and in all, and repeats for a seed', () => {
    const a = sampleByTemplate(groups, 15, 'abc123');
    expect([...a.picked.keys()].sort()).toEqual(['/about', '/blog/:slug', '/products/:id/']);
    const total = [...a.picked.values()].reduce((n, l) => n + l.length, 0);
    expect(total).toBe(15);
    expect(a.picked.get('/about')).toEqual(['/about']);
    expect(a.picked.get('/products/:id/')!.length).toBe(7);
    expect(sampleByTemplate(groups, 15, 'abc123').picked).toEqual(a.picked);
    const b = sampleByTemplate(groups, 15, 'def456');
    expect(b.picked.get('/products/:id/')).not.toEqual(a.picked.get('/products/:id/'));
    const wide = sampleByTemplate(groups, 500, 'abc123');
    expect(wide.picked.get('/products/:id/')!.length).toBe(MAX_PER_TEMPLATE);
  });

  it('leaves templates out, and says which, when there are more templates than the limit', () => {
    const s = sampleByTemplate(groups, 2, 'abc123');
    expect(s.picked.size).toBe(2);
    expect(s.left.length).toBe(1);
  });

  it('does not follow the order the sitemap lists its entries in', () => {
    const s = sampleByTemplate(groups, 3, 'abc123');
    expect(s.picked.get('/products/:id/')).not.toEqual(['/products/0/']);
  });
});

describe('sitemap XML', () => {
  it('reads a urlset and an index, with a namespace prefix and CDATA', async () => {
    const set = await readSitemap(Buffer.from(urlset(['https://x/a', 'https://x/b'])), limits);
    expect(set).toMatchObject({ kind: 'urlset', locs: ['https://x/a', 'https://x/b'] });
    expect(set.problem).toBeUndefined();
    const index = await readSitemap(
      Buffer.from(
        '<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9"><sm:sitemap><sm:loc><![CDATA[https://x/s1.xml]]></sm:loc></sm:sitemap></sm:sitemapindex>',
      ),
      limits,
    );
    expect(index).toMatchObject({ kind: 'index', locs: ['https://x/s1.xml'] });
  });

  it('inflates a gzip sitemap', async () => {
    const read = await readSitemap(gzipSync(urlset(['https://x/gz'])), limits);
    expect(read.locs).toEqual(['https://x/gz']);
  });

  it('refuses a DOCTYPE with entities (billion laughs) without expanding anything', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><urlset><url><loc>https://x/&lol3;</loc></url></urlset>`;
    const read = await readSitemap(Buffer.from(bomb), limits);
    expect(read.problem).toMatch(/refused: it declares a DOCTYPE/);
    expect(read.locs).toEqual([]);
  });

  it('does not expand an undeclared entity either', async () => {
    const read = await readSitemap(Buffer.from(urlset(['https://x/&custom;'])), limits);
    expect(read.locs.join('')).not.toContain('custom-expanded');
    expect(read.problem).toMatch(/not well-formed XML/);
  });

  it('refuses a gzip bomb at the inflated cap', async () => {
    const inflated = Buffer.concat([
      Buffer.from(urlset(['https://x/a']).replace('</urlset>', '')),
      Buffer.alloc(8 * 1024 * 1024, 0x20),
    ]);
    const bomb = gzipSync(inflated);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const read = await readSitemap(bomb, limits);
    expect(read.problem).toMatch(/refused: it inflates to more than 1 MiB/);
    expect(read.locs).toEqual(['https://x/a']);
  });

  it('says an HTML page (an SPA fallback) is not a sitemap', async () => {
    const read = await readSitemap(Buffer.from('<!doctype html><html><body>app</body></html>'), limits);
    expect(read.problem).toMatch(/not a sitemap: an HTML page/);
    const feed = await readSitemap(Buffer.from('<rss><channel></channel></rss>'), limits);
    expect(feed.problem).toMatch(/not a sitemap: its root element is <rss>/);
  });

  it('stops at the entry cap and says so', async () => {
    const locs = Array.from({ length: 50 }, (_, i) => `https://x/p/${i}`);
    const read = await readSitemap(Buffer.from(urlset(locs)), { ...limits, maxEntries: 10 });
    expect(read.locs.length).toBe(10);
    expect(read.problem).toMatch(/cut at 10 entries/);
  });

  it('ignores a loc longer than the protocol allows', async () => {
    const read = await readSitemap(Buffer.from(urlset([`https://x/${'a'.repeat(3000)}`, 'https://x/ok'])), limits);
    expect(read.locs).toEqual(['https://x/ok']);
  });
});

describe('page links', () => {
  it('takes <a> and <area> hrefs as the browser resolves them, not comments, templates, downloads or nofollow', () => {
    const page = `<!doctype html><base href="/shop/"><a href="item/1#top">1</a><a href="/about">About</a>
      <!-- <a href="/commented">x</a> --><template><a href="/templated">t</a></template>
      <a href="/file.zip" download>zip</a><a href="/private" rel="nofollow">p</a><a href="mailto:a@b">m</a>
      <map><area href="/area"></map><a href="">self</a><a href="https://other.example/x">other</a>`;
    const links = pageLinks(page, new URL('http://x/'));
    expect(links.map((l) => l.href)).toEqual([
      'http://x/shop/item/1',
      'http://x/about',
      'http://x/area',
      'https://other.example/x',
    ]);
  });
});

describe('robots rules', () => {
  const url = new URL('http://x/robots.txt');
  it('applies the gate group over *, and lists sitemaps', () => {
    const rules = robotsRules(
      url,
      200,
      'User-agent: *\nDisallow: /\n\nUser-agent: post-deploy-gate\nDisallow: /admin\nSitemap: http://x/s.xml\n',
    );
    expect(rules.allowed(new URL('http://x/products/1'))).toBe(true);
    expect(rules.allowed(new URL('http://x/admin/users'))).toBe(false);
    expect(rules.sitemaps).toEqual(['http://x/s.xml']);
  });
  it('allows everything without a robots.txt, and nothing when it fails (RFC 9309)', () => {
    expect(robotsRules(url, 404, '').allowed(new URL('http://x/a'))).toBe(true);
    const failing = robotsRules(url, 503, '');
    expect(failing.allowed(new URL('http://x/a'))).toBe(false);
    expect(failing.note).toMatch(/answered 503: as RFC 9309 asks/);
  });
});

describe('links: what is parsed is bounded', () => {
  it('reads a page up to its first 10,000 tags, so a megabyte of unclosed tags stays small', () => {
    const first = '<a href="/early">early</a>';
    const late = '<a href="/late">late</a>';
    const page = `<!doctype html>${first}${'<b>'.repeat(350_000)}${late}`;
    const before = process.memoryUsage().heapUsed;
    const links = pageLinks(page, new URL('http://x/'));
    expect(links.map((l) => l.pathname)).toEqual(['/early']);
    // 350,000 nested elements took hundreds of MB as a parse5 tree; the first 10,000 take a few.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(100 * 2 ** 20);
  });
});
