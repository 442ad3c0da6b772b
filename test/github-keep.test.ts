import { lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixture } from './support/fixtures.js';
import { startFakeGitHub, type FakeGitHub } from './support/github-api.js';
import { runAction } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/**
 * Issue 22, through the built action against the loopback GitHub stand-in: the fork recipe
 * (`workflow_run`), what fails the job (`fail-on`), when to comment (`comment-mode`), the commit status,
 * `sha`, and `report-path`.
 */

const HEAD = '1111111111111111111111111111111111111111';
const FORK_HEAD = '2222222222222222222222222222222222222222';
const MERGE = 'ffffffffffffffffffffffffffffffffffffffff';
const OTHER = '4444444444444444444444444444444444444444';
let api: FakeGitHub | undefined;
let deploy: TestServer | undefined;
afterEach(async () => {
  await api?.close();
  await deploy?.close();
  api = undefined;
  deploy = undefined;
});

function githubEnv(eventName: string, fixture: string, extra: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gate-event-'));
  writeFileSync(join(dir, 'event.json'), readFileSync(new URL(`./fixtures/events/${fixture}.json`, import.meta.url)));
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: MERGE,
    GITHUB_RUN_ID: '777',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: api!.url,
    GITHUB_GRAPHQL_URL: `${api!.url}/graphql`,
    ...extra,
  };
}

const healthyDeploy = () => startServer({ '/health': text(200, 'ok'), '/': text(200, '<h1>shop</h1>') });
const brokenDeploy = () =>
  startServer({ '/health': text(200, 'ok') }, text(400, loadFixture('django-400-disallowed-host').body));
/** A protection wall: health answers, every route is a 401 from something in front of the app. */
const walledDeploy = () => startServer({ '/health': text(200, 'ok') }, text(401, 'Authentication required'));
const token = { 'github-token': 'test-token' };

describe('the fork recipe: workflow_run finds the pull request by its head', () => {
  it('comments on a fork PR that "pull requests for a commit" cannot see, found by owner:branch', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.pullRequests.push(
      { number: 3, state: 'closed', head: { sha: FORK_HEAD, ref: 'patch-1', owner: 'mallory', fork: true } },
      { number: 8, state: 'open', head: { sha: FORK_HEAD, ref: 'patch-1', owner: 'mallory', fork: true } },
    );
    const run = await runAction({ ...token, url: deploy.url }, githubEnv('workflow_run', 'workflow_run-fork'));
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    // GitHub's own answer for a fork's commit is empty; the lookup by head is what finds #8.
    expect(api.requests.some((r) => r.path === `/repos/acme/shop/commits/${FORK_HEAD}/pulls`)).toBe(true);
    expect(api.requests.some((r) => r.path.includes('/pulls?') && r.path.includes('head=mallory%3Apatch-1'))).toBe(
      true,
    );
    expect(api.comments[8]?.length).toBe(1);
    expect(api.comments[3]).toBeUndefined();
    expect(run.stdout).toContain('comment: commented on #8');
  });

  it('uses workflow_run.pull_requests when GitHub gives it (a branch of this repository), with no lookup', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    const run = await runAction({ ...token, url: deploy.url }, githubEnv('workflow_run', 'workflow_run'));
    expect(run.stdout).toContain('comment: commented on #7');
    expect(api.requests.some((r) => r.path.includes('/pulls'))).toBe(false);
  });

  it('warns (not just logs) when no open pull request is found for a pull request workflow', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    const run = await runAction({ ...token, url: deploy.url }, githubEnv('workflow_run', 'workflow_run-fork'));
    expect(run.stdout).toMatch(
      /::warning::no open pull request for 2222222 \(looked by commit and by mallory:patch-1\)/,
    );
    expect(api.writes()).toEqual([]);
  });
});

