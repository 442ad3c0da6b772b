import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runAction } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/**
 * Issue 22 item 2: the README's first example without traps. `expect-version` against a health endpoint
 * that shows no version says so at once (not "the previous release" after the whole timeout), and every
 * workflow recipe in the README grants the permissions its inputs need.
 */

const SHA = '5f1c0de5f1c0de5f1c0de5f1c0de5f1c0de5f1c0';
let deploy: TestServer | undefined;
afterEach(async () => {
  await deploy?.close();
  deploy = undefined;
});

describe('expect-version against a health endpoint without a version', () => {
  it('{"ok":true}: "health shows no version" at once, not "previous release" after the timeout', async () => {
    deploy = await startServer({ '/health': text(200, '{"ok":true}'), '/': text(200, '<h1>shop</h1>') });
    const run = await runAction({ url: deploy.url, 'expect-version': SHA, timeout: '5m', comment: 'false' });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'stale-version' });
    expect(run.outputs['summary']).toMatch(/^Health shows no version/);
    expect(run.summary).toContain('healthy, but shows no version at all');
    expect(run.summary).not.toContain('previous release is still serving');
    // "At once": a couple of polls, not five minutes (generous for a loaded machine).
    expect(deploy.requests.filter((r) => r.path === '/health').length).toBeLessThanOrEqual(3);
    expect(run.wallMs).toBeLessThan(20_000);
  });

  it('a health answer that shows another version still waits: that is a release rolling out', async () => {
    deploy = await startServer({ '/health': text(200, '{"ok":true,"version":"0a1b2c3d"}') });
    const run = await runAction({ url: deploy.url, 'expect-version': SHA, timeout: '3s', comment: 'false' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'stale-version' });
    expect(run.outputs['summary']).toContain('the previous release is still serving');
    expect(deploy.requests.length).toBeGreaterThan(3);
  });
});

describe('README recipes grant what their inputs need', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const recipes = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((y) => y.includes('post-deploy-gate/post-deploy-gate@'))
    .map((y) => parse(y) as Record<string, unknown>);

  it('finds the recipes', () => expect(recipes.length).toBeGreaterThanOrEqual(6));

  it.each(recipes.map((r, i) => [i, r] as const))('recipe %i', (_, recipe) => {
    const permissions = (recipe['permissions'] ?? {}) as Record<string, string>;
    const jobs = (recipe['jobs'] ?? { job: { steps: recipe['steps'] } }) as Record<string, { steps?: unknown[] }>;
    const steps = Object.values(jobs).flatMap((j) => (j.steps ?? []) as Array<Record<string, unknown>>);
    for (const step of steps.filter((s) => String(s['uses'] ?? '').startsWith('post-deploy-gate/'))) {
      const w = (step['with'] ?? {}) as Record<string, unknown>;
      const commenting = String(w['comment'] ?? 'true') !== 'false' && String(w['comment-mode'] ?? '') !== 'off';
      if (commenting) expect(permissions['pull-requests'], 'comment: true needs pull-requests: write').toBe('write');
      if (String(w['commit-status']) === 'true') expect(permissions['statuses']).toBe('write');
      if (String(w['wait-for-deployment']) === 'true') {
        expect(permissions['deployments'] ?? permissions['statuses'], 'wait-for-deployment').toMatch(/read|write/);
      }
    }
  });
});
