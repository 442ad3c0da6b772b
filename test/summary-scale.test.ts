import { afterEach, describe, expect, it } from 'vitest';
import { gfmHtmlOf } from './support/gfm.js';
import { runAction } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/**
 * Issue 22 item 5: with 61 routes and one failing (row 31), the failing route is the first row after
 * health and the 60 passing ones are folded, with their count, in a <details>.
 */

let deploy: TestServer | undefined;
afterEach(async () => {
  await deploy?.close();
  deploy = undefined;
});

const routes = Array.from({ length: 61 }, (_, i) => `/page-${i + 1}`);

describe('a summary that scales', () => {
  it('puts the one failing route of 61 first and folds the passing ones', async () => {
    const handlers = Object.fromEntries(routes.map((r) => [r, text(200, `<p>${r}</p>`)]));
    deploy = await startServer({
      '/health': text(200, 'ok'),
      ...handlers,
      '/page-31': text(404, 'Not Found'),
    });
    const run = await runAction({
      url: deploy.url,
      routes: routes.join('\n'),
      comment: 'false',
      'check-assets': 'false',
    });
    expect(run.outputs['verdict'], run.stdout).toBe('fail');
    const tableRows = run.summary.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| |'));
    // Health, then the failing route, before any passing one.
    expect(tableRows[0]).toContain('health /health');
    expect(tableRows[1]).toContain('`/page-31`');
    expect(tableRows[1]).toContain('❌');
    expect(run.summary).toContain('<details><summary>✅ 60 routes passed</summary>');
    const start = run.summary.indexOf('✅ 60 routes passed');
    const folded = run.summary.slice(start, run.summary.indexOf('</details>', start));
    expect(folded).toContain('`/page-1`');
    expect(folded).toContain('`/page-61`');
    expect(folded).not.toContain('`/page-31`');
    // GitHub renders it as a fold with a table inside.
    expect(gfmHtmlOf(run.summary)).toMatch(/<details><summary>✅ 60 routes passed<\/summary>\s*<table>/);
  });

  it('with every route passing, health stays in view and the routes are one fold', async () => {
    deploy = await startServer({ '/health': text(200, 'ok') }, text(200, '<p>ok</p>'));
    const run = await runAction({ url: deploy.url, routes: '/a\n/b\n/c', comment: 'false', 'check-assets': 'false' });
    expect(run.outputs['verdict']).toBe('pass');
    expect(run.summary).toContain('<details><summary>✅ 3 routes passed</summary>');
  });
});