describe('fail-on: what fails the job', () => {
  it('exits 1 on inconclusive by default, 0 with fail-on: fail, the verdict and outputs unchanged', async () => {
    deploy = await walledDeploy();
    const base = { url: deploy.url, comment: 'false' };
    const strict = await runAction(base);
    expect(strict.outputs).toMatchObject({ verdict: 'inconclusive', cause: 'auth-required' });
    expect(strict.exitCode).toBe(1);
    const lenient = await runAction({ ...base, 'fail-on': 'fail' });
    expect(lenient.outputs).toMatchObject({ verdict: 'inconclusive', cause: 'auth-required' });
    expect(lenient.exitCode).toBe(0);
    expect(lenient.stdout).toContain('the job passes: fail-on does not include inconclusive');
    expect(lenient.summary).toContain('inconclusive');
  });

  it('never: report only, even a failing deploy exits 0 with the whole report', async () => {
    deploy = await brokenDeploy();
    const run = await runAction({ url: deploy.url, comment: 'false', 'fail-on': 'never' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'host-rejected' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('::error');
  });

  it('a misspelt fail-on is a config error that names it and suggests the word, before any request', async () => {
    deploy = await healthyDeploy();
    const run = await runAction({ url: deploy.url, comment: 'false', 'fail-on': 'fail,inconclusiv' });
    expect(run.outputs).toMatchObject({ verdict: 'error', cause: 'config-error' });
    expect(run.summary).toContain('`fail-on`: "inconclusiv" is not a verdict (did you mean "inconclusive"?)');
    expect(run.exitCode).toBe(1);
    expect(deploy.requests).toEqual([]);
  });

  it("the config file cannot turn its own gate off (fail-on is the workflow's)", async () => {
    deploy = await brokenDeploy();
    const workspace = mkdtempSync(join(tmpdir(), 'gate-ws-'));
    writeFileSync(join(workspace, 'gate.yml'), 'routes:\n  - /\nfail-on: never\n');
    const run = await runAction(
      { url: deploy.url, comment: 'false', config: 'gate.yml' },
      { GITHUB_WORKSPACE: workspace },
    );
    expect(run.outputs['cause']).toBe('config-error');
    expect(run.summary).toContain('gate.yml line 3: "fail-on" cannot be set in the config file');
    expect(run.exitCode).toBe(1);
  });
});

describe('comment-mode', () => {
  it('on-failure: no comment for a pass, a comment for a failure, and the fix updates it', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    const env = () => githubEnv('pull_request', 'pull_request');
    const pass = await runAction({ ...token, url: deploy.url, 'comment-mode': 'on-failure' }, env());
    expect(pass.stdout).toContain('comment: no comment on #7: the run passed (comment-mode on-failure)');
    expect(api.writes()).toEqual([]);
    await deploy.close();
    deploy = await brokenDeploy();
    await runAction({ ...token, url: deploy.url, 'comment-mode': 'on-failure' }, env());
    expect(api.comments[7]?.length).toBe(1);
    await deploy.close();
    deploy = await healthyDeploy();
    const fixed = await runAction({ ...token, url: deploy.url, 'comment-mode': 'on-failure' }, env());
    expect(fixed.stdout).toContain('comment: updated the comment on #7');
    expect(api.comments[7]![0]!.body).toMatch(/fixed/i);
  });

  it('update-only never creates a comment; off (or comment: false) makes no call at all', async () => {
    api = await startFakeGitHub();
    deploy = await brokenDeploy();
    const env = () => githubEnv('pull_request', 'pull_request');
    const update = await runAction({ ...token, url: deploy.url, 'comment-mode': 'update-only' }, env());
    expect(update.stdout).toContain('no earlier comment on #7 to update (comment-mode update-only)');
    expect(api.writes()).toEqual([]);
    const before = api.requests.length;
    await runAction({ ...token, url: deploy.url, 'comment-mode': 'off' }, env());
    expect(api.requests.length).toBe(before);
  });

  it('a misspelt mode is named with a suggestion', async () => {
    deploy = await healthyDeploy();
    const run = await runAction({ url: deploy.url, 'comment-mode': 'on-failur' });
    expect(run.summary).toContain('`comment-mode`: "on-failur" is not a comment mode (did you mean "on-failure"?)');
  });
});

describe('commit status and sha', () => {
  it('sets post-deploy-gate on the head commit with the verdict and a link, only when asked', async () => {
    api = await startFakeGitHub();
    deploy = await brokenDeploy();
    const off = await runAction({ ...token, url: deploy.url, comment: 'false' }, githubEnv('push', 'push'));
    expect(off.outputs['verdict']).toBe('fail');
    expect(api.requests).toEqual([]);
    await runAction(
      { ...token, url: deploy.url, comment: 'false', 'commit-status': 'true' },
      githubEnv('pull_request', 'pull_request'),
    );
    expect(api.createdStatuses).toEqual([
      expect.objectContaining({
        sha: HEAD,
        state: 'failure',
        context: 'post-deploy-gate',
        target_url: 'https://github.example/acme/shop/actions/runs/777',
      }),
    ]);
    expect(api.createdStatuses[0]!.description).toMatch(/^fail \(host-rejected\): /);
    expect(api.createdStatuses[0]!.description!.length).toBeLessThanOrEqual(140);
  });

  it('sha: the status and the pull request lookup use the commit the workflow names', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.pulls[OTHER] = [{ number: 12, state: 'open', head: { sha: OTHER } }];
    const run = await runAction(
      { ...token, url: deploy.url, sha: OTHER, 'commit-status': 'true', environment: 'staging' },
      githubEnv('push', 'push'),
    );
    expect(run.outputs['verdict']).toBe('pass');
    expect(api.createdStatuses).toEqual([
      expect.objectContaining({ sha: OTHER, state: 'success', context: 'post-deploy-gate / staging' }),
    ]);
    expect(api.comments[12]?.length).toBe(1);
  });

  it('a short or malformed sha is a config error naming the input', async () => {
    deploy = await healthyDeploy();
    const run = await runAction({ url: deploy.url, comment: 'false', sha: 'abc123' });
    expect(run.summary).toContain('`sha`: "abc123" is not a commit SHA');
  });

  it('a missing statuses permission is one warning; the verdict and exit code stay', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.faults.push({
      method: 'POST',
      path: /\/statuses\//,
      status: 403,
      times: 9,
      body: { message: 'Resource not accessible by integration' },
    });
    const run = await runAction(
      { ...token, url: deploy.url, comment: 'false', 'commit-status': 'true' },
      githubEnv('push', 'push'),
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('permissions: statuses: write');
  });
});

