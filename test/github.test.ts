import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixture } from './support/fixtures.js';
import { startFakeGitHub, type FakeGitHub } from './support/github-api.js';
import { runAction } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/**
 * The built action with real event payloads against a loopback stand-in for the GitHub API: deployments,
 * the sticky comment, forks, and an API that fails. The deploy is a loopback server too.
 */

const HEAD = '1111111111111111111111111111111111111111';
const MERGE = 'ffffffffffffffffffffffffffffffffffffffff';
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
  const payload = readFileSync(new URL(`./fixtures/events/${fixture}.json`, import.meta.url), 'utf8').replaceAll(
    '__DEPLOY_URL__',
    deploy?.url ?? '',
  );
  writeFileSync(join(dir, 'event.json'), payload);
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
const token = { 'github-token': 'test-token' };

describe('waiting for the deployment', () => {
  it('waits for the PR head commit (not the merge commit) through in_progress, then checks its URL', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.deployments.push(
      { id: 1, sha: MERGE, environment: 'Preview', statuses: [{ state: 'failure' }] },
      {
        id: 2,
        sha: HEAD,
        environment: 'Preview – shop',
        statuses: [
          { state: 'success', environment_url: deploy.url, log_url: 'https://vercel.example/log/2', afterPoll: 3 },
          { state: 'in_progress' },
        ],
      },
    );
    const run = await runAction(
      { ...token, 'wait-for-deployment': 'true', environment: 'Preview*', comment: 'false' },
      githubEnv('pull_request', 'pull_request'),
    );
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'pass', url: `${deploy.url}/` });
    expect(api.requests.some((r) => r.path.includes(`sha=${HEAD}`))).toBe(true);
    expect(api.requests.some((r) => r.path.includes(MERGE))).toBe(false);
    // Polls after the first are conditional.
    expect(api.requests.filter((r) => r.headers['if-none-match']).length).toBeGreaterThan(0);
    expect(run.summary).toContain('GitHub deployment <code>Preview – shop</code> #2');
    // The token never goes to the deployment.
    expect(deploy.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('fails within seconds when the deployment fails, linking its log', async () => {
    api = await startFakeGitHub();
    api.deployments.push({
      id: 3,
      sha: HEAD,
      environment: 'Preview',
      statuses: [
        {
          state: 'error',
          log_url: 'https://vercel.example/log/3',
          description: 'Build failed: npm ERR! missing script',
        },
      ],
    });
    const run = await runAction(
      { ...token, 'wait-for-deployment': 'true', comment: 'false' },
      githubEnv('pull_request', 'pull_request'),
    );
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'deployment-failed' });
    expect(run.wallMs).toBeLessThan(5_000);
    expect(run.outputs['summary']).toContain('ended in error: Build failed');
    expect(run.summary).toContain('[deployment log](https://vercel.example/log/3)');
  });

  it('reports deployment-not-found when nothing appears within the budget', async () => {
    api = await startFakeGitHub();
    const run = await runAction(
      { ...token, 'wait-for-deployment': 'true', timeout: '2s', comment: 'false' },
      githubEnv('push', 'push'),
    );
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'deployment-not-found' });
    expect(run.outputs['summary']).toContain('looked for a deployment of 3333333');
    expect(run.wallMs).toBeLessThan(6_000);
  });

  it('takes the URL of a deployment_status event from its payload', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    const run = await runAction(
      { ...token, 'wait-for-deployment': 'true', comment: 'false' },
      githubEnv('deployment_status', 'deployment_status'),
    );
    expect(run.outputs).toMatchObject({ verdict: 'pass', url: `${deploy.url}/` });
  });

  it('reads a provider that reports by commit status (Netlify)', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.commitStatuses['3333333333333333333333333333333333333333'] = [
      {
        context: 'netlify/shop/deploy-preview',
        state: 'success',
        target_url: deploy.url,
        description: 'Deploy Preview ready!',
      },
    ];
    const run = await runAction(
      { ...token, 'wait-for-deployment': 'true', comment: 'false' },
      githubEnv('push', 'push'),
    );
    expect(run.outputs).toMatchObject({ verdict: 'pass', url: `${deploy.url}/` });
  });
});

