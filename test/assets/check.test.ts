import { afterEach, describe, expect, it } from 'vitest';
import { checkAssets, MAX_ASSETS_PER_RUN } from '../../src/assets/check.js';
import type { PageInput } from '../../src/assets/types.js';
import { collectAssetRefs, MAX_REFS_PER_PAGE } from '../../src/assets/collect.js';
import { diagnoseAssets } from '../../src/assets/diagnose.js';
import { assetWarnings } from '../../src/assets/summary.js';
import { withStack, type Diagnosis } from '../../src/diagnosis/compare.js';
import { createHttpClient, type HttpClient } from '../../src/http/client.js';
import { silentLogger } from '../../src/log.js';
import { seededRandom, virtualClock } from '../support/clock.js';
import { sequence, sleep, startServer, text, type Handler, type TestServer } from '../support/servers.js';

const servers: TestServer[] = [];
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  client = undefined;
});

const js: Handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end('console.log(1)');
const css: Handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/css' }).end('body{}');

async function serve(routes: Record<string, Handler>, fallback?: Handler) {
  const server = await startServer(routes, fallback);
  servers.push(server);
  return server;
}

async function run(
  base: string,
  pages: Array<[route: string, html: string]>,
  options: { retries?: number; concurrency?: number; headers?: Array<[string, string]> } = {},
) {
  const clock = virtualClock();
  client = createHttpClient({ requestTimeoutMs: 2000, headers: options.headers ?? [], trustedOrigin: base, clock });
  const inputs: PageInput[] = pages.map(([route, html]) => {
    const page = new URL(route, base).href;
    return { route, page, ...collectAssetRefs(html, new URL(page)) };
  });
  return checkAssets({
    client,
    clock,
    log: silentLogger,
    pages: inputs,
    concurrency: options.concurrency ?? 4,
    retries: options.retries ?? 0,
    random: seededRandom(),
  });
}

