import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
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
    const run = await runAction({ url: server.url, routes: '/' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    expect(run.outputs['summary']).toContain(`/${bundle()}`);
    expect(run.outputs['summary']).toContain('is answered with HTML (the SPA fallback)');
    const [d] = report(run.outputs['report']!).diagnoses;
    expect(d.routes).toEqual(['/']);
    expect(d.evidence[0]).toContain(`script type=module src /${bundle()} → 200 text/html`);
    expect(d.fix).toContain('Vite `base`');
    expect(run.summary).toContain('### Assets the pages load');
    expect(run.summary).toContain(`<code>/${bundle().replaceAll('_', '&#95;')}</code>`);

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
