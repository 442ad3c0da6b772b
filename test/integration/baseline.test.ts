import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report.js';
import { runAction } from '../support/runner.js';
import { startServer, text, type TestServer } from '../support/servers.js';
import { Stack, freePort } from './stack.js';

/**
 * A baseline deploy against real nginx (the echo module gives server-side delays): a route broken only on
 * the new deploy fails, one broken on both is already-broken and passes, a 4× slower route is `slower`,
 * and two identical deploys under CPU noise are never called slower. Every run is the built action
 * (dist/index.js), started the way the runner starts it.
 */

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

interface Side {
  /** Seconds each route sleeps on the server before answering; absent: answers at once. */
  sleeps?: Record<string, number>;
  /** Routes that answer a 500 error page. */
  broken?: string[];
}

function locations({ sleeps = {}, broken = [] }: Side, paths: string[]): string {
  return [
    'location = /health { return 200 "ok\\n"; }',
    ...paths.map((path) =>
      broken.includes(path)
        ? `location = ${path} { return 500 "<h1>Internal Server Error</h1>\\n"; }`
        : `location = ${path} { ${sleeps[path] ? `echo_sleep ${sleeps[path]};` : ''} echo "<h1>${path}</h1>"; }`,
    ),
  ].join('\n    ');
}

async function deploys(here: Side, baseline: Side, paths: string[]) {
  stack = new Stack();
  const [herePort, baselinePort] = [await freePort(), await freePort()];
  await stack.nginxEcho({ port: herePort, locations: locations(here, paths) });
  await stack.nginxEcho({ port: baselinePort, locations: locations(baseline, paths) });
  return { url: `http://127.0.0.1:${herePort}`, baselineUrl: `http://localhost:${baselinePort}` };
}

/** The built action (dist/index.js) as the runner starts it, and its JSON report. */
async function action(inputs: Record<string, string>) {
  const run = await runAction(inputs, {}, { timeoutMs: 120_000 });
  const report = JSON.parse(readFileSync(run.outputs['report']!, 'utf8')) as Report;
  return { ...run, report };
}