describe('the sticky PR comment', () => {
  it('is created once, updated on re-runs, and says "fixed" when a failure turns into a pass', async () => {
    api = await startFakeGitHub();
    deploy = await brokenDeploy();
    const env = githubEnv('pull_request', 'pull_request');
    const first = await runAction({ ...token, url: deploy.url }, env);
    expect(first.outputs['verdict']).toBe('fail');
    expect(first.stdout).toContain('comment: commented on #7');
    const second = await runAction({ ...token, url: deploy.url }, { ...env, GITHUB_RUN_ID: '778' });
    expect(second.stdout).toContain('comment: updated the comment on #7');
    expect(api.comments[7]).toHaveLength(1);
    await deploy.close();
    deploy = await healthyDeploy();
    await runAction({ ...token, url: deploy.url }, { ...env, GITHUB_RUN_ID: '779' });
    expect(api.comments[7]).toHaveLength(1);
    const body = api.comments[7]![0]!.body;
    expect(body).toContain('pass — fixed (was <code>host-rejected</code>)');
    expect(body).toContain('Earlier runs (2)');
    expect(body).toContain('/actions/runs/779');
    // Evidence lines, never response bodies.
    expect(body).not.toContain('<!doctype html>');
    expect(api.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/comments'))).toHaveLength(1);
  });

  it('leaves a spoofed marker written by someone else alone', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.comments[7] = [
      { id: 1, body: '<!-- post-deploy-gate:key=default --> lol', user: { login: 'mallory', type: 'User' } },
    ];
    const run = await runAction({ ...token, url: deploy.url }, githubEnv('pull_request', 'pull_request'));
    expect(run.stdout).toContain('comment: commented on #7');
    expect(api.comments[7]).toHaveLength(2);
    expect(api.comments[7]![0]!.body).toBe('<!-- post-deploy-gate:key=default --> lol');
  });

  it('finds the PR of a pushed commit, and pages through many comments', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    const sha = '3333333333333333333333333333333333333333';
    api.pulls[sha] = [{ number: 12, state: 'open', head: { sha } }];
    api.comments[12] = Array.from({ length: 150 }, (_, i) => ({
      id: i + 1,
      body: `chatter ${i}`,
      user: { login: 'bob', type: 'User' },
    }));
    await runAction({ ...token, url: deploy.url }, githubEnv('push', 'push'));
    const again = await runAction({ ...token, url: deploy.url }, githubEnv('push', 'push'));
    expect(again.stdout).toMatch(/comment: (updated the comment|comment on #12 already up to date)/);
    expect(api.comments[12]).toHaveLength(151);
  });

  it('makes no write call on a fork PR, warns once, and gives the same verdict', async () => {
    api = await startFakeGitHub();
    deploy = await brokenDeploy();
    const run = await runAction({ ...token, url: deploy.url }, githubEnv('pull_request', 'pull_request-fork'));
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'host-rejected' });
    expect(run.exitCode).toBe(1);
    expect(api.writes()).toEqual([]);
    expect(run.stdout.match(/::warning::no PR comment: pull requests from a fork/g)).toHaveLength(1);
    expect(run.stdout).toContain('workflow_run');
  });

  it('turns a 403 into a warning naming the permission, without changing the verdict or exit code', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.faults.push({
      method: 'POST',
      path: /\/comments$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
      times: 5,
    });
    const run = await runAction({ ...token, url: deploy.url }, githubEnv('pull_request', 'pull_request'));
    expect(run.outputs['verdict']).toBe('pass');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('pull-requests: write');
  });

  it('retries a GitHub 5xx and waits out a short secondary rate limit', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.faults.push(
      { method: 'GET', path: /\/issues\/7\/comments$/, status: 502, times: 1 },
      {
        method: 'POST',
        path: /\/issues\/7\/comments$/,
        status: 403,
        headers: { 'retry-after': '1' },
        body: { message: 'You have exceeded a secondary rate limit.' },
        times: 1,
      },
    );
    const run = await runAction({ ...token, url: deploy.url }, githubEnv('pull_request', 'pull_request'));
    expect(run.stdout).toContain('comment: commented on #7');
    expect(run.stdout).toContain('secondary rate limit');
    expect(api.comments[7]).toHaveLength(1);
  });

  it('an API that keeps failing leaves the verdict alone: outputs come first', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    api.faults.push({ method: 'GET', path: /\/issues\/7\/comments$/, status: 503, times: 100 });
    const run = await runAction({ ...token, url: deploy.url }, githubEnv('pull_request', 'pull_request'));
    expect(run.outputs['verdict']).toBe('pass');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('::warning::no PR comment: GitHub API 503');
    // Outputs and the summary were written before the first API call.
    const firstApiCall = run.stdout.indexOf('comment:');
    expect(run.stdout.indexOf('pass: Ready after')).toBeLessThan(firstApiCall);
  });

  it('never sends the deployment headers to GitHub', async () => {
    api = await startFakeGitHub();
    deploy = await healthyDeploy();
    await runAction(
      { ...token, url: deploy.url, headers: 'X-Bypass: deploy-only-secret' },
      githubEnv('pull_request', 'pull_request'),
    );
    expect(deploy.requests.some((r) => r.headers['x-bypass'] === 'deploy-only-secret')).toBe(true);
    expect(api.requests.every((r) => r.headers['x-bypass'] === undefined)).toBe(true);
    expect(JSON.stringify(api.comments)).not.toContain('deploy-only-secret');
  });
});
