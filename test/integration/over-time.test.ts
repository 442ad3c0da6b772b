import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { Stack, freePort } from './stack.js';

/**
 * A verdict that holds over time, run as the runner runs the built action against real servers: Django
 * under gunicorn behind Debian's nginx and HAProxy, and a Node server that crash-loops. Each case is
 * one of issue 10's: transient is not broken, intermittent is not fine, a crash after ready is caught.
 */

let stack: Stack | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await stack?.stop();
  stack = undefined;
});

const report = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

async function djangoBehindNginx(env: Record<string, string> = {}, nginx: { http?: string; location?: string } = {}) {
  stack = new Stack();
  const socket = `unix:${stack.dir}/gunicorn.sock`;
  const gunicorn = await stack.gunicorn({ bind: socket, env: { ALLOWED_HOSTS: '127.0.0.1', ...env } });
  const port = await freePort();
  await stack.nginx({ port, upstream: socket, ...nginx });
  return { port, gunicorn };
}

async function djangoPool(envs: Array<Record<string, string>>) {
  stack = new Stack();
  const binds: string[] = [];
  for (const env of envs) {
    const bind = `127.0.0.1:${await freePort()}`;
    await stack.gunicorn({ bind, env: { ALLOWED_HOSTS: '127.0.0.1', ...env } });
    binds.push(bind);
  }
  const port = await freePort();
  await stack.haproxy({ port, backend: binds[0]!, more: binds.slice(1) });
  await new Promise((r) => setTimeout(r, 500)); // the first health checks mark both servers up
  return port;
}

describe('transient is not broken', () => {
  it('passes routes that answer 503 for three seconds after health is ready, saying they warmed up', async () => {
    const { port } = await djangoBehindNginx({ ROUTE_WARMUP: '3' });
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/\n/products/ 200 contains "items"',
    });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    // The row says how it warmed up (the warning's words).
    expect(run.summary).toMatch(/\| warmed up after \d+(\.\d)? ?m?s: \d+ bad answers? \(503\), then \d+ good in a row/);
    const routes = report(run.outputs['report']!).routes;
    expect(routes[0].samples.length).toBeGreaterThan(2);
    expect(routes[0].samples[0]).toMatchObject({ good: false, status: 503 });
    expect(routes[0].samples.at(-1)).toMatchObject({ good: true, status: 200 });
  });

  it('passes a healthy app behind nginx limit_req (5 r/s, its default 503) with six routes', async () => {
    const { port } = await djangoBehindNginx(
      {},
      { http: 'limit_req_zone $binary_remote_addr zone=gate:1m rate=5r/s;', location: 'limit_req zone=gate;' },
    );
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/\n/products/\n/?a=1\n/?a=2\n/products/?b=1\n/products/?b=2',
    });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const routes = report(run.outputs['report']!).routes;
    // The limiter did push back (nginx's 503 was seen), and the gate slowed down instead of failing.
    expect(routes.some((r: { samples: Array<{ status: number }> }) => r.samples.some((s) => s.status === 503))).toBe(
      true,
    );
  });

  it('waits through a 25 s slow start behind nginx (502 all along) and passes', async () => {
    stack = new Stack();
    const socket = `unix:${stack.dir}/gunicorn.sock`;
    const port = await freePort();
    await stack.nginx({ port, upstream: socket });
    const late = new Promise((r) => setTimeout(r, 25_000)).then(() =>
      stack!.gunicorn({ bind: socket, env: { ALLOWED_HOSTS: '127.0.0.1' } }),
    );
    const run = await runAction(
      { url: `http://127.0.0.1:${port}`, 'health-path': '/health/', routes: '/' },
      {},
      { timeoutMs: 80_000 },
    );
    await late;
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(Number(run.outputs['ready-after'])).toBeGreaterThanOrEqual(25);
  }, 90_000);
});

describe('intermittent is not fine', () => {
  it('fails HAProxy round-robin over two replicas when one is a broken release, with the share', async () => {
    const port = await djangoPool([{}, { BROKEN: '1' }]);
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/\n/products/\n/?page=2',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'app-error' });
    // Every failing route counted, with the share of bad answers.
    expect(run.outputs['summary']).toMatch(
      /^Health is fine, but \d of 3 routes fails?: \d+ of \d+ answers were Django’s 500 page, the others good: one instance behind the balancer is broken/,
    );
  });

  it('fails a pool with v1 and v2 behind round-robin as stale-version with the share, not health-failing', async () => {
    const port = await djangoPool([{ RELEASE: 'v1' }, { RELEASE: 'v2' }]);
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/',
      'expect-version': 'v2',
      timeout: '6s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'stale-version' });
    expect(run.outputs['summary']).toMatch(/^\d+ of \d+ healthy answers came from the previous release/);
  });
});

describe('stop waiting when waiting cannot help', () => {
  it('a health check that rejects the public Host ends in about a minute, not the 5 m timeout', async () => {
    // The home page goes through Django's Host check: as a health path it answers 400 for "localhost".
    const { port } = await djangoBehindNginx({ ALLOWED_HOSTS: '127.0.0.1' });
    const run = await runAction(
      { url: `http://localhost:${port}`, 'health-path': '/', routes: '/products/' },
      {},
      { timeoutMs: 85_000 },
    );
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'host-rejected' });
    expect(run.wallMs).toBeGreaterThan(60_000);
    expect(run.wallMs).toBeLessThan(70_000);
    expect(run.summary).toContain('stopped waiting: health gave this same answer');
  }, 90_000);
});

