import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixture } from './support/fixtures.js';
import { startFakeGitHub, type FakeGitHub } from './support/github-api.js';
import { startProxy } from './support/proxy.js';
import { boundEveryRun, runAction, type ActionRun } from './support/runner.js';
import { startServer, text, type Handler, type TestServer } from './support/servers.js';

/**
 * The fault suite, third round (issue 23): the newest inputs (pages, assets, the limiter, proxies, the
 * deployment's own URL) tried from outside against the BUILT action, run as the runner runs it. Bounds are
 * measured from outside the process: wall time, peak RSS (VmHWM), what the log, the outputs, the summary,
 * the report and the PR comment hold.
 */

const MEMORY_BOUND_MB = 150;
/** The pull request's head in fixtures/events/pull_request.json: the commit a deployment is looked for. */
const HEAD = '1111111111111111111111111111111111111111';
/** GITHUB_SHA on pull_request is the merge commit, not the head. */
const MERGE = 'ffffffffffffffffffffffffffffffffffffffff';

const closers: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
boundEveryRun(MEMORY_BOUND_MB);
async function serve(routes: Record<string, Handler>, fallback?: Handler): Promise<TestServer> {
  const server = await startServer(routes, fallback);
  closers.push(() => server.close());
  return server;
}
async function fakeGitHub(): Promise<FakeGitHub> {
  const api = await startFakeGitHub();
  closers.push(() => api.close());
  return api;
}
function folder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
/** The environment of a pull_request run with a GitHub stand-in (for comments and deployments). */
function pullRequestEnv(api: FakeGitHub, workspace = folder('gate-ws-')): Record<string, string> {
  const dir = folder('gate-event-');
  writeFileSync(join(dir, 'event.json'), readFileSync(new URL('./fixtures/events/pull_request.json', import.meta.url)));
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: MERGE,
    GITHUB_RUN_ID: '777',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: api.url,
    GITHUB_GRAPHQL_URL: `${api.url}/graphql`,
    GITHUB_WORKSPACE: workspace,
  };
}
function report(run: ActionRun): string {
  return readFileSync(run.outputs['report']!, 'utf8');
}
/** Everything a reader can see, the masking commands aside. */
function everything(run: ActionRun, comment = ''): string {
  const log = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  return [log, run.stderr, run.summary, JSON.stringify(run.outputs), report(run), comment].join('\n');
}
const html = (body: string): Handler => text(200, body, { 'content-type': 'text/html; charset=utf-8' });

