import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { AppStack, freePort } from './stack.js';
import { diagnosesOf } from './stacks-support.js';

/**
 * Next.js 15 standalone (npm `next`, a devDependency), run as its container runs it: `node server.js`
 * with `.next/static` not copied beside it, the classic mistake. Class 2: the fix is "copy .next/static
 * and public", never Django's collectstatic. Class 4: its API route sends no `x-powered-by`, which alone
 * proves nothing about who answered health.
 */

let stack: AppStack | undefined;
let port = 0;

beforeAll(async () => {
  stack = new AppStack();
  port = await freePort();
  await stack.next({ port, copyStatic: false });
}, 600_000);
afterAll(async () => stack?.stop());

describe('Next.js standalone', () => {
  it('missing /_next/static chunks: copy .next/static and public, not collectstatic', async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/api/health',
      routes: '/',
      timeout: '30s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.fix).toContain('copy `.next/static`');
    expect(d!.fix).toContain('`public`');
    expect(d!.fix).not.toMatch(/collectstatic|STATIC_ROOT|STATIC_URL|Django/);
    expect(d!.stack?.id).toBe('nextjs');
  });

  it("a 500 page of Next.js' own, with no claim drawn from the API route's missing x-powered-by", async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/api/health',
      routes: '/boom',
      'check-assets': 'false',
      timeout: '30s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'app-error' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.fingerprint?.id).toBe('nextjs-error-page');
    expect(d!.evidence.join('\n')).not.toMatch(/answered before the app's usual stack/);
    expect(d!.fix).not.toMatch(/gunicorn|Django|puma/);
  });
});
