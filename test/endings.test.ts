import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixture } from './support/fixtures.js';
import { ENTITY, firstScreen, gfmTree, nodesOf, rawProse, textOf } from './support/gfm.js';
import { startFakeGitHub, type FakeGitHub } from './support/github-api.js';
import { normalise } from './support/normalise.js';
import { runAction, type ActionRun } from './support/runner.js';
import { sequence, startServer, text, type TestServer } from './support/servers.js';

/**
 * Every kind of ending, from a real run of the BUILT action (dist/index.js, as the runner starts it)
 * against a loopback deploy and a loopback stand-in for the GitHub API: the job summary, the PR comment
 * and the outputs a notification quotes, normalised (ports, times, dates) and kept in
 * test/golden/endings/<ending>/ for a reviewer to read. Regenerate with `npm run goldens`.
 */

const HEAD = '1111111111111111111111111111111111111111';
let api: FakeGitHub | undefined;
let deploy: TestServer | undefined;
afterEach(async () => {
  await api?.close();
  await deploy?.close();
  api = deploy = undefined;
});

interface Ending {
  inputs: Record<string, string>;
  /** Must be in the rendered summary's first screen, besides the verdict. */
  screen: string[];
  /** The run's length depends on the clock, so its request counts do too. */
  counts?: boolean;
  workspace?: Record<string, string>;
  /** Sends SIGTERM this long after the action started. */
  cancelAfterMs?: number;
  setup?: (api: FakeGitHub) => void;
}

