import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { Stack, freePort } from './stack.js';

/**
 * check-assets against Django under gunicorn behind nginx (Debian packages), the built action run as the
 * runner runs it with `routes: /` only. The page links `{% static 'shop/site.css' %}`; whether it loads
 * depends on collectstatic having run, as in a real deploy.
 */

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function django(options: { collectstatic: boolean; locations?: (staticRoot: string) => string }) {
  stack = new Stack();
  const socket = `unix:${stack.dir}/gunicorn.sock`;
  await stack.gunicorn({ bind: socket, collectstatic: options.collectstatic, env: { ALLOWED_HOSTS: '127.0.0.1' } });
  const port = await freePort();
  await stack.nginx({ port, upstream: socket, locations: options.locations?.(join(stack.dir, 'static')) });
  return `http://127.0.0.1:${port}`;
}

const report = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * A checked-out Django project: its manage.py (which tells the stack: nginx in front shows no app server)
 * and the settings, for the "where" pointer.
 */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gate-workspace-'));
  const settings = new URL('./django_app/settings.py', import.meta.url).pathname;
  writeFileSync(join(dir, 'settings.py'), readFileSync(settings, 'utf8'));
  writeFileSync(
    join(dir, 'manage.py'),
    '#!/usr/bin/env python\nfrom django.core.management import execute_from_command_line\n',
  );
  return dir;
}

describe('Django static files, checked through the page', () => {
  it('passes the healthy stack: collectstatic ran and the stylesheet loads', async () => {
    const url = await django({ collectstatic: true });
    const run = await runAction({ url, 'health-path': '/health/', routes: '/' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const { assets } = report(run.outputs['report']!);
    expect(assets.assets).toMatchObject([{ url: `${url}/static/shop/site.css`, passed: true, kinds: ['stylesheet'] }]);
    expect(run.summary).toContain('1 asset OK');
  });

  it('fails without collectstatic, naming the page, its stylesheet and where STATIC_ROOT is set', async () => {
    const url = await django({ collectstatic: false });
    const run = await runAction({ url, 'health-path': '/health/', routes: '/' }, { GITHUB_WORKSPACE: workspace() });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    // The headline counts the page as a failing route and keeps the asset diagnosis's own words.
    expect(run.outputs['summary']).toContain(
      'Health is fine, but the only route fails: the page / answers, but its stylesheet /static/shop/site.css answers 404',
    );
    const [d] = report(run.outputs['report']!).diagnoses;
    expect(d.routes).toEqual(['/']);
    expect(d.fix).toContain('collectstatic --noinput');
    expect(d.where).toMatchObject({ file: 'settings.py', text: expect.stringContaining('STATIC_ROOT') });
    expect(d.evidence[0]).toContain('link rel=stylesheet /static/shop/site.css → 404 text/html');
  });

  it('fails the same way when nginx serves /static/ from an uncollected STATIC_ROOT', async () => {
    const url = await django({
      collectstatic: false,
      locations: (root) => `location /static/ { alias ${root}/; }`,
    });
    const run = await runAction({ url, 'health-path': '/health/', routes: '/' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    const [asset] = report(run.outputs['report']!).assets.assets;
    // nginx's own 404 this time, not Django's.
    expect(asset.observation.headers['server']).toMatch(/^nginx/);
    expect(asset.observation.status).toBe(404);
  });
});
