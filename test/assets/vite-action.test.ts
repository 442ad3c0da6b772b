import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAction, runCli } from '../support/runner.js';
import { startServer, type TestServer } from '../support/servers.js';
import { buildViteSite, serveStatic, type BuiltSite, type StaticServer } from '../support/static-site.js';

/**
 * The built action, run as the runner runs it with `routes: /` only, against a front end built by the
 * real `vite` package and served from loopback with and without an SPA fallback.
 */

let site: BuiltSite;
const servers: Array<StaticServer | TestServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

beforeAll(async () => {
  site = await buildViteSite();
}, 60_000);

async function serve(dist: string, spaFallback: boolean) {
  const server = await serveStatic(dist, { spaFallback });
  servers.push(server);
  return server;
}

/** A copy of the build with some of its files removed (what an incomplete upload leaves). */
async function without(predicate: (file: string) => boolean): Promise<string> {
  const copy = await buildCopy();
  for (const file of site.files.filter(predicate)) rmSync(join(copy, file));
  return copy;
}

async function buildCopy(): Promise<string> {
  const { cpSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'gate-vite-copy-'));
  cpSync(site.dist, dir, { recursive: true });
  return dir;
}

const bundle = () => site.files.find((f) => /^assets\/index-[\w-]+\.js$/.test(f))!;
const report = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('a Vite build, checked by the built action', () => {
  it('passes the complete build and counts what the page loads', async () => {
    const server = await serve(site.dist, true);
    const run = await runAction({ url: server.url, routes: '/' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const json = report(run.outputs['report']!);
    expect(json.assets.pages[0]).toMatchObject({ route: '/', found: 2, failed: [] });
    expect(json.assets.assets.map((a: { url: string }) => new URL(a.url).pathname).sort()).toEqual(
      site.files
        .filter((f) => /^assets\/index-.*\.(js|css)$/.test(f))
        .map((f) => `/${f}`)
        .sort(),
    );
    expect(run.summary).toContain('OK · 2 assets OK');
    expect(run.outputs['summary']).toContain('2 assets OK');
  });

  it('fails with static-assets-missing naming the bundle when the SPA fallback answers for it', async () => {
    const server = await serve(await without((f) => f === bundle()), true);
    // The repository shows Vite (its config), so the fix adds Vite's step.
    const workspace = mkdtempSync(join(tmpdir(), 'pdg-vite-repo-'));
    writeFileSync(join(workspace, 'vite.config.js'), 'export default {}\n');
    const run = await runAction({ url: server.url, routes: '/' }, { GITHUB_WORKSPACE: workspace });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    expect(run.outputs['summary']).toContain(`/${bundle()}`);
    expect(run.outputs['summary']).toContain('is answered with HTML (the SPA fallback)');
    const [d] = report(run.outputs['report']!).diagnoses;
    expect(d.routes).toEqual(['/']);
    expect(d.evidence[0]).toContain(`script type=module src /${bundle()} → 206 partial text/html`);
    expect(d.fix).toContain('Vite: deploy `dist/` whole with a matching `base`');
    expect(run.summary).toContain('### Assets the pages load');
    expect(run.summary).toContain(`\`/${bundle()}\``);

    expect(run.exitCode).toBe(1);
  });

  it('fails with static-assets-missing naming the bundle when the host answers 404 for it', async () => {
    const server = await serve(await without((f) => f === bundle()), false);
    const run = await runAction({ url: server.url, routes: '/' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    expect(run.outputs['summary']).toContain(`/${bundle()}`);
    expect(run.outputs['summary']).toContain('answers 404');
    expect(run.summary).toMatch(/\| 404 text\/html \|/);
  });

  it('fails an index.html from another build than the assets (a cached page after a new deploy)', async () => {
    const next = await buildViteSite({ entryText: 'next release' });
    const mixed = await buildCopy();
    // The new build's files, and the old page still being served.
    rmSync(join(mixed, 'assets'), { recursive: true });
    const { cpSync } = await import('node:fs');
    cpSync(join(next.dist, 'assets'), join(mixed, 'assets'), { recursive: true });
    const server = await serve(mixed, true);
    const run = await runAction({ url: server.url, routes: '/' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    expect(run.outputs['summary']).toContain('different builds');
  });

  it('points at the Vite `base` when the build was made for another path than it is served from', async () => {
    const shop = await buildViteSite({ base: '/shop/' });
    const server = await serve(shop.dist, false);
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const repo = mkdtempSync(join(tmpdir(), 'gate-vite-repo-'));
    writeFileSync(join(repo, 'vite.config.js'), "export default {\n  base: '/shop/',\n};\n");
    const run = await runAction({ url: server.url, routes: '/' }, { GITHUB_WORKSPACE: repo });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    const [d] = report(run.outputs['report']!).diagnoses;
    expect(d.evidence[0]).toMatch(/script type=module src \/shop\/assets\/index-[\w-]+\.js → 404/);
    expect(d.where).toMatchObject({ file: 'vite.config.js', line: 2 });
    expect(run.summary).toContain('**Where:** `vite.config.js:2`');
  });

  it('lists the failing asset under its page in the terminal report, and --no-check-assets turns it off', async () => {
    const server = await serve(await without((f) => f === bundle()), true);
    const cli = await runCli(['--url', server.url, '--route', '/', '--no-color']);
    expect(cli.exitCode).toBe(1);
    expect(cli.stdout).toContain('✗ /  200 in');
    expect(cli.stdout).toContain('· 1 of 2 assets failing');
    expect(cli.stdout).toContain(
      `✗ script type=module src /${bundle()}  206 partial text/html: HTML instead of the file`,
    );
    const off = await runCli(['--url', server.url, '--route', '/', '--no-check-assets', '--no-color']);
    expect(off.exitCode, off.stdout).toBe(0);
  });

  it('says nothing about assets when check-assets is false', async () => {
    const server = await serve(await without((f) => f === bundle()), true);
    const run = await runAction({ url: server.url, routes: '/', 'check-assets': 'false' });
    expect(run.outputs['verdict']).toBe('pass');
    expect(report(run.outputs['report']!).assets).toBeUndefined();
    expect(server.requests.map((r) => r.path)).not.toContain(`/${bundle()}`);
  });

  it('never fetches a CDN the page names, and never sends it the configured headers', async () => {
    const cdn = await startServer({});
    servers.push(cdn);
    const dir = await buildCopy();
    const index = join(dir, 'index.html');
    writeFileSync(
      index,
      readFileSync(index, 'utf8').replace(
        '</head>',
        `<script src="${cdn.url}/lib/react.js"></script><link rel="stylesheet" href="${cdn.url}/fonts.css"></head>`,
      ),
    );
    const server = await serve(dir, true);
    const run = await runAction({ url: server.url, routes: '/', headers: 'x-preview-bypass: s3cr3t-bypass' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(cdn.requests).toEqual([]);
    expect(server.requests.find((r) => r.path === `/${bundle()}`)?.headers['x-preview-bypass']).toBe('s3cr3t-bypass');
    expect(report(run.outputs['report']!).assets.pages[0].crossOrigin).toHaveLength(2);
    expect(run.summary).toContain('2 cross-origin not fetched');
  });
});

describe('a hand-written page, checked by the built action', () => {
  it('resolves <base href>, relative paths and query strings, ignores inline scripts and never fetches the CDN', async () => {
    const page = `<!doctype html><html><head><base href="/static/v2/">
      <link rel="stylesheet" href="../v2/css/site.css?h=abc">
      <script>var fake = '<script src="/inline-only.js"><\\/script>';</script>
      <script src="https://cdn.example.invalid/lib.js"></script>
      <script defer src="js/app.js?v=3"></script></head><body>hi</body></html>`;
    const seen: string[] = [];
    const server = await startServer({
      '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page),
      '/health': (_req, res) => res.end('ok'),
      '/static/v2/css/site.css': (req, res) => {
        seen.push(req.url!);
        res.writeHead(req.url!.endsWith('?h=abc') ? 200 : 404, { 'content-type': 'text/css' }).end('body{}');
      },
      '/static/v2/js/app.js': (req, res) => {
        seen.push(req.url!);
        res.writeHead(req.url!.endsWith('?v=3') ? 200 : 404, { 'content-type': 'text/javascript' }).end('go()');
      },
    });
    servers.push(server);
    const run = await runAction({ url: server.url, routes: '/' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(seen.sort()).toEqual(['/static/v2/css/site.css?h=abc', '/static/v2/js/app.js?v=3']);
    expect(server.requests.map((r) => r.path)).not.toContain('/inline-only.js');
    const [pageAssets] = report(run.outputs['report']!).assets.pages;
    expect(pageAssets).toMatchObject({
      base: '/static/v2/',
      found: 2,
      crossOrigin: ['https://cdn.example.invalid/lib.js'],
    });
  });

  it('loads at most 100 assets of a page with hundreds, and says what it cut', async () => {
    const tags = Array.from({ length: 250 }, (_, i) => `<script src="/chunks/c${i}.js"></script>`).join('\n');
    const server = await startServer(
      {
        '/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>${tags}`),
        '/health': (_req, res) => res.end('ok'),
      },
      (_req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end('x()'),
    );
    servers.push(server);
    const run = await runAction({ url: server.url, routes: '/' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(server.requests.filter((r) => r.path.startsWith('/chunks/')).length).toBe(100);
    const json = report(run.outputs['report']!);
    expect(json.assets).toMatchObject({ limit: 100, notChecked: 150 });
    expect(json.warnings).toContain(
      "150 same-origin assets were not checked: the gate loads at most 100 per run (every page's first assets come first)",
    );
    expect(run.summary).toContain('100 assets OK, 150 not checked');
    expect(run.summary).toContain('150 not checked (at most 100 per run)');
  });
});
