import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { AppStack, freePort } from './stack.js';
import { diagnosesOf, missing } from './stacks-support.js';

/**
 * Tomcat 10 (Debian tomcat10), direct and behind Apache over AJP (mod_proxy_ajp). Class 3: Tomcat's own
 * "HTTP Status 404 – Not Found" for a context that is not deployed gets Tomcat's fix (the WAR's file
 * name is the context path), not "the route answered 404". The app is deployed as `shop-1.4` (a
 * versioned WAR name), so `/shop/` is not there. One Tomcat for the whole file: it starts slowly.
 */

const skip = missing('/usr/share/tomcat10/bin/catalina.sh', 'apache2');
let stack: AppStack | undefined;
let http = 0;
let apache = 0;

beforeAll(async () => {
  if (skip) return;
  stack = new AppStack();
  http = await freePort();
  const ajp = await freePort();
  await stack.tomcat({ port: http, ajpPort: ajp, war: 'shop-1.4' });
  apache = await freePort();
  await stack.apache({ port: apache, upstream: `127.0.0.1:${ajp}`, scheme: 'ajp' });
}, 180_000);
afterAll(async () => stack?.stop());

const expectWarFix = (fix: string) => {
  expect(fix).toContain("a WAR's file name is its context path");
  expect(fix).not.toMatch(/gunicorn|Django|puma|Rails|Next\.js/);
};

describe.skipIf(skip)(`Tomcat 10 ${skip ?? ''}`, () => {
  it('direct: a context that is not deployed is named, with the WAR-name fix', async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${http}`,
      'health-path': '/shop-1.4/health.jsp',
      routes: '/shop/',
      timeout: '30s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'route-not-found' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.fingerprint?.id).toBe('tomcat-no-context');
    expect(d!.stack?.id).toBe('tomcat');
    expectWarFix(d!.fix);
  });

  it('through Apache over AJP: the same Tomcat page, the same fix', async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${apache}`,
      'health-path': '/shop-1.4/health.jsp',
      routes: '/shop/',
      timeout: '30s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'route-not-found' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.fingerprint?.id).toBe('tomcat-no-context');
    expectWarFix(d!.fix);
  });
});