describe('a baseline deploy, real nginx', () => {
  it('the action fails a route broken only here, and passes one broken on both', async () => {
    const paths = ['/', '/cart', '/legacy'];
    const { url, baselineUrl } = await deploys({ broken: ['/cart', '/legacy'] }, { broken: ['/legacy'] }, paths);
    const failing = await action({ url, routes: paths.join('\n'), 'baseline-url': baselineUrl, retries: '0' });
    expect(failing.outputs['verdict'], failing.stdout).toBe('fail');
    expect(failing.exitCode).toBe(1);
    const { report } = failing;
    expect(report.baseline?.routes.map((r) => [r.route, r.outcome])).toEqual([
      ['/', 'same'],
      ['/cart', 'regressed'],
      ['/legacy', 'already-broken'],
    ]);
    expect(report.diagnoses.flatMap((d) => d.routes)).toEqual(['/cart']);
    expect(failing.outputs['summary']).toMatch(/1 regression, 1 already broken on the baseline \(not counted\)\.$/);

    const passing = await action({ url, routes: '/\n/legacy', 'baseline-url': baselineUrl, retries: '0' });
    expect(passing.outputs['verdict'], passing.stdout).toBe('pass');
    expect(passing.exitCode).toBe(0);
    expect(passing.outputs['summary']).toMatch(/1 already broken on the baseline \(not counted\)\.$/);

    // The user may count old breakage too: the same deploys then fail.
    const strict = await action({
      url,
      routes: '/\n/legacy',
      'baseline-url': baselineUrl,
      'fail-on-baseline-breakage': 'true',
      retries: '0',
    });
    expect(strict.outputs['verdict'], strict.stdout).toBe('fail');
    expect(strict.exitCode).toBe(1);
    expect(strict.report.baseline?.routes.find((r) => r.route === '/legacy')?.outcome).toBe('already-broken');
  }, 120_000);

  it('a route 4× slower on the server is slower, with its statistics', async () => {
    const paths = ['/', '/search'];
    const { url, baselineUrl } = await deploys({ sleeps: { '/search': 0.4 } }, { sleeps: { '/search': 0.1 } }, paths);
    const run = await action({ url, routes: paths.join('\n'), 'baseline-url': baselineUrl });
    const { report } = run;
    expect(run.outputs['verdict'], run.stdout).toBe('fail');
    expect(run.outputs['cause']).toBe('slower-than-baseline');
    const search = report.baseline!.routes.find((r) => r.route === '/search')!;
    expect(search.outcome).toBe('slower');
    expect(search.latency).toMatchObject({ nHere: 12, nBaseline: 12, slower: true });
    expect(search.latency!.p).toBeLessThan(0.001);
    expect(search.latency!.ratio).toBeGreaterThan(2.5);
    expect(report.baseline!.routes.find((r) => r.route === '/')!.outcome).toBe('same');
  }, 120_000);

  describe('under CPU noise', () => {
    const burners: ChildProcess[] = [];
    afterAll(() => {
      for (const child of burners) child.kill('SIGKILL');
    });

    it('two identical deploys give no latency regression in 20 runs', async () => {
      const paths = ['/', '/page', '/api'];
      const side = { sleeps: { '/page': 0.05, '/api': 0.02 } };
      const { url, baselineUrl } = await deploys(side, side, paths);
      // A busy loop competing for the CPU with nginx and the gate, for the whole test.
      burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
      const slower: string[] = [];
      const judged: { p: number; ratio: number }[] = [];
      for (let run = 0; run < 20; run++) {
        const { report, outputs } = await action({ url, routes: paths.join('\n'), 'baseline-url': baselineUrl });
        expect(report.baseline?.available).toBe(true);
        for (const route of report.baseline!.routes) {
          expect(route.latency, route.route).toBeDefined();
          judged.push(route.latency!);
          if (route.outcome === 'slower') slower.push(`run ${run}: ${route.route} ${route.latency!.reason}`);
        }
        expect(outputs['verdict'], report.summary).toBe('pass');
      }
      // The figures for the closing note: how close noise came to a verdict.
      const significant = judged.filter((j) => j.p < 0.01).length;
      console.info(
        `identical deploys, 20 runs x ${paths.length} routes under CPU noise: ${slower.length} slower; ` +
          `${significant} of ${judged.length} significant at p < 0.01; smallest p ${Math.min(...judged.map((j) => j.p)).toPrecision(2)}; ` +
          `largest ratio ${Math.max(...judged.map((j) => j.ratio)).toFixed(2)}x`,
      );
      expect(judged).toHaveLength(20 * paths.length);
      expect(slower).toEqual([]);
    }, 300_000);
  });

  it('sends the configured headers to the baseline only when baseline-headers says so', async () => {
    const ok = text(200, '<h1>shop</h1>');
    const servers: TestServer[] = [];
    try {
      const here = await startServer({ '/health': ok, '/': ok });
      const baseline = await startServer({ '/health': ok, '/': ok });
      servers.push(here, baseline);
      const inputs = {
        url: `http://127.0.0.1:${here.port}`,
        routes: '/',
        headers: 'X-Bypass: s3cret',
        'baseline-url': `http://localhost:${baseline.port}`,
      };
      // The runner's own mask commands name the values; everything else must not.
      const shown = (run: { stdout: string; summary: string }) =>
        run.stdout.replace(/^::add-mask::.*$/gm, '') + run.summary;
      const bypass = (server: TestServer) => server.requests.map((r) => r.headers['x-bypass'] ?? '-');

      const byDefault = await action(inputs);
      expect(byDefault.outputs['verdict'], byDefault.stdout).toBe('pass');
      expect(baseline.requests.length).toBeGreaterThan(0);
      expect(new Set(bypass(baseline))).toEqual(new Set(['-']));
      expect(new Set(bypass(here))).toEqual(new Set(['s3cret']));
      expect(shown(byDefault)).not.toContain('s3cret');

      baseline.requests.length = 0;
      const same = await action({ ...inputs, 'baseline-headers': 'true' });
      expect(same.outputs['verdict'], same.stdout).toBe('pass');
      expect(new Set(bypass(baseline))).toEqual(new Set(['s3cret']));

      baseline.requests.length = 0;
      const own = await action({ ...inputs, 'baseline-headers': 'X-Prod-Token: other-secret' });
      expect(own.outputs['verdict'], own.stdout).toBe('pass');
      expect(new Set(bypass(baseline))).toEqual(new Set(['-']));
      expect(new Set(baseline.requests.map((r) => r.headers['x-prod-token']))).toEqual(new Set(['other-secret']));
      expect(shown(own) + readFileSync(own.outputs['report']!, 'utf8')).not.toContain('other-secret');
      expect(own.stdout).toContain('::add-mask::other-secret');
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  }, 120_000);

  it('discover with a baseline: the sitemap is read on the baseline, and a page the deploy lost is regressed', async () => {
    stack = new Stack();
    const [herePort, baselinePort] = [await freePort(), await freePort()];
    const baselineUrl = `http://localhost:${baselinePort}`;
    const sitemap = ['/', '/about', '/pricing'].map((p) => `<url><loc>${baselineUrl}${p}</loc></url>`).join('');
    const page = (path: string) => `location = ${path} { echo "<h1>${path}</h1>"; }`;
    const notFound = 'location / { return 404 "<h1>404 Not Found</h1>\\n"; }';
    // The preview has no sitemap and has lost /pricing; production has both.
    await stack.nginxEcho({
      port: herePort,
      locations: ['location = /health { return 200 "ok\\n"; }', page('/'), page('/about'), notFound].join('\n    '),
    });
    await stack.nginxEcho({
      port: baselinePort,
      locations: [
        'location = /health { return 200 "ok\\n"; }',
        page('/'),
        page('/about'),
        page('/pricing'),
        `location = /sitemap.xml { default_type application/xml; return 200 '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${sitemap}</urlset>'; }`,
        notFound,
      ].join('\n    '),
    });
    const run = await action({
      url: `http://127.0.0.1:${herePort}`,
      routes: '/',
      discover: 'sitemap',
      'baseline-url': baselineUrl,
      retries: '0',
    });
    expect(run.outputs['verdict'], run.stdout).toBe('fail');
    expect(run.report.discovery).toMatchObject({ onBaseline: true, base: `${baselineUrl}/` });
    expect(run.report.baseline?.routes.map((r) => [r.route, r.outcome])).toEqual([
      ['/', 'same'],
      ['/about', 'same'],
      ['/pricing', 'regressed'],
    ]);
    expect(run.summary).toContain('found on the baseline and checked on both');
  }, 120_000);
});
