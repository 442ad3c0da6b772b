import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { resolveConfig } from '../../src/config/resolve.js';
import { runGateWithHttp } from '../../src/gate.js';
import type { Report } from '../../src/report/report.js';
import { quiet } from '../support/gate.js';
import { runAction } from '../support/runner.js';
import { Stack, freePort } from './stack.js';

/**
 * A baseline deploy against real nginx (the echo module gives server-side delays): a route broken only on
 * the new deploy fails, one broken on both is already-broken and passes, a 4× slower route is `slower`,
 * and two identical deploys under CPU noise are never called slower.
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

async function gate(values: Record<string, string>): Promise<Report> {
  const config = await resolveConfig({ values, workspace: process.cwd(), defaultReportPath: '' });
  return runGateWithHttp(config, { clock: systemClock(), log: quiet });
}

describe('a baseline deploy, real nginx', () => {
  it('the action fails a route broken only here, and passes one broken on both', async () => {
    const paths = ['/', '/cart', '/legacy'];
    const { url, baselineUrl } = await deploys({ broken: ['/cart', '/legacy'] }, { broken: ['/legacy'] }, paths);
    const failing = await runAction({ url, routes: paths.join('\n'), 'baseline-url': baselineUrl, retries: '0' });
    expect(failing.outputs['verdict'], failing.stdout).toBe('fail');
    const report = JSON.parse(readFileSync(failing.outputs['report']!, 'utf8')) as Report;
    expect(report.baseline?.routes.map((r) => [r.route, r.outcome])).toEqual([
      ['/', 'same'],
      ['/cart', 'regressed'],
      ['/legacy', 'already-broken'],
    ]);
    expect(report.diagnoses.flatMap((d) => d.routes)).toEqual(['/cart']);
    expect(failing.outputs['summary']).toMatch(/1 regression, 1 already broken on the baseline \(not counted\)\.$/);

    const passing = await runAction({ url, routes: '/\n/legacy', 'baseline-url': baselineUrl, retries: '0' });
    expect(passing.outputs['verdict'], passing.stdout).toBe('pass');
    expect(passing.exitCode).toBe(0);
    expect(passing.outputs['summary']).toMatch(/1 already broken on the baseline \(not counted\)\.$/);
  });

  it('a route 4× slower on the server is slower, with its statistics', async () => {
    const paths = ['/', '/search'];
    const { url, baselineUrl } = await deploys({ sleeps: { '/search': 0.4 } }, { sleeps: { '/search': 0.1 } }, paths);
    const report = await gate({ url, routes: paths.join('\n'), 'baseline-url': baselineUrl });
    expect(report.verdict).toBe('fail');
    expect(report.cause).toBe('slower-than-baseline');
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
      for (let run = 0; run < 20; run++) {
        const report = await gate({ url, routes: paths.join('\n'), 'baseline-url': baselineUrl });
        expect(report.baseline?.available).toBe(true);
        for (const route of report.baseline!.routes) {
          expect(route.latency, route.route).toBeDefined();
          if (route.outcome === 'slower') slower.push(`run ${run}: ${route.route} ${route.latency!.reason}`);
        }
        expect(report.verdict, report.summary).toBe('pass');
      }
      expect(slower).toEqual([]);
    }, 300_000);
  });
});