describe('0. outputs a workflow may print carry deployment text only in a neutral form', () => {
  it('an asset content type with shell syntax cannot run a command from `echo "${{ steps.gate.outputs.summary }}"`', async () => {
    const dir = folder('gate-marker-');
    // A module script's content type is named in the summary when the browser would refuse it.
    const evil = 'text/x"$(touch${IFS}owned1)"`touch${IFS}owned2`\\"';
    const server = await serve({
      '/health': text(200, 'ok'),
      '/': html('<!doctype html><script type=module src="/app.js"></script><h1>shop</h1>'),
      '/app.js': text(200, 'export const x = 1;', { 'content-type': evil }),
    });
    const run = await runAction({ url: server.url });
    expect(run.outputs['verdict'], run.stdout).toBe('fail');
    const summary = run.outputs['summary']!;
    expect(summary).toMatch(/text\/x/);
    for (const name of ['summary', 'cause', 'verdict', 'url']) expect(run.outputs[name]).not.toMatch(/[`$"\\]/);
    // What the runner does with the README's old recipe: substitute the text, then run bash.
    execFileSync('bash', ['-c', `echo "${run.outputs['cause']}: ${summary}" > /dev/null`], { cwd: dir });
    expect(existsSync(join(dir, 'owned1')) || existsSync(join(dir, 'owned2'))).toBe(false);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  });
});

describe('1. a TLS handshake that stalls: the run ends near `timeout`', () => {
  it('with timeout 4s and request-timeout 30s, the explaining look fits a short margin', async () => {
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => silent.close(resolve));
    });
    const port = (silent.address() as { port: number }).port;
    const run = await runAction({ url: `https://127.0.0.1:${port}`, timeout: '4s', 'request-timeout': '30s' });
    expect(run.outputs['verdict']).toBe('fail');
    expect(run.outputs['cause']).toBe('timeout');
    // 4 s of readiness, the look at the route within the documented 2 s margin, and start-up and reporting on
    // a loaded machine (load 11: 8.8 s). Main's build waits out the 10 s connect limit again: 14 s at least.
    expect(run.wallMs).toBeLessThan(4_000 + 2_000 + 5_000);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  });
});

describe('2. legacy `##[command]` and `::` forms in deployment text never reach the log intact', () => {
  it('an asset content type cannot forge a notice or stop the gate’s own commands', async () => {
    const forged = 'text/x##[notice]forged##[stop-commands]tok1::notice::pass-all-checks-passed';
    const server = await serve({
      '/health': text(200, 'ok'),
      '/': html('<!doctype html><script type=module src="/app.js"></script><h1>shop</h1>'),
      '/app.js': text(200, 'export {}', { 'content-type': forged }),
    });
    const run = await runAction({ url: server.url });
    expect(run.outputs['verdict']).toBe('fail');
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.includes('##['))).toEqual([]);
    // Our own commands start a line (`::error title=…::message`); nothing else holds a `::`.
    for (const line of lines) {
      const rest = line.startsWith('::') ? line.slice(line.indexOf('::', 2) + 2) : line;
      expect(rest, line).not.toContain('::');
    }
    expect(lines.some((l) => l.startsWith('::error '))).toBe(true);
    expect(lines.some((l) => l.includes('FAIL') && l.includes('asset'))).toBe(true);
  });
});

describe('3. check-assets memory stays bounded whatever the pages hold', () => {
  const scripts = (prefix: string) => {
    let page = '<!doctype html>';
    for (let i = 0; page.length < 1024 * 1024 - 64; i++) page += `<script src=/${prefix}${i}.js></script>`;
    return page;
  };

  // Each page is read only as far as the tags the HTML parser reads (its 10,000th), the rest never
  // downloaded, and parsed without building its tree (html/inserted.ts). Kept whole, the trees of 10,000
  // elements made V8 grow its young generation: 134–188 MB alone; on main before issue 23, 622 MB.
  it('20 pages of 1 MiB naming ~34,000 scripts each: small memory, a small report', async () => {
    const pages = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`/p${i}`, html(scripts(`p${i}/`))]));
    const server = await serve(
      { '/health': text(200, 'ok'), ...pages },
      text(200, '//js', { 'content-type': 'text/javascript' }),
    );
    const routes = Object.keys(pages).join('\n');
    const run = await runAction({ url: server.url, routes }, {}, { timeoutMs: 120_000 });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(Buffer.byteLength(report(run))).toBeLessThan(2 * 1024 * 1024);
    const assets = JSON.parse(report(run)).assets;
    // The caps show: the page was read only in part, references past the cap counted, the lists cut.
    expect(assets.pages[0].readChars).toBeLessThan(1024 * 1024);
    expect(assets.pages[0].omitted).toBeGreaterThan(4_000);
    expect(assets.pages[0].notChecked.length).toBeLessThanOrEqual(20);
    expect(run.summary).toContain('past the first 200 references, counted only');
  }, 150_000);

  it('a 1 MiB page of unclosed <b>: the HTML parser reads a bounded part', async () => {
    const page = `<!doctype html><script src=/first.js></script>${'<b>'.repeat(350_000)}`;
    const server = await serve(
      { '/health': text(200, 'ok'), '/': html(page) },
      text(200, '//js', { 'content-type': 'text/javascript' }),
    );
    const run = await runAction({ url: server.url });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(server.requests.some((r) => r.path === '/first.js')).toBe(true);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  });

  it('300 routes with 1 MiB bodies and no body check: each is read only as far as its excerpt', async () => {
    // 120–124 MB alone, 121 MB in the full suite; read whole (before), 136–166 MB.
    const body = `${'x'.repeat(1024 * 1024 - 10)} all ok`;
    const server = await serve({ '/health': text(200, 'ok') }, text(200, body, { 'content-type': 'text/plain' }));
    const routes = Array.from({ length: 300 }, (_, i) => `/r${i}`).join('\n');
    const run = await runAction({ url: server.url, routes }, {}, { timeoutMs: 120_000 });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
    // What the report says of a body it did not read whole: what was read, and that the read was cut.
    const seen = JSON.parse(report(run)).routes[0].observation;
    expect(seen).toMatchObject({ bodyBytes: 64 * 1024, bodyTruncated: true });
  }, 150_000);
});

