import { afterEach, describe, expect, it } from 'vitest';
import type { DeploymentInfo } from '../src/deploy/deployment.js';
import type { Diagnosis } from '../src/diagnosis/compare.js';
import { verdictOf } from '../src/verdict.js';
import { gateRun, replay, SITE } from './support/gate.js';
import { sequence, startServer, text, type Handler, type TestServer } from './support/servers.js';

/** The verdict rules, and the gate that applies them, run in-process against loopback deploys. */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const site = async (routes: Record<string, Handler>, fallback?: Handler) =>
  (server = await startServer(routes, fallback));

const deployment: DeploymentInfo = {
  source: 'deployment',
  id: 42,
  environment: 'production',
  sha: 'abcdef1234567890',
  state: 'failure',
  description: 'build failed',
  logUrl: 'https://ci.example/log/42',
};

describe('the gate, in-process', () => {
  it('passes a healthy deploy and says when it was ready', async () => {
    await site({ '/health': sequence(text(503, 'starting'), text(200, 'ok')), '/': text(200, '<h1>shop</h1>') });
    const report = await gateRun(server!);
    expect(report).toMatchObject({ verdict: 'pass', cause: undefined, diagnoses: [] });
    expect(report.summary).toMatch(/^Ready after \d+(\.\d)?m?s; 1 route OK\.$/);
    expect(report.readyAfterMs).toBeGreaterThan(0);
    expect(report.url).toBe(`http://${SITE}:${server!.port}/`);
  });

  it('fails with the headline cause: Django rejecting the public Host while health bypasses the check', async () => {
    await site({ '/health/': replay('django-health-bypass') }, replay('django-400-disallowed-host'));
    const report = await gateRun(server!, { 'health-path': '/health/', routes: '/\n/products/' });
    expect(report).toMatchObject({ verdict: 'fail', cause: 'host-rejected' });
    expect(report.diagnoses[0]!.routes).toEqual(['/', '/products/']);
  });

  it('is inconclusive when only a protection wall was met, and fails when something is broken as well', async () => {
    await site({ '/health': text(200, 'ok'), '/broken': replay('django-500') }, text(401, 'sign in'));
    expect(await gateRun(server!, { routes: '/' })).toMatchObject({ verdict: 'inconclusive', cause: 'auth-required' });
    expect(await gateRun(server!, { routes: '/\n/broken' })).toMatchObject({ verdict: 'fail', cause: 'app-error' });
  });

  it('fails as health-failing when the routes work and health never does', async () => {
    await site({ '/health': text(500, 'down'), '/': text(200, '<h1>shop</h1>') });
    const report = await gateRun(server!, { timeout: '20s' });
    expect(report).toMatchObject({ verdict: 'fail', cause: 'health-failing' });
  });

  it('reports error, with no diagnosis, when the run is cancelled', async () => {
    await site({ '/health': text(200, 'ok'), '/': text(200, 'ok') });
    const report = await gateRun(server!, {}, { signal: AbortSignal.abort() });
    expect(report).toMatchObject({ verdict: 'error', cause: undefined, cancelled: true, diagnoses: [] });
    expect(report.summary).toMatch(/^Cancelled after /);
  });

  it('judges a failed deployment without a single request to the site', async () => {
    await site({ '/health': text(200, 'ok') }, text(200, 'ok'));
    const report = await gateRun(server!, {}, { deployment: { kind: 'failed', deployment } });
    expect(report).toMatchObject({ verdict: 'fail', cause: 'deployment-failed', deployment });
    expect(report.diagnoses[0]).toMatchObject({
      layer: 'deploy',
      fix: "Read the deployment's log: https://ci.example/log/42",
    });
    expect(report.summary).toBe('The deployment production #42 of abcdef1 ended in failure: build failed.');
    expect(server!.requests).toEqual([]);
  });

  it('says what it looked for when no deployment appeared', async () => {
    await site({}, text(200, 'ok'));
    const looked = 'a deployment of abcdef1 in environment "production"';
    const report = await gateRun(server!, {}, { deployment: { kind: 'not-found', looked } });
    expect(report).toMatchObject({ verdict: 'fail', cause: 'deployment-not-found' });
    expect(report.diagnoses[0]!.evidence).toEqual([`looked for ${looked} (GitHub deployments and commit statuses)`]);
    expect(server!.requests).toEqual([]);
  });

  it("checks a ready deployment's URL and keeps the deployment in the report", async () => {
    const other = await startServer({ '/health': text(200, 'ok'), '/': text(200, 'the deployed app') });
    try {
      await site({}, text(500, 'not this one'));
      const ready = { ...deployment, state: 'success', url: `${other.url}/` };
      const report = await gateRun(
        server!,
        {},
        { deployment: { kind: 'ready', deployment: ready, url: new URL(other.url) } },
      );
      expect(report).toMatchObject({ verdict: 'pass', url: `${other.url}/`, deployment: ready });
      expect(other.requests.map((r) => r.path)).toContain('/');
      expect(server!.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("names the 404 probe's path from its random source", async () => {
    await site({ '/health': text(200, 'ok') });
    const report = await gateRun(server!, { routes: '/missing' });
    expect(report.cause).toBe('route-not-found');
    const probes = server!.requests.filter((r) => r.path.startsWith('/__post-deploy-gate-'));
    expect(probes).toHaveLength(1);
    server!.requests.length = 0;
    await gateRun(server!, { routes: '/missing' });
    // The same seed gives the same path: it comes from the injected source, not from crypto.
    expect(server!.requests.find((r) => r.path.startsWith('/__post-deploy-gate-'))!.path).toBe(probes[0]!.path);
  });
});

describe('verdictOf', () => {
  const d = (cause: Diagnosis['cause']): Diagnosis => ({
    cause,
    layer: 'app',
    confidence: 'high',
    headline: cause,
    evidence: [],
    fix: '',
    routes: ['/'],
  });
  const ready = { ready: true, attempts: [], versionMissing: false, readyAtMs: 10 } as never;

  it('fails on the first blocking cause, even behind an inconclusive one', () => {
    expect(verdictOf({ readiness: ready, routes: [], diagnoses: [d('auth-required'), d('app-error')] })).toEqual({
      verdict: 'fail',
      cause: 'app-error',
    });
  });

  it('is inconclusive with only could-not-measure causes', () => {
    expect(verdictOf({ readiness: ready, routes: [], diagnoses: [d('rate-limited'), d('auth-required')] })).toEqual({
      verdict: 'inconclusive',
      cause: 'rate-limited',
    });
  });

  it('passes only when ready with every route passing, and never without a readiness result', () => {
    expect(verdictOf({ readiness: ready, routes: [], diagnoses: [] })).toEqual({ verdict: 'pass' });
    expect(verdictOf({ routes: [], diagnoses: [] })).toEqual({ verdict: 'fail', cause: 'health-failing' });
    const failing = { passed: false } as never;
    expect(verdictOf({ readiness: ready, routes: [failing], diagnoses: [] })).toEqual({
      verdict: 'fail',
      cause: 'health-failing',
    });
  });

  it('is error when readiness was cancelled', () => {
    const cancelled = { ready: false, ended: 'cancelled', attempts: [] } as never;
    expect(verdictOf({ readiness: cancelled, routes: [], diagnoses: [d('app-error')] })).toEqual({ verdict: 'error' });
  });
});
