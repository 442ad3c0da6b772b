import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { AppStack, freePort } from './stack.js';
import { diagnosesOf, missing } from './stacks-support.js';

/**
 * Class 6 of issue 20: Varnish (Debian varnish) in front of the Go service holds health in its cache
 * (its built-in VCL ignores the probe's `Cache-Control: no-cache`) while a route fails behind it. The
 * report must not say "Health is fine": health came from the cache.
 */

const skip = missing('go', 'varnishd');
let stack: AppStack | undefined;
let port = 0;

beforeAll(async () => {
  if (skip) return;
  stack = new AppStack();
  const goPort = await freePort();
  await stack.go({ port: goPort });
  port = await freePort();
  await stack.varnish({ port, backend: `127.0.0.1:${goPort}` });
  // A visitor (or the platform's own probe) asked for health before the gate: it is in the cache now.
  await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.text());
}, 180_000);
afterAll(async () => stack?.stop());

describe.skipIf(skip)(`Varnish cached health ${skip ?? ''}`, () => {
  it('says health came from the cache while a route fails behind it', async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${port}`,
      'health-path': '/health',
      routes: '/\n/orders',
      timeout: '20s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.routes).toEqual(['/orders']);
    expect(d!.headline).toMatch(/^Health was answered from Varnish's cache, but/);
    expect(run.summary).not.toContain('Health is fine');
    expect(d!.evidence.join('\n')).toMatch(/x-varnish: \d+ \d+/);
  });
});