describe('4. Retry-After in the per-origin limiter is capped; a route never asked is not checked', () => {
  it('one 429 with Retry-After: 3600 on a healthy deploy: every route is asked, and it passes', async () => {
    let limited = false;
    const server = await serve({ '/health': text(200, 'ok') }, (req, res) => {
      if (req.url === '/r0' && !limited) {
        limited = true;
        return text(429, 'slow down', { 'retry-after': '3600' })(req, res);
      }
      return text(200, 'ok', { 'content-type': 'text/plain' })(req, res);
    });
    const routes = Array.from({ length: 12 }, (_, i) => `/r${i}`).join('\n');
    const run = await runAction({ url: server.url, routes }, {}, { timeoutMs: 120_000 });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    for (let i = 0; i < 12; i++) expect(server.requests.some((r) => r.path === `/r${i}`)).toBe(true);
    expect(run.wallMs).toBeLessThan(40_000);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  }, 150_000);

  it('40 routes all 429: inconclusive (rate-limited), never "no answer in time"', async () => {
    const server = await serve(
      { '/health': text(200, 'ok') },
      text(429, 'too many requests', { 'retry-after': '3600', 'content-type': 'text/plain' }),
    );
    const routes = Array.from({ length: 40 }, (_, i) => `/r${i}`).join('\n');
    const run = await runAction({ url: server.url, routes }, {}, { timeoutMs: 150_000 });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'inconclusive', cause: 'rate-limited' });
    expect(run.outputs['summary']).not.toContain('no answer');
    expect(run.summary).not.toContain('no answer in time');
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  }, 180_000);
});

