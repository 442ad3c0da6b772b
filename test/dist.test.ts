import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixture } from './support/fixtures.js';
import { runAction, runCli } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/** The committed bundle, run as the runner runs it, against loopback deploys. */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const django400 = loadFixture('django-400-disallowed-host');

describe('dist/index.js as the runner runs it', () => {
  it('passes a healthy deploy and writes every output', async () => {
    server = await startServer({
      '/health': text(200, 'ok'),
      '/': text(200, '<h1>shop</h1>'),
      '/products/': text(200, 'items'),
    });
    const run = await runAction({ url: server.url, routes: '/\n/products/ 200' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', cause: '', url: `${server.url}/` });
    expect(Number(run.outputs['ready-after'])).toBeGreaterThanOrEqual(0);
    expect(run.outputs['summary']).toMatch(/^Ready after \d+(\.\d)?m?s; 2 routes OK\.$/);
    const report = JSON.parse(readFileSync(run.outputs['report']!, 'utf8'));
    expect(report.routes).toHaveLength(2);
    expect(run.summary).toContain('## ✅ post-deploy-gate: pass');
    expect(run.stdout).not.toContain('::error');
  });

  it("fails with host-rejected when routes get Django's 400 and health passes", async () => {
    server = await startServer({ '/health/': text(200, 'ok') }, text(400, django400.body));
    const run = await runAction({ url: server.url, 'health-path': '/health/', routes: '/\n/products/' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'host-rejected' });
    expect(run.outputs['summary']).toContain('Health is fine, but both routes fail');
    expect(run.stdout).toMatch(/^::error title=post-deploy-gate%3A host-rejected/m);
    expect(run.summary).toContain('`ALLOWED_HOSTS`');
  });

  it('attaches the error annotation to the settings line that needs the change', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const workspace = mkdtempSync('/tmp/gate-ws-');
    mkdirSync(`${workspace}/shop`);
    writeFileSync(`${workspace}/shop/settings.py`, 'DEBUG = False\nALLOWED_HOSTS = ["app.internal"]\n');
    server = await startServer({ '/health/': text(200, 'ok') }, text(400, django400.body));
    const run = await runAction({ url: server.url, 'health-path': '/health/' }, { GITHUB_WORKSPACE: workspace });
    expect(run.stdout).toMatch(
      /^::error title=post-deploy-gate%3A host-rejected[^:]*,file=shop\/settings.py,line=2::/m,
    );
    expect(run.summary).toContain('**Where:** `shop/settings.py:2`');
  });

  it('says "no candidate found" rather than guess a file', async () => {
    server = await startServer({ '/health/': text(200, 'ok') }, text(400, django400.body));
    const run = await runAction({ url: server.url, 'health-path': '/health/' });
    expect(run.summary).toContain('**Where:** no candidate found in the repository');
  });

  it('reports bad inputs together, before any request, with verdict error', async () => {
    server = await startServer({}, text(200, 'ok'));
    const run = await runAction({ url: 'ftp://files.example', timeout: 'soon', routes: `${server.url}/x` });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ verdict: 'error', cause: 'config-error' });
    expect(run.stdout).toContain('::error title=post-deploy-gate%3A invalid url::');
    expect(run.stdout).toContain('::error title=post-deploy-gate%3A invalid timeout::');
    expect(run.stdout).toContain('::error title=post-deploy-gate%3A invalid routes::');
    expect(run.summary).toContain('- `url`: ');
    expect(server.requests).toHaveLength(0);
    expect(run.wallMs).toBeLessThan(5_000);
  });

  it('masks header values and keeps them out of every file when the deploy echoes them', async () => {
    const secret = 'preview-bypass-9d8c7b6a';
    server = await startServer({ '/health': text(200, 'ok') }, (req, res) =>
      res
        .writeHead(500, { 'content-type': 'text/plain', 'x-echo': String(req.headers['x-bypass']) })
        .end(`debug: x-bypass=${req.headers['x-bypass']}`),
    );
    const run = await runAction({ url: server.url, headers: `X-Bypass: ${secret}` });
    expect(server.requests.at(-1)!.headers['x-bypass']).toBe(secret);
    expect(run.stdout).toContain(`::add-mask::${secret}`);
    const leaked = [
      run.stdout.replace(`::add-mask::${secret}`, ''),
      run.summary,
      JSON.stringify(run.outputs),
      readFileSync(run.outputs['report']!, 'utf8'),
    ];
    for (const text of leaked) expect(text).not.toContain(secret);
  });

  it('outside a GitHub run, says why there is no PR comment and still passes', async () => {
    server = await startServer({}, text(200, 'ok'));
    const run = await runAction({ url: server.url, comment: 'true' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('comment: no comment (no token or repository)');
  });

  it('a run that cannot comment never loads the GitHub client (Octokit, and the undici it brings)', async () => {
    server = await startServer({}, text(200, 'ok'));
    const loadsFile = join(mkdtempSync(join(tmpdir(), 'gate-loads-')), 'loads');
    const preload = pathToFileURL(join(process.cwd(), 'test/support/preload/record-loads.mjs')).href;
    const run = await runAction(
      { url: server.url, comment: 'true' },
      { NODE_OPTIONS: `--import=${preload}`, GATE_LOADS_FILE: loadsFile },
    );
    expect(run.stdout).toContain('comment: no comment (no token or repository)');
    const chunks = readFileSync(loadsFile, 'utf8')
      .split('\n')
      .filter((url) => /\/dist\/[^/]+\.js$/.test(url))
      .map((url) => fileURLToPath(url));
    // The recorder works: the entry and the chunks a passing run needs are there.
    expect(chunks.some((file) => file.endsWith('/dist/index.js'))).toBe(true);
    expect(chunks.length).toBeGreaterThan(2);
    const withOctokit = chunks.filter((file) => readFileSync(file, 'utf8').includes('octokit'));
    expect(withOctokit).toEqual([]);
    // …and the GitHub client is in dist/ all the same, for the runs that do comment.
    const all = readdirSync('dist').filter((f) => f.endsWith('.js'));
    expect(all.some((f) => readFileSync(join('dist', f), 'utf8').includes('octokit'))).toBe(true);
  });
});

describe('the CLI (lib/cli/index.js, as npx runs it)', () => {
  it('prints a JSON report and exits 1 on a failing deploy', async () => {
    server = await startServer({ '/health': text(200, 'ok') }, text(502, loadFixture('nginx-502-refused').body));
    const run = await runCli(['--url', server.url, '--route', '/', '--json']);
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ verdict: 'fail', cause: 'upstream-unreachable' });
  });

  it('answers --help and refuses unknown flags with exit 2', async () => {
    expect((await runCli(['--help'])).stdout).toContain('Usage: post-deploy-gate --url');
    const bad = await runCli(['--urll', 'x']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--urll'");
  });

  it('exits 2 on usage errors, naming the flag, before any request', async () => {
    server = await startServer({}, text(200, 'ok'));
    const missing = await runCli([]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--url is required');
    expect(missing.stderr).not.toContain('wait-for-deployment');
    expect(missing.stdout).toBe('');
    const bad = await runCli(['--url', server.url, '--timeout', 'soon', '--route', 'GET']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^post-deploy-gate: --timeout: "soon" is not a duration/m);
    expect(bad.stderr).toMatch(/^post-deploy-gate: --route: line 1 "GET"/m);
    const proxy = await runCli(['--url', server.url], { HTTPS_PROXY: 'socks5://proxy:1080' });
    expect(proxy.exitCode).toBe(2);
    expect(proxy.stderr).toContain('HTTPS_PROXY: is not a proxy URL');
    expect(server.requests).toHaveLength(0);
  });

  it('leaves a blank line between the progress and the report, and prints the headline once', async () => {
    server = await startServer({ '/health/': text(200, 'ok') }, text(400, django400.body));
    const run = await runCli(['--url', server.url, '--health-path', '/health/', '--timeout', '3s']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/\S\n\n$/);
    const headline = run.stdout.split('\n')[1]!;
    expect(headline).toContain('Health is fine, but the only route fails');
    expect(run.stdout.split(headline)).toHaveLength(2);
  });

  it('reads a config file', async () => {
    server = await startServer({ '/healthz': text(200, 'ok'), '/api/items': text(200, '{"items":[]}') });
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/gate-cli-');
    writeFileSync(
      `${dir}/gate.yml`,
      `url: ${server.url}\nhealth-path: /healthz\nroutes:\n  - path: /api/items\n    contains: items\n`,
    );
    const run = await runCli(['--config', `${dir}/gate.yml`, '--json']);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(JSON.parse(run.stdout).routes[0].route.label).toBe('/api/items');
  });
});