describe('checking the assets of pages', () => {
  it('fetches an asset once however many pages name it, and says which pages name it', async () => {
    const server = await serve({ '/app.js': js, '/app.css': css });
    const html = '<!doctype html><script src="/app.js"></script><link rel="stylesheet" href="/app.css">';
    const check = await run(server.url, [
      ['/', html],
      ['/about', html],
      ['/shop', html],
    ]);
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/app.css', '/app.js']);
    expect(check.assets.every((a) => a.passed)).toBe(true);
    expect(check.assets[0]!.routes).toEqual(['/', '/about', '/shop']);
    expect(check.pages.map((p) => p.checked.length)).toEqual([2, 2, 2]);
    expect(diagnoseAssets(check)).toEqual([]);
  });

  it('never fetches another origin, so configured headers never go there', async () => {
    const site = await serve({ '/app.js': js });
    const cdn = await serve({}, js);
    const html = `<script src="/app.js"></script><script src="${cdn.url}/lib.js"></script><link rel="stylesheet" href="${cdn.url}/x.css">`;
    const check = await run(site.url, [['/', html]], { headers: [['x-bypass', 'secret-value']] });
    expect(cdn.requests).toEqual([]);
    expect(site.requests[0]!.headers['x-bypass']).toBe('secret-value');
    expect(check.crossOrigin).toBe(2);
    expect(check.pages[0]!.crossOrigin).toEqual([`${cdn.url}/lib.js`, `${cdn.url}/x.css`]);
  });

  it('respects the per-run cap on a page with hundreds of assets, and says what it cut', async () => {
    const server = await serve({}, js);
    const tags = Array.from({ length: 300 }, (_, i) => `<script src="/chunk-${i}.js"></script>`).join('');
    const check = await run(server.url, [
      ['/', tags],
      ['/b', '<script src="/b-only.js"></script>'],
    ]);
    expect(server.requests.length).toBe(MAX_ASSETS_PER_RUN);
    expect(check.assets.length).toBe(MAX_ASSETS_PER_RUN);
    expect(check.notChecked).toBe(300 + 1 - MAX_ASSETS_PER_RUN);
    // Pages take turns: the small page's only asset is checked although the big one could fill the cap.
    expect(check.pages[1]!.checked).toEqual([`${server.url}/b-only.js`]);
    // The report lists a page's first unchecked URLs and counts the rest.
    expect(check.pages[0]!.notChecked.length).toBe(20);
    expect(check.pages[0]!.totals?.notChecked).toBe(MAX_REFS_PER_PAGE - (MAX_ASSETS_PER_RUN - 1));
    expect(check.pages[0]!.omitted).toBe(300 - MAX_REFS_PER_PAGE);
    expect(check.pages[0]!.found).toBe(300);
  });

  it('keeps at most `concurrency` assets in flight', async () => {
    const server = await serve({}, async (req, res) => {
      await sleep(20);
      js(req, res);
    });
    const tags = Array.from({ length: 24 }, (_, i) => `<script src="/c${i}.js"></script>`).join('');
    await run(server.url, [['/', tags]], { concurrency: 3 });
    expect(server.peakConcurrency).toBeLessThanOrEqual(3);
    expect(server.peakConcurrency).toBeGreaterThan(1);
  });

  it('reads only the first bytes of a large asset', async () => {
    const big = 'x'.repeat(4 * 1024 * 1024);
    const server = await serve({
      '/big.js': (_req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(big),
    });
    const check = await run(server.url, [['/', '<script src="/big.js"></script>']]);
    expect(check.assets[0]!.passed).toBe(true);
    expect(check.assets[0]!.observation.bodyBytes).toBeLessThanOrEqual(1024);
  });

  it('names the page, the asset and what came back when the SPA fallback answers for a missing bundle', async () => {
    const index =
      '<!doctype html><html><head><script type="module" src="/assets/index-3f9a1c.js"></script></head><body><div id="root"></div></body></html>';
    const server = await serve({ '/': text(200, index) }, text(200, index));
    const check = await run(server.url, [['/', index]]);
    const [d] = diagnoseAssets(check) as [Diagnosis];
    expect(d.cause).toBe('static-assets-missing');
    expect(d.routes).toEqual(['/']);
    expect(d.headline).toContain('`/assets/index-3f9a1c.js`');
    expect(d.headline).toContain('SPA fallback');
    expect(d.headline).toContain('different builds');
    expect(d.evidence[0]).toContain('script type=module src /assets/index-3f9a1c.js → 200 text/html');
    expect(d.fix).toContain("the bundler's base path");
    expect(d.fix).not.toMatch(/Vite|webpack|Next\.js/);
    expect(withStack(d, { stack: 'vite', why: 'test' }, undefined).fix).toContain('Vite: deploy `dist/` whole');
  });

  it('points a missing /static/ stylesheet at the build step, and at collectstatic only for Django', async () => {
    const server = await serve({});
    const check = await run(server.url, [['/', '<!doctype html><link rel="stylesheet" href="/static/css/site.css">']]);
    const [d] = diagnoseAssets(check) as [Diagnosis];
    expect(d.headline).toContain('stylesheet `/static/css/site.css` answers 404');
    expect(d.fix).not.toMatch(/collectstatic|STATIC_|Django/);
    expect(withStack(d, { stack: 'django', why: 'test' }, undefined).fix).toContain('collectstatic --noinput');
    const next = withStack(d, { stack: 'nextjs', why: 'test' }, undefined).fix;
    expect(next).toContain('copy `.next/static`');
    expect(next).not.toMatch(/collectstatic/);
  });

  it('samples a failing asset again, and a replica that recovers makes it flaky, not failed', async () => {
    const server = await serve({ '/a.js': sequence(text(503, 'busy'), js) });
    const check = await run(server.url, [['/', '<script src="/a.js"></script>']], { retries: 2 });
    expect(check.assets[0]).toMatchObject({ passed: true, flaky: true, attempts: 2 });
    const failing = await serve({});
    const again = await run(failing.url, [['/', '<script src="/gone.js"></script>']], { retries: 2 });
    expect(again.assets[0]).toMatchObject({ passed: false, attempts: 3 });
  });

  it('calls an asset a rate limiter or a protection wall answered for not checked, never missing', async () => {
    const server = await serve({
      '/a.js': text(429, 'slow down', { 'retry-after': '1' }),
      '/b.css': text(403, '<!doctype html><title>Just a moment...</title>', { 'cf-mitigated': 'challenge' }),
      '/c.js': js,
    });
    const page =
      '<!doctype html><script src="/a.js"></script><link rel="stylesheet" href="/b.css"><script src="/c.js"></script>';
    const check = await run(server.url, [['/', page]]);
    expect(check.assets.map((a) => a.problem?.kind)).toEqual(['blocked', 'blocked', undefined]);
    const diagnoses = diagnoseAssets(check);
    expect(diagnoses.map((d) => d.cause)).toEqual(['rate-limited', 'auth-required']);
    expect(diagnoses[0]!.headline).toContain('could not be checked');
  });

  it('says which assets the stage did not reach when its time ran out', async () => {
    const server = await serve({ '/fast.js': js, '/hang.js': () => undefined });
    const clock = virtualClock();
    client = createHttpClient({ requestTimeoutMs: 10_000, headers: [], trustedOrigin: server.url, clock });
    const html = '<script src="/fast.js"></script><script src="/hang.js"></script>';
    const page = `${server.url}/`;
    const check = await checkAssets({
      client,
      clock,
      log: silentLogger,
      pages: [{ route: '/', page, ...collectAssetRefs(html, new URL(page)) }],
      concurrency: 2,
      retries: 0,
      signal: AbortSignal.timeout(300),
    });
    expect(check.assets.map((a) => a.url)).toEqual([`${server.url}/fast.js`]);
    expect(check.pages[0]!.notChecked).toEqual([`${server.url}/hang.js`]);
    expect(assetWarnings(check)).toEqual(['1 same-origin asset was not checked: the stage ran out of time']);
  });

  it('asks for the first bytes only, so servers with ranges keep the connection for the next asset', async () => {
    const body = Buffer.alloc(64 * 1024, 'x');
    const ranged: Handler = (req, res) => {
      const range = /^bytes=0-(\d+)$/.exec(req.headers.range ?? '');
      if (!range) return res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
      const end = Math.min(Number(range[1]), body.length - 1);
      res
        .writeHead(206, { 'content-type': 'text/javascript', 'content-range': `bytes 0-${end}/${body.length}` })
        .end(body.subarray(0, end + 1));
    };
    const server = await serve({}, ranged);
    const tags = Array.from({ length: 20 }, (_, i) => `<script src="/c${i}.js"></script>`).join('');
    const check = await run(server.url, [['/', tags]], { concurrency: 2 });
    expect(check.assets.every((a) => a.passed && a.observation.status === 206)).toBe(true);
    expect(server.requests[0]!.headers).toMatchObject({ range: 'bytes=0-1023', 'accept-encoding': 'identity' });
    // Twenty assets over a few kept-alive connections, not one connection each (cutting a full body closes it).
    expect(server.connections).toBeLessThan(10);
  });

  it('sees a zero-length file (416 to the range) as the empty body it is', async () => {
    const server = await serve({
      '/empty.js': (req, res) =>
        req.headers.range
          ? res.writeHead(416, { 'content-range': 'bytes */0' }).end()
          : res.writeHead(200, { 'content-type': 'text/javascript' }).end(),
    });
    const check = await run(server.url, [['/', '<script src="/empty.js"></script>']]);
    expect(check.assets[0]).toMatchObject({ passed: false, problem: { kind: 'empty' } });
    expect(server.requests).toHaveLength(2);
  });
});