describe('5. credentials in a deployment’s URL never reach an output', () => {
  it('environment_url with user:pass@: stripped from the summary, the url output, the report and the comment', async () => {
    const api = await fakeGitHub();
    const server = await serve({ '/health': text(200, 'ok'), '/': html('<h1>shop</h1>') });
    const { port } = server;
    api.deployments.push({
      id: 9,
      sha: HEAD,
      environment: 'Preview',
      statuses: [{ state: 'success', environment_url: `http://deployer:Hunter2-pw-xyz@127.0.0.1:${port}/` }],
    });
    const env = pullRequestEnv(api);
    const run = await runAction(
      { 'wait-for-deployment': 'true', environment: 'Preview', 'github-token': 'test-token', timeout: '20s' },
      env,
    );
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(run.outputs['url']).toBe(`http://127.0.0.1:${port}/`);
    const comment = api.comments[7]?.[0]?.body ?? '';
    expect(comment).not.toBe('');
    const seen = everything(run, comment);
    expect(seen).not.toContain('Hunter2-pw-xyz');
    expect(seen).not.toContain('deployer:');
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  });
  it('the same behind an environment glob (several deploys of one commit, one wait for all): stripped everywhere', async () => {
    const api = await fakeGitHub();
    const server = await serve({ '/health': text(200, 'ok'), '/': html('<h1>shop</h1>') });
    const { port } = server;
    for (const [id, environment] of [
      [9, 'Preview – web'],
      [10, 'Preview – docs'],
    ] as const)
      api.deployments.push({
        id,
        sha: HEAD,
        environment,
        statuses: [
          {
            state: 'success',
            environment_url: `http://deployer:Hunter2-pw-xyz@127.0.0.1:${port}/`,
            log_url: `https://deployer:Hunter2-pw-xyz@ci.example.com/${id}`,
          },
        ],
      });
    const run = await runAction(
      { 'wait-for-deployment': 'true', environment: 'Preview*', 'github-token': 'test-token', timeout: '20s' },
      pullRequestEnv(api),
    );
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(run.outputs['targets']).toContain('Preview – docs');
    const comment = api.comments[7]?.[0]?.body ?? '';
    expect(comment).not.toBe('');
    const seen = everything(run, comment);
    expect(seen).not.toContain('Hunter2-pw-xyz');
    expect(seen).not.toContain('deployer:');
  });
  it('a deployment_status payload with user:pass@ in environment_url and log_url: stripped everywhere', async () => {
    const api = await fakeGitHub();
    // A failing route, so the summary, the comment and the report quote the deployment at length.
    const server = await serve({ '/health': text(200, 'ok'), '/': text(500, 'boom') });
    const dir = folder('gate-event-');
    const event = JSON.parse(
      readFileSync(new URL('./fixtures/events/deployment_status.json', import.meta.url), 'utf8'),
    ) as { deployment_status: Record<string, string> };
    event.deployment_status['environment_url'] = `http://deployer:Hunter2-pw-xyz@127.0.0.1:${server.port}/`;
    event.deployment_status['log_url'] = 'https://ci-bot:Log-t0ken-abc@vercel.example/acme/shop/9001';
    writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
    api.pulls['4444444444444444444444444444444444444444'] = [
      { number: 7, state: 'open', head: { sha: '4444444444444444444444444444444444444444' } },
    ];
    const env = {
      ...pullRequestEnv(api),
      GITHUB_EVENT_NAME: 'deployment_status',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
    };
    const run = await runAction(
      { 'wait-for-deployment': 'true', 'github-token': 'test-token', timeout: '20s', retries: '0' },
      env,
    );
    expect(run.outputs['verdict'], run.stdout).toBe('fail');
    expect(run.outputs['url']).toBe(`http://127.0.0.1:${server.port}/`);
    const comment = api.comments[7]?.[0]?.body ?? '';
    expect(comment).not.toBe('');
    const seen = everything(run, comment);
    for (const leaked of ['Hunter2-pw-xyz', 'deployer:', 'Log-t0ken-abc', 'ci-bot:'])
      expect(seen).not.toContain(leaked);
  });

  it('a commit status whose target_url carries user:pass@ (Netlify-style): stripped everywhere', async () => {
    const api = await fakeGitHub();
    const server = await serve({ '/health': text(200, 'ok'), '/': html('<h1>shop</h1>') });
    api.commitStatuses[HEAD] = [
      {
        context: 'netlify/shop/deploy-preview',
        state: 'success',
        target_url: `http://preview:S3cret-netlify-q@127.0.0.1:${server.port}/`,
        description: 'Deploy Preview ready!',
      },
    ];
    const run = await runAction(
      { 'wait-for-deployment': 'true', 'github-token': 'test-token', timeout: '20s' },
      pullRequestEnv(api),
    );
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(run.outputs['url']).toBe(`http://127.0.0.1:${server.port}/`);
    const seen = everything(run, api.comments[7]?.[0]?.body ?? '');
    expect(seen).not.toContain('S3cret-netlify-q');
    expect(seen).not.toContain('preview:');
  });
});

