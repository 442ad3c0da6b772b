import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { Stack, freePort } from './stack.js';
import { diagnosesOf, missing } from './stacks-support.js';

/**
 * Class 5 of issue 20, on real Django under gunicorn: one view raises SuspiciousOperation, and Django answers
 * it with the same "Bad Request (400)" page a Host rejection gets. Other routes on the same Host pass, so a
 * Host rejection (which hits every route on that Host) is the weaker reading: confidence falls, the other
 * reading is named, and the fix is conditional. The same app with the Host really missing from
 * ALLOWED_HOSTS stays a confident host-rejected.
 */

const skip = missing('gunicorn');
let stack: Stack | undefined;
let url = '';

beforeAll(async () => {
  if (skip) return;
  stack = new Stack();
  const port = await freePort();
  await stack.gunicorn({ bind: `127.0.0.1:${port}`, env: { ALLOWED_HOSTS: '127.0.0.1' } });
  url = `http://127.0.0.1:${port}`;
}, 120_000);
afterAll(async () => stack?.stop());

describe.skipIf(skip)(`Django: a view's own 400 among passing routes ${skip ?? ''}`, () => {
  it('is not called a confident Host rejection when other routes on the same Host pass', async () => {
    const run = await runAction({ url, 'health-path': '/health/', routes: '/\n/products/\n/search/', timeout: '20s' });
    expect(run.outputs['verdict'], run.stdout).toBe('fail');
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d).toMatchObject({ routes: ['/search/'], confidence: 'low' });
    expect(d!.evidence.join('\n')).toMatch(/against it: \/, \/products\/ pass on the same Host \(127\.0\.0\.1:\d+\)/);
    expect(d!.alternative).toMatch(/^app-error/);
    expect(d!.fix).toMatch(/^If the app's log names a rejected Host/);
  });

  it('stays a confident host-rejected when every route is rejected', async () => {
    const run = await runAction({
      url: url.replace('127.0.0.1', 'localhost'),
      'health-path': '/health/',
      routes: '/\n/products/',
      timeout: '20s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'host-rejected' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d).toMatchObject({ cause: 'host-rejected', confidence: 'high' });
  });
});
