import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { Stack, freePort } from './stack.js';

/**
 * Issue 3's bar against real software: every incident class that can be produced locally gets the right
 * cause, and healthy deploys with slow pages, trailing-slash redirects, a warm-up 503 and a version only in
 * a header pass without a false alarm. The built action runs as the runner runs it.
 */

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function django(
  env: Record<string, string> = {},
  options: { workerTimeoutSec?: number; locations?: string } = {},
) {
  stack = new Stack();
  const socket = `unix:${stack.dir}/gunicorn.sock`;
  await stack.gunicorn({
    bind: socket,
    timeoutSec: options.workerTimeoutSec,
    env: { ALLOWED_HOSTS: '127.0.0.1', ...env },
  });
  const port = await freePort();
  await stack.nginx({ port, upstream: socket, locations: options.locations });
  return `http://127.0.0.1:${port}`;
}
const report = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const check = (url: string, inputs: Record<string, string> = {}) =>
  runAction({ url, 'health-path': '/health/', ...inputs });

describe('healthy deploys pass without a false alarm', () => {
  it('a slow page, a trailing-slash redirect, and a version named only in a header', async () => {
    const url = await django({ RELEASE: 'v7', VERSION_IN_BODY: '0' });
    const run = await check(url, { routes: '/\n/products\n/slow/?s=2', 'expect-version': 'v7' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const routes = report(run.outputs['report']!).routes;
    expect(routes[1].observation.redirects[0]).toMatchObject({ status: 301 });
    expect(routes[2].observation.timings.totalMs).toBeGreaterThanOrEqual(2000);
  });

  it('an app that answers 503 for a moment while it warms up', async () => {
    const url = await django({ WARMUP: '2' });
    const run = await check(url, { routes: '/\n/products/' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(Number(run.outputs['ready-after'])).toBeGreaterThan(1);
    expect(run.summary).toMatch(/\| health \(\d+ requests?\) \| 503 \|/);
  });

  it('Django behind Caddy', async () => {
    stack = new Stack();
    const app = await freePort();
    await stack.gunicorn({ bind: `127.0.0.1:${app}`, env: { ALLOWED_HOSTS: '127.0.0.1' } });
    const port = await freePort();
    await stack.caddy({ port, upstream: `127.0.0.1:${app}` });
    const run = await check(`http://127.0.0.1:${port}`, { routes: '/\n/products/' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
  });
});

describe('each incident class gets the right cause', () => {
  it('app-error, route-not-found and static-assets-missing, each once', async () => {
    const url = await django();
    const run = await check(url, { routes: '/\n/boom/\n/no-such-page/\n/static/app.css' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'app-error' });
    const diagnoses = report(run.outputs['report']!).diagnoses as Array<{
      cause: string;
      routes: string[];
      evidence: string[];
    }>;
    expect(diagnoses.map((d) => [d.cause, d.routes])).toEqual([
      ['app-error', ['/boom/']],
      ['static-assets-missing', ['/static/app.css']],
      ['route-not-found', ['/no-such-page/']],
    ]);
    expect(diagnoses[2]!.evidence.join('\n')).toContain("gets the same 404: this is the deploy's ordinary not-found");
  });

  it('redirect-loop: nginx strips the trailing slash that Django adds', async () => {
    const url = await django({}, { locations: 'location = /products/ { return 301 /products; }' });
    const run = await check(url, { routes: '/products/' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'redirect-loop' });
  });

  it('upstream-unreachable behind Caddy (its empty 502)', async () => {
    stack = new Stack();
    const port = await freePort();
    await stack.caddy({ port, upstream: `127.0.0.1:${await freePort()}` });
    const run = await check(`http://127.0.0.1:${port}`, { timeout: '2s' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'upstream-unreachable' });
    expect(report(run.outputs['report']!).diagnoses[0].who).toBe('Caddy');
  });

  it('upstream-timeout behind HAProxy (a worker killed mid-request)', async () => {
    stack = new Stack();
    const app = await freePort();
    // Two workers, as in production: HAProxy's checks reach the one not stuck on the slow view.
    await stack.gunicorn({ bind: `127.0.0.1:${app}`, timeoutSec: 1, workers: 2, env: { ALLOWED_HOSTS: '127.0.0.1' } });
    const port = await freePort();
    await stack.haproxy({ port, backend: `127.0.0.1:${app}` });
    await new Promise((r) => setTimeout(r, 500));
    const run = await check(`http://127.0.0.1:${port}`, { routes: '/\n/slow/?s=5' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'upstream-timeout' });
    expect(report(run.outputs['report']!).diagnoses[0].who).toBe('HAProxy');
  });

  it('timeout: a page slower than request-timeout', async () => {
    const url = await django();
    const run = await check(url, { routes: '/\n/slow/?s=5', 'request-timeout': '1s' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'timeout' });
  });

  it('connection-refused and dns-failure', async () => {
    const refused = await runAction({ url: `http://127.0.0.1:${await freePort()}`, timeout: '2s' });
    expect(refused.outputs).toMatchObject({ verdict: 'fail', cause: 'connection-refused' });
    const dns = await runAction({ url: 'http://no-such-host.invalid', timeout: '2s' });
    expect(dns.outputs).toMatchObject({ verdict: 'fail', cause: 'dns-failure' });
  });
});