describe('6. redaction holds at cuts without a mark, in escaped echoes, for username-only proxies, at every sink', () => {
  const secret = 'Zq9&x"7<b0123456789abcdef';

  it('an asset’s `starts "…"` evidence and a 200-character signature cut a secret with no mark', async () => {
    const server = await serve({
      '/health': text(200, 'ok'),
      '/': html('<!doctype html><script src="/app.js"></script><h1>shop</h1>'),
      // The asset's first 40 characters end 10 characters into the secret.
      '/app.js': (req, res) =>
        text(200, `<p>${'y'.repeat(27)}${String(req.headers['x-bypass'])}</p>`, {
          'content-type': 'text/html',
        })(req, res),
      // The signature keeps 200 characters: the secret starts 10 before the cut.
      '/sig': (req, res) => text(503, `${'s'.repeat(190)}${String(req.headers['x-bypass'])}`)(req, res),
    });
    const run = await runAction({ url: server.url, routes: '/\n/sig', headers: `X-Bypass: ${secret}` });
    expect(run.outputs['verdict']).toBe('fail');
    const seen = everything(run);
    for (const piece of [secret, secret.slice(0, 10), secret.slice(0, 6)]) expect(seen).not.toContain(piece);
  });

  it('JSON- and HTML-escaped echoes of a secret are removed', async () => {
    const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
    const server = await serve({ '/health': text(200, 'ok') }, (req, res) => {
      const sent = String(req.headers['x-bypass']);
      text(
        500,
        `{"echo":${JSON.stringify(sent)}} <p title="${escapeHtml(sent)}">${escapeHtml(sent).replaceAll('"', '&#34;')}</p>`,
        {
          'content-type': 'text/plain',
        },
      )(req, res);
    });
    const run = await runAction({ url: server.url, headers: `X-Bypass: ${secret}` });
    expect(run.outputs['verdict']).toBe('fail');
    const seen = everything(run);
    expect(seen).toContain('***');
    for (const piece of [JSON.stringify(secret).slice(1, -1), escapeHtml(secret), '0123456789abcdef'])
      expect(seen).not.toContain(piece);
  });

  it('a proxy credential given as a username only is masked and redacted', async () => {
    const token = 'ghp-proxytoken-5566778899';
    const proxy = await startProxy({ hosts: { 'shop.test': '127.0.0.1' } });
    closers.push(() => proxy.close());
    const server = await serve({ '/health': text(200, 'ok') }, (req, res) => {
      // The deployment echoes what it was sent, including what the proxy forwarded.
      text(500, `debug: ${JSON.stringify(req.headers)} token=${token}`, { 'content-type': 'text/plain' })(req, res);
    });
    const run = await runAction(
      { url: `http://shop.test:${server.port}` },
      { HTTP_PROXY: `http://${token}@127.0.0.1:${proxy.port}` },
    );
    expect(run.outputs['verdict'], run.stdout).toBe('fail');
    expect(run.stdout).toContain(`::add-mask::${token}`);
    expect(everything(run)).not.toContain(token);
  });

  it('the PR comment is redacted at the sink, the repository pointer included', async () => {
    const api = await fakeGitHub();
    const workspace = folder('gate-ws-');
    mkdirSync(join(workspace, 'shop'));
    // The line the fix goes to holds the secret (a settings file that inlines it).
    writeFileSync(
      join(workspace, 'shop/settings.py'),
      `DEBUG = False\nALLOWED_HOSTS = ["app.internal"]  # ${secret}\n`,
    );
    const server = await serve(
      { '/health/': text(200, 'ok') },
      text(400, loadFixture('django-400-disallowed-host').body),
    );
    const run = await runAction(
      { url: server.url, 'health-path': '/health/', 'github-token': 'test-token', headers: `X-Bypass: ${secret}` },
      pullRequestEnv(api, workspace),
    );
    expect(run.outputs['cause'], run.stdout).toBe('host-rejected');
    const comment = api.comments[7]?.[0]?.body ?? '';
    expect(comment).toContain('settings.py');
    const seen = everything(run, comment);
    for (const piece of [secret, secret.slice(0, 10), '0123456789abcdef']) expect(seen).not.toContain(piece);
  });
});

