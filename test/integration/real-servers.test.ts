import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { Stack, freePort } from './stack.js';

/**
 * The built action, run as the runner runs it, against real servers: Django 3.2 under gunicorn, behind
 * nginx or HAProxy (Debian packages; .ci/run installs them). One scenario per motivating incident.
 */

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function djangoBehindNginx(options: { allowedHosts?: string; release?: string; workerTimeoutSec?: number } = {}) {
  stack = new Stack();
  const socket = `unix:${stack.dir}/gunicorn.sock`;
  await stack.gunicorn({
    bind: socket,
    timeoutSec: options.workerTimeoutSec,
    env: { ALLOWED_HOSTS: options.allowedHosts ?? '127.0.0.1', RELEASE: options.release ?? 'v1' },
  });
  const port = await freePort();
  await stack.nginx({ port, upstream: socket });
  return port;
}

const report = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('against real servers', () => {
  it('passes a healthy Django app behind nginx', async () => {
    const port = await djangoBehindNginx();
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/\n/products/ 200 contains "items"',
    });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(run.exitCode).toBe(0);
  });

  it('names ALLOWED_HOSTS when Django rejects the public Host and health bypasses the check', async () => {
    const port = await djangoBehindNginx({ allowedHosts: '127.0.0.1' });
    const run = await runAction({
      url: `http://localhost:${port}`,
      'health-path': '/health/',
      routes: '/\n/products/',
    });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'host-rejected' });
    expect(run.outputs['summary']).toContain('Health is fine, but both routes fail');
    const [diagnosis] = report(run.outputs['report']!).diagnoses;
    expect(diagnosis.fix).toContain('Add `localhost` to `ALLOWED_HOSTS`');
    expect(diagnosis.routes).toEqual(['/', '/products/']);
  });

  it('finds nginx proxy_pass pointing at a TCP port while gunicorn listens on a unix socket', async () => {
    stack = new Stack();
    await stack.gunicorn({ bind: `unix:${stack.dir}/gunicorn.sock`, env: { ALLOWED_HOSTS: '127.0.0.1' } });
    const port = await freePort();
    await stack.nginx({ port, upstream: `127.0.0.1:${await freePort()}` });
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/',
      timeout: '3s',
    });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'upstream-unreachable', 'ready-after': '' });
    const [diagnosis] = report(run.outputs['report']!).diagnoses;
    expect(diagnosis.routes).toEqual(['health /health/', '/']);
    expect(diagnosis.fix).toContain('`proxy_pass`');
  });

  it('recognises a worker killed mid-request behind nginx as upstream-timeout', async () => {
    const port = await djangoBehindNginx({ workerTimeoutSec: 1 });
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/\n/slow/?s=5',
    });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'upstream-timeout' });
    const [diagnosis] = report(run.outputs['report']!).diagnoses;
    expect(diagnosis.routes).toEqual(['/slow/?s=5']);
    expect(diagnosis.headline).toContain('1 of 2 routes fail');
  });

  it('sees HAProxy with no healthy server while its monitor-uri says health is fine', async () => {
    stack = new Stack();
    const port = await freePort();
    await stack.haproxy({ port, backend: `127.0.0.1:${await freePort()}`, monitorUri: '/health' });
    await new Promise((r) => setTimeout(r, 500)); // HAProxy's first checks mark the server down
    const run = await runAction({ url: `http://127.0.0.1:${port}`, routes: '/\n/products/' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'no-healthy-backend' });
    const [diagnosis] = report(run.outputs['report']!).diagnoses;
    expect(diagnosis.evidence.join('\n')).toContain('the health answer comes from HAProxy itself');
  });

  it('waits through a slow start and passes, reporting the wait', async () => {
    stack = new Stack();
    const socket = `unix:${stack.dir}/gunicorn.sock`;
    const port = await freePort();
    await stack.nginx({ port, upstream: socket });
    const started = Date.now();
    const late = new Promise((r) => setTimeout(r, 2_000)).then(() =>
      stack!.gunicorn({ bind: socket, env: { ALLOWED_HOSTS: '127.0.0.1' } }),
    );
    const run = await runAction({ url: `http://127.0.0.1:${port}`, 'health-path': '/health/', routes: '/' });
    await late;
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const readyAfter = Number(run.outputs['ready-after']);
    expect(readyAfter).toBeGreaterThanOrEqual(2);
    expect(readyAfter * 1000).toBeLessThan(Date.now() - started);
    expect(run.summary).toContain('```mermaid');
    expect(run.summary).toMatch(/\| health \(\d+ requests?\) \| 502 \|/);
  });

  it('fails with stale-version when the previous release keeps answering', async () => {
    const port = await djangoBehindNginx({ release: 'v1' });
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health/',
      routes: '/',
      'expect-version': 'v2',
      timeout: '3s',
    });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'stale-version' });
    // The summary output is in its neutral form (no shell quoting characters): typographic quotes.
    expect(run.outputs['summary']).toContain('never with “v2”');
  });
});
