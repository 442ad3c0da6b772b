import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replay } from './support/gate.js';
import { startFakeGitHub, type FakeGitHub } from './support/github-api.js';
import { runAction } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/**
 * The built action with `targets`, the way the runner runs it, against loopback deploys and the fake
 * GitHub API: one comment for every target, and workflows that each check one target sharing it.
 */

const HEAD = '1111111111111111111111111111111111111111';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  closers.push(() => server.close());
  return server;
}
async function fakeGitHub(): Promise<FakeGitHub> {
  const api = await startFakeGitHub();
  closers.push(() => api.close());
  return api;
}
const healthy = () => serve({ '/health': text(200, 'ok') }, text(200, '<h1>ok</h1>'));
const hostRejected = () => serve({ '/health': text(200, 'ok') }, replay('django-400-disallowed-host'));

/** A pull_request run of PR #7 (head HEAD), with its run URL. */
function prEnv(api: FakeGitHub, runId: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gate-event-'));
  writeFileSync(join(dir, 'event.json'), readFileSync(new URL('./fixtures/events/pull_request.json', import.meta.url)));
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
    GITHUB_API_URL: api.url,
    GITHUB_GRAPHQL_URL: `${api.url}/graphql`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: runId,
  };
}

const comments = (api: FakeGitHub) => api.comments[7] ?? [];
const sectionNames = (body: string) =>
  [...body.matchAll(/<!-- post-deploy-gate:section=([^ ]+) /g)].map((m) => decodeURIComponent(m[1]!));

describe('three targets in one run', () => {
  it('one broken, one late deployment, one passing: one comment, three sections, fail naming the broken one', async () => {
    const api = await fakeGitHub();
    const [apiSite, web, docs] = await Promise.all([hostRejected(), healthy(), healthy()]);
    // Two deployments of the one commit; web's succeeds only after a few polls.
    api.deployments.push(
      { id: 2, sha: HEAD, environment: 'Preview – docs', statuses: [{ state: 'success', environment_url: docs.url }] },
      {
        id: 1,
        sha: HEAD,
        environment: 'Preview – web',
        statuses: [{ state: 'success', environment_url: web.url, afterPoll: 5 }, { state: 'in_progress' }],
      },
    );
    const targets = [
      `- name: api\n  url: ${apiSite.url}`,
      `- name: web\n  environment: Preview – web`,
      `- name: docs\n  environment: Preview – docs`,
    ].join('\n');
    const run = await runAction(
      { targets, 'github-token': 'test-token', 'check-assets': 'false', timeout: '1m' },
      prEnv(api, '100'),
    );
    expect(run.outputs['verdict']).toBe('fail');
    expect(run.outputs['cause']).toBe('host-rejected');
    expect(run.outputs['summary']).toBe('api: host rejected; web: passes; docs: passes.');
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.outputs['targets']!)).toMatchObject([
      { name: 'api', verdict: 'fail', cause: 'host-rejected' },
      { name: 'web', verdict: 'pass', environment: 'Preview – web' },
      { name: 'docs', verdict: 'pass', environment: 'Preview – docs' },
    ]);
    // The late one was waited for and then checked.
    expect(web.requests.some((r) => r.path === '/')).toBe(true);
    expect(comments(api)).toHaveLength(1);
    const body = comments(api)[0]!.body;
    expect(sectionNames(body)).toEqual(['api', 'web', 'docs']);
    expect(body).toMatch(/### ❌ post-deploy-gate: fail · `host-rejected`/);
    expect(body).toContain('**api: host rejected; web: passes; docs: passes.**');
    // The job summary has a section per target too.
    expect(run.summary).toMatch(/^### ❌ api: fail/m);
    expect(run.summary).toMatch(/^### ✅ web: pass/m);
  });
});

describe('two workflows, each checking one target', () => {
  it('update their own sections of the one comment and leave the other’s alone', async () => {
    const api = await fakeGitHub();
    const [broken, fixed, web] = await Promise.all([hostRejected(), healthy(), healthy()]);
    const inputs = (target: string) => ({ targets: target, 'github-token': 'test-token', 'check-assets': 'false' });
    // The api workflow: api is broken.
    const first = await runAction(inputs(`- name: api\n  url: ${broken.url}`), prEnv(api, '201'));
    expect(first.outputs['verdict']).toBe('fail');
    // The web workflow: its section joins the comment; api's stays.
    const second = await runAction(inputs(`- name: web\n  url: ${web.url}`), prEnv(api, '202'));
    expect(second.outputs['verdict']).toBe('pass');
    expect(comments(api)).toHaveLength(1);
    let body = comments(api)[0]!.body;
    expect(sectionNames(body)).toEqual(['api', 'web']);
    // The comment's head sums up both workflows: api still fails.
    expect(body).toMatch(/### ❌ post-deploy-gate: fail · `host-rejected`/);
    // api fixed, its workflow runs again: only its section changes.
    const webSection = /<!-- post-deploy-gate:section=web [\s\S]*?<!-- post-deploy-gate:end=web -->/.exec(body)![0];
    await runAction(inputs(`- name: api\n  url: ${fixed.url}`), prEnv(api, '203'));
    body = comments(api)[0]!.body;
    expect(comments(api)).toHaveLength(1);
    expect(body).toContain(webSection);
    expect(body).toMatch(/#### ✅ api: pass/);
    expect(body).toMatch(/### ✅ post-deploy-gate: pass/);
  });

  it('two runs updating at the same moment both end up in the comment', async () => {
    const api = await fakeGitHub();
    const [one, two] = await Promise.all([healthy(), hostRejected()]);
    const inputs = (target: string) => ({ targets: target, 'github-token': 'test-token', 'check-assets': 'false' });
    // An earlier comment exists (the concurrent part of the race is the update, not the creation).
    await runAction(inputs(`- name: web\n  url: ${one.url}`), prEnv(api, '300'));
    await Promise.all([
      runAction(inputs(`- name: web\n  url: ${one.url}`), prEnv(api, '301')),
      runAction(inputs(`- name: api\n  url: ${two.url}`), prEnv(api, '302')),
    ]);
    expect(comments(api)).toHaveLength(1);
    expect(sectionNames(comments(api)[0]!.body).sort()).toEqual(['api', 'web']);
  });
});