describe('7. a deployment’s own Proxy-Status is not the runner’s proxy failing', () => {
  it('a 502 from the deployment’s edge with Proxy-Status, through HTTP_PROXY, is not proxy-error', async () => {
    const proxy = await startProxy({ hosts: { 'shop.test': '127.0.0.1' } });
    closers.push(() => proxy.close());
    const server = await serve(
      { '/health': text(200, 'ok') },
      text(502, '<h1>502 Bad Gateway</h1>', { 'proxy-status': 'shop-edge; error=connection_refused' }),
    );
    const run = await runAction(
      { url: `http://shop.test:${server.port}` },
      { HTTP_PROXY: `http://127.0.0.1:${proxy.port}` },
    );
    expect(run.outputs['verdict'], run.stdout).toBe('fail');
    expect(run.outputs['cause']).not.toBe('proxy-error');
    expect(proxy.seen.length).toBeGreaterThan(0);
  });
});

describe('8. smaller truths', () => {
  it('`$…$` math from the deployment is inert in the summary and the comment', async () => {
    const api = await fakeGitHub();
    const server = await serve({
      '/health': text(200, 'ok'),
      '/': html('<!doctype html><script type=module src="/app.js"></script><h1>shop</h1>'),
      '/app.js': text(200, 'export {}', { 'content-type': 'text/$x^2$' }),
    });
    const run = await runAction({ url: server.url, 'github-token': 'test-token' }, pullRequestEnv(api));
    expect(run.outputs['verdict']).toBe('fail');
    const comment = api.comments[7]?.[0]?.body ?? '';
    for (const markdown of [run.summary, comment]) {
      // Outside code (fenced blocks and code spans, which GitHub never renders as math), every `$` is escaped.
      const prose = markdown
        .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
        .replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
      expect(prose).not.toMatch(/(^|[^\\])\$/m);
    }
  });

  it('a late <base href> does not move the scripts named before it', async () => {
    const server = await serve(
      {
        '/health': text(200, 'ok'),
        '/': html('<!doctype html><script src="early.js"></script><base href="/sub/"><script src="late.js"></script>'),
      },
      text(200, '//js', { 'content-type': 'text/javascript' }),
    );
    const run = await runAction({ url: server.url });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const paths = server.requests.map((r) => r.path);
    expect(paths).toContain('/early.js');
    expect(paths).toContain('/sub/late.js');
    expect(paths).not.toContain('/sub/early.js');
  });

  it('a budget of 299.6 s reads "5m", never "4m 60s"', async () => {
    const server = await serve({ '/health': text(200, 'ok'), '/': html('<h1>shop</h1>') });
    const run = await runAction({ url: server.url, timeout: '299600ms' });
    expect(run.outputs['verdict']).toBe('pass');
    expect(run.stdout).not.toMatch(/\b60s/);
    expect(run.stdout).toContain('budget 5m');
  });

  it('config-file header values are read as written: `0123` is sent as "0123"', async () => {
    const workspace = folder('gate-ws-');
    writeFileSync(join(workspace, 'gate.yml'), 'headers:\n  X-Tenant: 0123\n  X-Flag: true\n  X-Hex: 0x1F\n');
    const server = await serve({ '/health': text(200, 'ok'), '/': html('<h1>shop</h1>') });
    const run = await runAction({ url: server.url, config: 'gate.yml' }, { GITHUB_WORKSPACE: workspace });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const sent = server.requests.at(-1)!.headers;
    expect(sent).toMatchObject({ 'x-tenant': '0123', 'x-flag': 'true', 'x-hex': '0x1F' });
  });
});