async function runEnding(ending: Ending): Promise<ActionRun & { comment?: string }> {
  api = await startFakeGitHub();
  ending.setup?.(api);
  const dir = mkdtempSync(join(tmpdir(), 'gate-ending-'));
  writeFileSync(
    join(dir, 'event.json'),
    readFileSync(new URL('./fixtures/events/pull_request.json', import.meta.url), 'utf8'),
  );
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  for (const [path, content] of Object.entries(ending.workspace ?? {})) {
    mkdirSync(join(workspace, path, '..'), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  const env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: api.url,
    GITHUB_GRAPHQL_URL: `${api.url}/graphql`,
    GITHUB_WORKSPACE: workspace,
  };
  const cancel = ending.cancelAfterMs;
  const run = await runAction({ 'github-token': 'test-token', ...ending.inputs }, env, {
    onStart: cancel ? (pid) => setTimeout(() => process.kill(pid, 'SIGTERM'), cancel) : undefined,
  });
  return { ...run, comment: api.comments[7]?.[0]?.body };
}

const django400 = loadFixture('django-400-disallowed-host').body;
const djangoStaticMissing = loadFixture('django-404').body;

const ENDINGS: Record<string, () => Promise<Ending>> = {
  pass: async () => {
    deploy = await startServer({
      '/health': text(200, 'ok'),
      '/': text(200, '<h1>shop</h1>'),
      '/products/': text(200, 'items'),
    });
    return { inputs: { url: deploy.url, routes: '/\n/products/ 200' }, screen: [] };
  },
  'pass-after-warm-up': async () => {
    // Deterministic by request count, not by time: health answers 503 three times while it starts, and
    // /products/ 503 twice more while its cache warms, then both are healthy.
    deploy = await startServer({
      '/health': sequence(text(503, 'starting'), text(503, 'starting'), text(503, 'starting'), text(200, 'ok')),
      '/': text(200, '<h1>shop</h1>'),
      '/products/': sequence(text(503, 'warming'), text(503, 'warming'), text(200, 'items')),
    });
    return { inputs: { url: deploy.url, routes: '/\n/products/' }, screen: [] };
  },
  intermittent: async () => {
    // One instance of two behind the balancer is broken: every other answer is the app's 500 page.
    let n = 0;
    const django500 = loadFixture('django-500');
    deploy = await startServer({
      '/health/': text(200, 'ok'),
      '/': text(200, '<h1>shop</h1>'),
      '/checkout/': (req, res) =>
        n++ % 2 ? text(200, '<h1>checkout</h1>')(req, res) : text(500, django500.body, django500.headers)(req, res),
    });
    return {
      inputs: { url: deploy.url, 'health-path': '/health/', routes: '/\n/checkout/' },
      counts: true,
      screen: ['app-error', 'Fix:'],
    };
  },
  'pass-watched': async () => {
    deploy = await startServer({ '/health': text(200, 'ok'), '/': text(200, '<h1>shop</h1>') });
    return { inputs: { url: deploy.url, routes: '/', watch: '4s' }, counts: true, screen: [] };
  },
  'watch-degraded': async () => {
    // It passes, then the shop page goes down for good after its second answer (a crash after ready);
    // health keeps answering, so the watch is what catches it. Deterministic by request count.
    let served = 0;
    deploy = await startServer({
      '/health': text(200, 'ok'),
      '/': (req, res) => (served++ < 2 ? text(200, '<h1>shop</h1>') : text(503, 'no healthy upstream'))(req, res),
    });
    return { inputs: { url: deploy.url, routes: '/', watch: '30s' }, counts: true, screen: ['Fix:'] };
  },
  fail: async () => {
    // Two causes: Django rejects the public Host on two routes, and a page that answers links a
    // stylesheet nobody collected (check-assets).
    deploy = await startServer(
      {
        '/health/': text(200, 'ok'),
        '/about/': text(200, '<!doctype html><link rel="stylesheet" href="/static/app.css"><h1>about</h1>'),
        '/contact/': text(200, '<!doctype html><h1>contact</h1>'),
        '/blog/': text(200, '<!doctype html><h1>blog</h1>'),
        '/static/app.css': text(404, djangoStaticMissing),
      },
      text(400, django400),
    );
    return {
      inputs: {
        url: deploy.url,
        'health-path': '/health/',
        routes: '/\n/products/\n/about/\n/contact/\n/blog/',
        'check-assets': 'true',
      },
      workspace: { 'shop/settings.py': 'DEBUG = False\nALLOWED_HOSTS = ["app.internal"]\n' },
      screen: ['host-rejected', 'Fix:', 'Where: shop/settings.py:2'],
    };
  },
  'stale-version': async () => {
    deploy = await startServer({ '/health': text(200, '{"status":"ok","version":"v1"}'), '/': text(200, 'shop') });
    return {
      inputs: { url: deploy.url, 'expect-version': 'v2', timeout: '2s' },
      counts: true,
      screen: ['stale-version', 'Fix:'],
    };
  },
  inconclusive: async () => {
    deploy = await startServer(
      { '/health': text(200, 'ok') },
      text(401, 'Authentication required', { 'www-authenticate': 'Basic realm="preview"' }),
    );
    return { inputs: { url: deploy.url, routes: '/\n/account/' }, screen: ['auth-required', 'Fix:'] };
  },
  'config-error': async () => ({
    inputs: { url: 'ftp://files.example', timeout: 'soon' },
    screen: ['config-error', 'url:', 'timeout:'],
  }),
  'deployment-failed': async () => ({
    inputs: { 'wait-for-deployment': 'true', environment: 'Preview' },
    setup: (github) =>
      github.deployments.push({
        id: 3,
        sha: HEAD,
        environment: 'Preview',
        statuses: [
          {
            state: 'failure',
            description: 'Build failed: npm ERR! missing script: build',
            log_url: 'https://vercel.example/log/3',
          },
        ],
      }),
    screen: ['deployment-failed', 'Fix:', 'deployment log'],
  }),
  cancelled: async () => {
    deploy = await startServer({}, text(503, 'starting'));
    return { inputs: { url: deploy.url, timeout: '5m' }, cancelAfterMs: 1_500, counts: true, screen: ['Fix:'] };
  },
};

const golden = (ending: string, file: string) => `./golden/endings/${ending}/${file}`;

describe('every ending, from the built action', () => {
  for (const [name, make] of Object.entries(ENDINGS)) {
    it(name, async () => {
      const ending = await make();
      const run = await runEnding(ending);
      const norm = (text: string) => normalise(text, { counts: ending.counts });
      const outputs = ['verdict', 'cause', 'summary'].map((k) => `${k}: ${run.outputs[k] ?? ''}`).join('\n') + '\n';
      await expect(norm(outputs)).toMatchFileSnapshot(golden(name, 'outputs.txt'));
      await expect(norm(run.summary)).toMatchFileSnapshot(golden(name, 'summary.md'));
      if (run.comment !== undefined) await expect(norm(run.comment)).toMatchFileSnapshot(golden(name, 'comment.md'));

      // Verdict, cause, fix and location before the reader scrolls.
      const screen = firstScreen(run.summary);
      expect(screen).toContain(`post-deploy-gate: ${run.outputs['verdict']}`);
      for (const expected of ending.screen) expect(screen).toContain(expected);
      expect(screen.length).toBeLessThan(900);
      // The raw text reads cleanly: no HTML entities outside code.
      for (const markdown of [run.summary, run.comment ?? '']) expect(rawProse(markdown)).not.toMatch(ENTITY);
      // The summary output counts every failing route the table shows.
      const tree = gfmTree(run.summary);
      const failingRows = nodesOf(tree, 'tableRow')
        .map(textOf)
        .filter((row) => row.startsWith('❌') && !row.startsWith('❌health ') && !row.startsWith('❌watch '));
      if (failingRows.length) {
        const said = run.outputs['summary']!;
        const counted = /(\d+) of \d+ routes|all (\d+) routes|(both) routes|(the only) route/.exec(said);
        expect(counted, said).not.toBeNull();
        const n = counted![1] ?? counted![2] ?? (counted![3] ? '2' : '1');
        expect(Number(n)).toBe(failingRows.length);
      }
    });
  }
});