describe('report-path: a copy of the report inside the workspace', () => {
  it('writes the JSON report where the workflow said, for upload-artifact', async () => {
    deploy = await healthyDeploy();
    const workspace = mkdtempSync(join(tmpdir(), 'gate-ws-'));
    const run = await runAction(
      { url: deploy.url, comment: 'false', 'report-path': 'gate/report.json' },
      { GITHUB_WORKSPACE: workspace },
    );
    const copy = JSON.parse(readFileSync(join(workspace, 'gate/report.json'), 'utf8'));
    expect(copy.verdict).toBe('pass');
    expect(readFileSync(run.outputs['report']!, 'utf8')).toBe(
      readFileSync(join(workspace, 'gate/report.json'), 'utf8'),
    );
  });

  it('refuses .. and absolute paths as config errors, before any request', async () => {
    deploy = await healthyDeploy();
    for (const path of ['../escape.json', '/tmp/escape.json']) {
      const run = await runAction({ url: deploy.url, comment: 'false', 'report-path': path });
      expect(run.outputs['cause'], path).toBe('config-error');
      expect(run.summary).toContain('`report-path`:');
    }
    expect(deploy.requests).toEqual([]);
  });

  it('never writes through a symlinked folder that leads out of the workspace', async () => {
    deploy = await healthyDeploy();
    const workspace = mkdtempSync(join(tmpdir(), 'gate-ws-'));
    const outside = mkdtempSync(join(tmpdir(), 'gate-outside-'));
    symlinkSync(outside, join(workspace, 'out'));
    mkdirSync(join(workspace, 'ok'));
    const run = await runAction(
      { url: deploy.url, comment: 'false', 'report-path': 'out/report.json' },
      { GITHUB_WORKSPACE: workspace },
    );
    expect(run.outputs['verdict']).toBe('pass');
    expect(run.stdout).toContain('could not write report-path');
    expect(() => lstatSync(join(outside, 'report.json'))).toThrow();
  });
});
