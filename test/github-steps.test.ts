import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { deployStage } from '../src/deploy/stage.js';
import { readEvent, type GitHubEvent } from '../src/github/event.js';
import { commentOnPullRequest, REPORTING_BUDGET_MS } from '../src/github/pull-request.js';
import { virtualClock } from './support/clock.js';
import { quiet } from './support/gate.js';
import { startFakeGitHub, type FakeGitHub } from './support/github-api.js';
import { healthOk, readyHealth, reportOf, routeResult } from './support/reports.js';

/**
 * The GitHub steps in-process, from src/ (test/github.test.ts runs the same steps through the bundle):
 * the deploy stage against the loopback GitHub stand-in, and the comment's time budget.
 */

const HEAD = '1111111111111111111111111111111111111111';
let api: FakeGitHub | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function event(fake: FakeGitHub): GitHubEvent {
  const payload = JSON.parse(readFileSync(new URL('./fixtures/events/pull_request.json', import.meta.url), 'utf8'));
  return readEvent(
    {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
      GITHUB_API_URL: fake.url,
      GITHUB_GRAPHQL_URL: `${fake.url}/graphql`,
    },
    payload,
  );
}
const config = (values: Record<string, string>) =>
  resolveConfig({ values: { 'wait-for-deployment': 'true', ...values }, workspace: '.', defaultReportPath: '/tmp/x' });
const stage = async (values: Record<string, string> = {}) =>
  deployStage({
    config: await config(values),
    event: event(api!),
    token: 'test-token',
    clock: virtualClock(),
    log: quiet,
    signal: new AbortController().signal,
  });

describe('the deploy stage', () => {
  it("returns a ready outcome with the deployment's URL", async () => {
    api = await startFakeGitHub();
    api.deployments.push({
      id: 3,
      sha: HEAD,
      environment: 'production',
      statuses: [{ state: 'success', environment_url: 'https://shop.example.com/' }],
    });
    const outcome = await stage();
    expect(outcome).toMatchObject({ kind: 'ready', deployment: { id: 3, state: 'success' } });
    expect(outcome.kind === 'ready' && outcome.url.href).toBe('https://shop.example.com/');
  });

  it('returns a failed outcome as data, for the gate to diagnose', async () => {
    api = await startFakeGitHub();
    api.deployments.push({
      id: 4,
      sha: HEAD,
      environment: 'production',
      statuses: [{ state: 'failure', log_url: 'https://ci.example/4' }],
    });
    expect(await stage()).toMatchObject({ kind: 'failed', deployment: { id: 4, state: 'failure' } });
  });

  it('gives up at the deadline with what it looked for', async () => {
    api = await startFakeGitHub();
    const outcome = await stage({ timeout: '30s', environment: 'staging' });
    expect(outcome).toEqual({
      kind: 'not-found',
      deployment: undefined,
      looked: `a deployment of ${HEAD.slice(0, 7)} in environment "staging"`,
    });
  });
});

describe('the PR comment', () => {
  const report = reportOf(readyHealth(healthOk()), [routeResult('/', healthOk())]);

  it('gives up on an API that never answers when its budget runs out', async () => {
    api = await startFakeGitHub();
    api.faults.push({ method: 'GET', path: /\/issues\/7\/comments$/, status: 200, times: 5, hang: true });
    const warnings: string[] = [];
    const started = performance.now();
    const outcome = await commentOnPullRequest({
      report,
      config: await config({ url: 'https://shop.example.com' }),
      event: event(api),
      token: 'test-token',
      log: { ...quiet, warning: (m) => warnings.push(m) },
      budgetMs: 1_500,
    });
    const elapsed = performance.now() - started;
    expect(outcome).toBe('comment failed');
    expect(warnings.join('\n')).toMatch(/no PR comment/);
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    // A hard budget: retries of the aborted request (0.2 s, 0.8 s, 1.8 s) do not stretch it.
    expect(elapsed).toBeLessThan(1_500 + 1_000);
    expect(api.writes()).toEqual([]);
  });

  it('gives the action one minute for all of its reporting calls', () => {
    expect(REPORTING_BUDGET_MS).toBe(60_000);
  });
});