describe('a crash after ready (watch)', () => {
  it('a deploy that dies six seconds in fails the watch at once, with when and the pattern', async () => {
    const { port, gunicorn } = await djangoBehindNginx();
    const killer = setTimeout(() => gunicorn.kill('SIGKILL'), 6_000);
    cleanups.push(() => clearTimeout(killer));
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/\n/products/',
      watch: '1m',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'upstream-unreachable' });
    expect(run.outputs['summary']).toMatch(
      /^It passed, then health started failing \d+\.\ds after ready: it went down and stayed down/,
    );
    // Ended by the degradation (about 5 s after the kill), not by the one-minute window.
    expect(run.wallMs).toBeLessThan(16_000);
    // The watch on the chart, and as rows of the table under it.
    expect(run.summary).toContain('  section Watch');
    expect(run.summary).toMatch(/\| watch \| failing ×\d+ \(watch ended: down\)/);
    const watch = report(run.outputs['report']!).watch;
    expect(watch).toMatchObject({ ended: 'degraded', pattern: 'down' });
  });

  it('a server up 4 s, down 3 s, again and again: a restart loop', async () => {
    const appPort = await freePort();
    let server: Server | undefined;
    const up = () =>
      new Promise<void>((resolve) => {
        server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
        server.listen(appPort, '127.0.0.1', () => resolve());
      });
    const down = () =>
      new Promise<void>((resolve) => {
        server?.closeAllConnections();
        server?.close(() => resolve());
      });
    await up();
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, 4_000));
        await down();
        await new Promise((r) => setTimeout(r, 3_000));
        if (!stopped) await up();
      }
    })();
    cleanups.push(async () => {
      stopped = true;
      await down();
      await loop.catch(() => undefined);
    });
    stack = new Stack();
    const port = await freePort();
    await stack.nginx({ port, upstream: `127.0.0.1:${appPort}` });
    const run = await runAction({ url: `http://127.0.0.1:${port}`, routes: '/', watch: '1m' });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'upstream-unreachable' });
    expect(run.outputs['summary']).toMatch(/restart loop: down \d+ times, up about \d\.\ds between/);
    expect(run.wallMs).toBeLessThan(25_000);
  }, 60_000);

  it('a healthy watch ends with its window, and cancellation during a watch reports what it saw', async () => {
    const { port } = await djangoBehindNginx();
    const inputs = { url: `http://127.0.0.1:${port}`, 'health-path': '/health/', routes: '/', watch: '8s' };
    const healthy = await runAction(inputs);
    expect(healthy.outputs['verdict'], healthy.stdout).toBe('pass');
    expect(healthy.outputs['summary']).toMatch(/; watched for 8s: \d+ rounds, all healthy\.$/);
    expect(healthy.wallMs).toBeLessThan(8_000 + 3_000);
    expect(healthy.stdout).toMatch(/watch done: \d+ rounds in 8s, all healthy/);

    const cancelled = await runAction(
      { ...inputs, watch: '1m' },
      {},
      {
        onStart: (pid) => setTimeout(() => process.kill(pid, 'SIGTERM'), 4_000),
      },
    );
    expect(cancelled.outputs['verdict']).toBe('error');
    expect(cancelled.outputs['summary']).toMatch(
      /^Cancelled after [\d.]+s, during the watch: the deploy had passed \(ready at [\d.]+m?s\), then \d+ rounds in [\d.]+s of 1m were all healthy/,
    );
  });
});

describe('timeouts by evidence', () => {
  it("Apache's ProxyTimeout answer (502 Proxy Error, Error reading from remote server) is upstream-timeout", async () => {
    stack = new Stack();
    const app = `127.0.0.1:${await freePort()}`;
    await stack.gunicorn({ bind: app, workers: 2, env: { ALLOWED_HOSTS: '127.0.0.1' } });
    const port = await freePort();
    await stack.apache({ port, upstream: app, proxyTimeoutSec: 1 });
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/\n/slow/?s=5',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'upstream-timeout' });
    const [diagnosis] = report(run.outputs['report']!).diagnoses;
    expect(diagnosis.routes).toEqual(['/slow/?s=5']);
    // The signature row, captured from Debian's Apache, says what the 502 means.
    expect(diagnosis.fingerprint.id).toBe('apache-proxy-error-read');
    expect(diagnosis.headline).toContain('ProxyTimeout');
  }, 60_000);

  it("Varnish's first_byte_timeout gives the same page as a dead backend; its timing makes it upstream-timeout", async () => {
    stack = new Stack();
    const app = `127.0.0.1:${await freePort()}`;
    await stack.gunicorn({ bind: app, workers: 2, env: { ALLOWED_HOSTS: '127.0.0.1' } });
    const port = await freePort();
    await stack.varnish({ port, backend: app, firstByteTimeoutSec: 1 });
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/\n/slow/?s=5',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'upstream-timeout' });
    const [diagnosis] = report(run.outputs['report']!).diagnoses;
    expect(diagnosis.fingerprint.id).toBe('varnish-fetch-failed-slow');
  }, 60_000);
});
