import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/runner.js';
import { AppStack, freePort } from './stack.js';
import { diagnosesOf, missing } from './stacks-support.js';

/**
 * Rails 6.1 under puma (Debian ruby-rails, puma). Class 2: the fix follows the stack the evidence shows
 * (puma's `config/puma.rb`, never gunicorn's `--bind`). Class 3: Rails' own pages, its Blocked-host
 * answer and "We're sorry, but something went wrong.", get Rails' fixes.
 */

const skip = missing('puma', 'nginx');
let stack: AppStack | undefined;
let open = 0;
let guarded = 0;

beforeAll(async () => {
  if (skip) return;
  stack = new AppStack();
  open = await freePort();
  await stack.rails({ port: open });
  guarded = await freePort();
  await stack.rails({ port: guarded, allowedHost: 'shop.example.com' });
}, 180_000);
afterAll(async () => stack?.stop());

describe.skipIf(skip)(`Rails + puma ${skip ?? ''}`, () => {
  it("reads the public Host blocked by Rails' host authorization, with config.hosts as the fix", async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${guarded}`,
      'health-path': '/up',
      routes: '/',
      timeout: '30s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'host-rejected' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.fix).toContain('config.hosts << "127.0.0.1"');
    expect(d!.fix).not.toMatch(/ALLOWED_HOSTS|Django|gunicorn/);
  });

  it('names Rails\' "We\'re sorry" 500 page and the app log, not another stack', async () => {
    const run = await runAction({
      url: `http://127.0.0.1:${open}`,
      'health-path': '/up',
      routes: '/\n/orders',
      timeout: '30s',
    });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'app-error' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.fingerprint?.id).toBe('rails-500');
    expect(d!.stack?.id).toBe('rails');
    expect(d!.fix).not.toMatch(/gunicorn|Django|Flask|Next\.js|Tomcat/);
  });

  it("behind nginx pointing at the wrong port: puma's bind in config/puma.rb, never gunicorn's --bind", async () => {
    const proxy = await freePort();
    await stack!.nginx({ port: proxy, upstream: `127.0.0.1:${await freePort()}` });
    const workspace = mkdtempSync(join(tmpdir(), 'pdg-rails-repo-'));
    mkdirSync(join(workspace, 'config'));
    writeFileSync(join(workspace, 'Gemfile'), "source 'https://rubygems.org'\ngem 'rails', '~> 6.1'\ngem 'puma'\n");
    writeFileSync(join(workspace, 'config/puma.rb'), 'port ENV.fetch("PORT", 3000)\n');
    const run = await runAction(
      { url: `http://127.0.0.1:${proxy}`, 'health-path': '/up', routes: '/', timeout: '3s' },
      { GITHUB_WORKSPACE: workspace },
    );
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'fail', cause: 'upstream-unreachable' });
    const [d] = diagnosesOf(run.outputs['report']);
    expect(d!.fix).toContain('config/puma.rb');
    expect(d!.fix).not.toMatch(/gunicorn/);
    expect(d!.stack?.id).toBe('rails');
  });
});
