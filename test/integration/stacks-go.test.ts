import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { AppStack, freePort } from './stack.js';
import { diagnosesOf, missing } from './stacks-support.js';

/**
 * A Go net/http service (Debian golang-go), direct and behind nginx. Class 1 of issue 20: a panic on one
 * route behind nginx is nginx's 502, but health and the other routes pass through the same nginx, so the
 * app closed the connection (app-error), not "nginx cannot connect". Class 3/4: Go's own plain-text 404,
 * and the probe path gets the byte-identical 404, which is never called "a different 404".
 */

const skip = missing('go', 'nginx');
let stack: AppStack | undefined;
let goPort = 0;
let nginxPort = 0;

beforeAll(async () => {
  if (skip) return;
  stack = new AppStack();
  goPort = await freePort();
  await stack.go({ port: goPort });
  nginxPort = await freePort();
  await stack.nginx({ port: nginxPort, upstream: `127.0.0.1:${goPort}` });
}, 180_000);
afterAll(async () => stack?.stop());

describe.skipIf(skip)(`Go net/http ${skip ?? ''}`, () => {
  it('a panic on one route behind nginx is app-error, with the routes that pass through the same nginx', async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${nginxPort}`,
      'health-path': '/health',
      routes: '/\n/api/items 200 contains "items"\n/orders',
      timeout: '20s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'app-error' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d).toMatchObject({ cause: 'app-error', layer: 'app', routes: ['/orders'] });
    expect(d!.headline).toMatch(/closed the connection on this route/);
    expect(d!.evidence.join('\n')).toMatch(/passes through the same proxy: .*\/ \(200\)/);
    expect(d!.alternative).toMatch(/^upstream-unreachable/);
    expect(d!.fix).not.toMatch(/gunicorn|Django|puma|Rails/);
  });

  it("names Go's own 404 and says the probe path gets the same one, not a different one", async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${goPort}`,
      'health-path': '/health',
      routes: '/\n/account',
      timeout: '20s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'route-not-found' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.fingerprint?.id).toBe('traefik-404');
    expect(d!.headline).toMatch(/Go net\/http's own plain-text 404/);
    const evidence = d!.evidence.join('\n');
    expect(evidence).toMatch(/gets the same 404/);
    expect(evidence).not.toMatch(/different 404/);
    expect(d!.fix).toContain('ServeMux');
  });
});
