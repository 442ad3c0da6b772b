import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from './support/github-api.js';
import { NETWORK_EDGE, boundEveryRun, runAction, type ActionRun } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/**
 * The fault suite, second round (issue 11): each promise of README "Limits and safety" tried the way an
 * attacker would, against the BUILT action (dist/index.js) run as the runner runs it. Every bound is
 * checked from outside the process: wall time, peak RSS (VmHWM), bytes written, which files exist,
 * which addresses a socket dialled (a preload logs them), which requests a server saw.
 */

const MEMORY_BOUND_MB = 150;
const BAD_INPUT_MS = 1_000;

const closers: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
boundEveryRun(MEMORY_BOUND_MB);
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
/** A TCP server that accepts and never says a word (a TLS handshake that never progresses, an API that hangs). */
async function silent(): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: NetServer = createNetServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    sockets.forEach((s) => s.destroy());
    return new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as { port: number }).port, connections: () => count };
}
function folder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
/** Env for the preload that fakes DNS answers and logs every address a socket dialled. */
function networkEdge(dns: Record<string, string[]> = {}): { env: Record<string, string>; dialled: () => string[] } {
  const log = join(folder('gate-dial-'), 'dialled');
  writeFileSync(log, '');
  return {
    env: { NODE_OPTIONS: `--import=${NETWORK_EDGE}`, GATE_TEST_DNS: JSON.stringify(dns), GATE_TEST_CONNECT_LOG: log },
    dialled: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}
function reportOf(run: ActionRun): { routes: Array<{ observation: { error?: { kind: string; code: string } } }> } {
  return JSON.parse(readFileSync(run.outputs['report']!, 'utf8'));
}
function expectConfigError(run: ActionRun, input: string, message: string | RegExp): void {
  expect(run.outputs, run.stdout).toMatchObject({ verdict: 'error', cause: 'config-error' });
  expect(run.exitCode).toBe(1);
  const line = run.stdout.split('\n').find((l) => l.startsWith(`::error title=post-deploy-gate%3A invalid ${input}`));
  expect(line, run.stdout).toBeDefined();
  expect(line!.replaceAll('%25', '%')).toMatch(message);
  expect(run.wallMs).toBeLessThan(BAD_INPUT_MS);
  expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
}
const METADATA_DIALLED = /^(169\.254\.|::ffff:169\.254\.|::ffff:a9fe:|100\.100\.100\.200)/;
/** What a reader sees: the sinks strip control characters, so a secret split by one is read whole. */
const visible = (text: string) => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');

describe('1. blocked addresses are decided on parsed addresses: literals, DNS answers, every redirect hop', () => {
  it.each([
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::169.254.169.254]/',
    'http://[::ffff:0:a9fe:a9fe]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[2002:a9fe:a9fe::1]/',
    'http://[::ffff:100.100.100.200]/',
    'http://0xa9fea9fe/',
    'http://[fe80::1]/',
  ])('refuses url %s before any socket is opened', async (url) => {
    const edge = networkEdge();
    const run = await runAction({ url }, edge.env);
    expectConfigError(run, 'url', /link-local or cloud-metadata address/);
    expect(edge.dialled()).toEqual([]);
  });

  it('never dials a name whose DNS answer is an IPv4-mapped metadata address', async () => {
    const server = await serve({ '/health': text(200, 'ok') }, text(200, 'ok'));
    const port = new URL(server.url).port;
    // The hex form: a check on the text "::ffff:169.254." misses it.
    const edge = networkEdge({ 'meta.test': ['::ffff:a9fe:a9fe'] });
    const run = await runAction(
      { url: `http://meta.test:${port}/`, 'health-path': `${server.url}/health`, timeout: '5s' },
      edge.env,
    );
    expect(run.outputs['verdict']).not.toBe('pass');
    expect(reportOf(run).routes[0]!.observation.error).toMatchObject({ kind: 'blocked', code: 'GATE_BLOCKED_ADDRESS' });
    expect(edge.dialled().filter((a) => METADATA_DIALLED.test(a))).toEqual([]);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.path === '/health')).toBe(true);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  });

  it('checks the DNS answer again on a redirect hop (rebinding to a metadata address is refused)', async () => {
    const server = await serve({
      '/health': text(200, 'ok'),
      '/': (_req, res) => res.writeHead(302, { location: '/next', connection: 'close' }).end(),
      '/next': text(200, 'ok'),
    });
    const port = new URL(server.url).port;
    // First answer loopback, every later one the metadata address in its mapped IPv6 form.
    const edge = networkEdge({ 'hop.test': ['127.0.0.1', '::ffff:a9fe:a9fe'] });
    const run = await runAction(
      { url: `http://hop.test:${port}/`, 'health-path': `${server.url}/health`, timeout: '5s' },
      edge.env,
    );
    expect(reportOf(run).routes[0]!.observation.error).toMatchObject({ kind: 'blocked' });
    expect(server.requests.filter((r) => r.path === '/next')).toHaveLength(0);
    expect(edge.dialled().filter((a) => METADATA_DIALLED.test(a))).toEqual([]);
  });
});

describe('2. the config file never chooses where files are written', () => {
  it('refuses a report: key, and the file it named is untouched (content and mode)', async () => {
    const outside = folder('gate-victim-');
    const victim = join(outside, 'deploy.sh');
    writeFileSync(victim, '#!/bin/sh\necho original\n');
    chmodSync(victim, 0o755);
    const workspace = folder('gate-ws-');
    writeFileSync(join(workspace, 'gate.yml'), `report: ${victim}\n`);
    const server = await serve({}, text(200, 'ok'));
    const run = await runAction({ url: server.url, config: 'gate.yml' }, { GITHUB_WORKSPACE: workspace });
    expectConfigError(run, 'config', /"report" cannot be set in the config file/);
    expect(readFileSync(victim, 'utf8')).toBe('#!/bin/sh\necho original\n');
    expect(statSync(victim).mode & 0o777).toBe(0o755);
    expect(readdirSync(workspace)).toEqual(['gate.yml']);
    expect(server.requests).toHaveLength(0);
  });

  it('never follows a planted symlink or overwrites a file it did not create in RUNNER_TEMP', async () => {
    const outside = folder('gate-victim-');
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'precious');
    const temp = folder('gate-temp-');
    symlinkSync(victim, join(temp, 'post-deploy-gate-report.json'));
    const server = await serve({}, text(200, 'ok'));
    const first = await runAction({ url: server.url }, { RUNNER_TEMP: temp });
    expect(first.outputs['verdict']).toBe('pass');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    const path = first.outputs['report']!;
    expect(path.startsWith(`${temp}/post-deploy-gate-`)).toBe(true);
    expect(lstatSync(path).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8')).verdict).toBe('pass');
    // A second gate in the same job: the first one's report stays as it was.
    const before = readFileSync(path, 'utf8');
    const second = await runAction({ url: server.url }, { RUNNER_TEMP: temp });
    expect(second.outputs['report']).not.toBe(path);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(lstatSync(join(temp, 'post-deploy-gate-report.json')).isSymbolicLink()).toBe(true);
  });
});

describe('3. secrets that come back changed, cut, or from the config file', () => {
  it('keeps them out of every output: control bytes inside, cut at the kept-body limit, config-file headers', async () => {
    const secret = 'bypass-Zq9!x/7-0123456789abcdef';
    const fileSecret = 'cfg-token-77aa88bb99cc';
    const workspace = folder('gate-ws-');
    writeFileSync(join(workspace, 'gate.yml'), `headers:\n  X-Config-Token: ${fileSecret}\n`);
    const server = await serve({ '/health': text(200, 'ok') }, (req, res) => {
      const sent = String(req.headers['x-bypass']);
      const fromFile = String(req.headers['x-config-token']);
      const split = (value: string, byte: string) => value.slice(0, 6) + byte + value.slice(6);
      const head = `echo ${split(sent, '\x01')} and ${split(fromFile, '\x01')}\n`;
      // 8 KiB of body are kept: the secret starts 20 characters before the cut.
      const padding = 'p'.repeat(8 * 1024 - 20 - head.length);
      res
        .writeHead(500, { 'content-type': 'text/plain', 'x-echo': split(sent, '\x85'), 'x-file': fromFile })
        .end(`${head}${padding}${sent}${'q'.repeat(100)}`);
    });
    const run = await runAction(
      { url: server.url, headers: `X-Bypass: ${secret}`, config: 'gate.yml' },
      { GITHUB_WORKSPACE: workspace },
    );
    expect(server.requests.at(-1)!.headers['x-config-token']).toBe(fileSecret);
    expect(run.outputs['verdict']).toBe('fail');
    expect(run.stdout).toContain(`::add-mask::${fileSecret}`);
    const everything = visible(
      [
        run.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
        run.summary,
        JSON.stringify(run.outputs),
        readFileSync(run.outputs['report']!, 'utf8'),
      ].join('\n'),
    );
    expect(everything).toContain('***');
    for (const leaked of [secret, fileSecret, secret.slice(0, 20), secret.slice(0, 8)])
      expect(everything).not.toContain(leaked);
  });
});

describe('4. a header value that cannot be sent is a config error; nothing ends without outputs', () => {
  it.each([
    [{ headers: 'X-Api-Key: 5€-1234' }, 'headers', /non-ASCII character at position 2.*RFC 9110/],
    [{ headers: 'X-Api-Key: caf\u00e9' }, 'headers', /non-ASCII character/],
    [{ headers: 'X-Api-Key: a\u0007b' }, 'headers', /control character/],
  ])('%j is refused before any request', async (inputs, input, message) => {
    const server = await serve({}, text(200, 'ok'));
    const run = await runAction({ url: server.url, ...inputs });
    expectConfigError(run, input, message);
    // The value is a secret: masked, never repeated in a message.
    expect(
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain('1234');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a config-file route header that cannot be sent', async () => {
    const workspace = folder('gate-ws-');
    writeFileSync(join(workspace, 'gate.yml'), 'routes:\n  - path: /\n    headers:\n      X-Key: "5€"\n');
    const server = await serve({}, text(200, 'ok'));
    const run = await runAction({ url: server.url, config: 'gate.yml' }, { GITHUB_WORKSPACE: workspace });
    expectConfigError(run, 'routes', /header X-Key has a non-ASCII character/);
    expect(server.requests).toHaveLength(0);
  });

  it.each(['uncaught', 'rejection'])(
    'an %s error deep inside still ends with outputs, summary and report',
    async (kind) => {
      const server = await serve({}, text(503, 'starting'));
      const run = await runAction(
        { url: server.url, timeout: '30s' },
        { NODE_OPTIONS: `--import=${NETWORK_EDGE}`, GATE_TEST_CRASH: kind },
      );
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({ verdict: 'error', cause: '' });
      expect(run.outputs['summary']).toContain('failed internally');
      expect(run.summary).toContain('boom from a');
      expect(JSON.parse(readFileSync(run.outputs['report']!, 'utf8')).verdict).toBe('error');
      expect(run.wallMs).toBeLessThan(3_000);
    },
  );
});

describe('5. matches patterns run in linear time, without workers or time limits', () => {
  it('300 matches routes at concurrency 16: no false failure, small memory', async () => {
    const workspace = folder('gate-ws-');
    const routes = Array.from({ length: 300 }, (_, i) => `  - /r${i} matches /ok/`).join('\n');
    writeFileSync(join(workspace, 'gate.yml'), `concurrency: 16\nroutes:\n${routes}\n`);
    const server = await serve({}, text(200, 'all ok here'));
    const run = await runAction({ url: server.url, config: 'gate.yml' }, { GITHUB_WORKSPACE: workspace });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(run.stdout.match(/^FAIL /gm) ?? []).toHaveLength(0);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(run.wallMs).toBeLessThan(15_000);
  });

  it('accepts a safe pattern the old static filter refused, and a pattern that backtracks in JavaScript stays fast', async () => {
    const server = await serve({
      '/health': text(200, 'ok'),
      '/version': text(200, 'release v1.22.3 is live'),
      '/slow': text(200, `${'a'.repeat(50_000)}!`),
    });
    const run = await runAction({
      url: server.url,
      routes: '/version matches /v(\\d+\\.)+\\d+/\n/slow matches /(a+)+$/',
    });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'wrong-content' });
    const report = JSON.parse(readFileSync(run.outputs['report']!, 'utf8'));
    expect(report.routes.map((r: { passed: boolean }) => r.passed)).toEqual([true, false]);
    expect(run.wallMs).toBeLessThan(5_000);
  });

  it('refuses what RE2 cannot do, saying so, before any request', async () => {
    const server = await serve({}, text(200, 'ok'));
    const run = await runAction({ url: server.url, routes: '/ matches /(a)\\1/\n/b matches /x(?=y)/' });
    expectConfigError(run, 'routes', /RE2 syntax.*no backreferences.*lookahead/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('6. a huge config file is refused by its size and route count, before parsing', () => {
  it('200,000 routes (6 MB of YAML): refused in under a second, in small memory', async () => {
    const workspace = folder('gate-ws-');
    const routes = Array.from({ length: 200_000 }, (_, i) => `  - /route/${i} 200`).join('\n');
    writeFileSync(join(workspace, 'gate.yml'), `routes:\n${routes}\n`);
    expect(statSync(join(workspace, 'gate.yml')).size).toBeGreaterThan(4_000_000);
    const server = await serve({}, text(200, 'ok'));
    const run = await runAction({ url: server.url, config: 'gate.yml' }, { GITHUB_WORKSPACE: workspace });
    expectConfigError(run, 'config', /KiB; a config file may be at most 128 KiB/);
    expect(server.requests).toHaveLength(0);
  });

  it('more than 1,000 routes, in the file or the input, are refused', async () => {
    const workspace = folder('gate-ws-');
    const routes = Array.from({ length: 1_001 }, (_, i) => `  - /r${i}`).join('\n');
    writeFileSync(join(workspace, 'gate.yml'), `routes:\n${routes}\n`);
    const server = await serve({}, text(200, 'ok'));
    const fromFile = await runAction({ url: server.url, config: 'gate.yml' }, { GITHUB_WORKSPACE: workspace });
    expectConfigError(fromFile, 'routes', /1001 routes; a run checks at most 1000/);
    const lines = Array.from({ length: 1_001 }, (_, i) => `/r${i}`).join('\n');
    const fromInput = await runAction({ url: server.url, routes: lines });
    expectConfigError(fromInput, 'routes', /1001 route lines; a run checks at most 1000/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('7. a TLS handshake that never progresses obeys the deadline and the cancellation', () => {
  it('readiness ends at its deadline, not a connect timeout later', async () => {
    const { port } = await silent();
    const run = await runAction({ url: `https://127.0.0.1:${port}`, timeout: '3s', 'request-timeout': '10s' });
    expect(run.outputs['verdict']).not.toBe('pass');
    const report = JSON.parse(readFileSync(run.outputs['report']!, 'utf8'));
    // The one look at the route starts when readiness ended: at the deadline, not up to 10 s after it.
    expect(report.routes[0].observation.timings.startMs).toBeLessThan(3_500);
    expect(report.routes[0].observation.error.phase).toBe('tls');
  });

  it('SIGTERM during a stalled handshake is answered at once, with outputs', async () => {
    const { port } = await silent();
    let signalledAt = 0;
    const run = await runAction(
      { url: `https://127.0.0.1:${port}`, timeout: '5m', 'request-timeout': '10s' },
      {},
      {
        onStart: (pid) =>
          setTimeout(() => {
            signalledAt = performance.now();
            process.kill(pid, 'SIGTERM');
          }, 1_500),
      },
    );
    expect(performance.now() - signalledAt).toBeLessThan(1_500);
    expect(run.outputs['summary']).toMatch(/^Cancelled after/);
  });
});

describe('8. after cancellation, the GitHub API gets at most a short best-effort call; the budget is hard', () => {
  const event = (apiUrl: string): Record<string, string> => {
    const dir = folder('gate-event-');
    writeFileSync(
      join(dir, 'event.json'),
      readFileSync(new URL('./fixtures/events/pull_request.json', import.meta.url)),
    );
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
      GITHUB_RUN_ID: '777',
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_API_URL: apiUrl,
      GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    };
  };

  it('cancelled during the gate: no GitHub call at all, and a prompt exit', async () => {
    const api = await silent();
    const server = await serve({}, text(503, 'starting'));
    let signalledAt = 0;
    const run = await runAction(
      { url: server.url, 'github-token': 'test-token' },
      event(`http://127.0.0.1:${api.port}`),
      {
        onStart: (pid) =>
          setTimeout(() => {
            signalledAt = performance.now();
            process.kill(pid, 'SIGTERM');
          }, 1_000),
      },
    );
    expect(performance.now() - signalledAt).toBeLessThan(2_000);
    expect(api.connections()).toBe(0);
    expect(run.outputs['verdict']).toBe('error');
    expect(run.stdout).toContain('comment: no comment (the run was cancelled)');
  });

  it('cancelled while the API hangs on the comment: the process ends at once, the verdict already written', async () => {
    const api = await silent();
    const server = await serve({ '/health': text(200, 'ok') }, text(200, 'ok'));
    let signalledAt = 0;
    const run = await runAction(
      { url: server.url, 'github-token': 'test-token' },
      event(`http://127.0.0.1:${api.port}`),
      {
        onStart: (pid) => {
          const watch = setInterval(() => {
            if (api.connections() === 0) return;
            clearInterval(watch);
            signalledAt = performance.now();
            process.kill(pid, 'SIGTERM');
          }, 10);
        },
      },
    );
    expect(signalledAt).toBeGreaterThan(0);
    expect(performance.now() - signalledAt).toBeLessThan(2_000);
    expect(run.outputs['verdict']).toBe('pass');
    expect(run.stdout).toContain('comment: comment abandoned: the run was cancelled');
  });
});

describe('9. the sticky-comment lookup streams pages, stops at the first match, caps the pages read', () => {
  const big = 'x'.repeat(65_000);
  const env = (api: FakeGitHub): Record<string, string> => {
    const dir = folder('gate-event-');
    writeFileSync(
      join(dir, 'event.json'),
      readFileSync(new URL('./fixtures/events/pull_request.json', import.meta.url)),
    );
    return {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: join(dir, 'event.json'),
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
      GITHUB_API_URL: api.url,
      GITHUB_GRAPHQL_URL: `${api.url}/graphql`,
    };
  };
  const pagesRead = (api: FakeGitHub) =>
    api.requests.filter((r) => r.method === 'GET' && r.path.includes('/issues/7/comments')).length;

  it('2,500 comments of 65 kB, none ours: 50 pages of 40 read at most, in small memory, then a new comment', async () => {
    const api = await fakeGitHub();
    api.comments[7] = Array.from({ length: 2_500 }, (_, i) => ({
      id: i + 1,
      body: `${i} ${big}`,
      user: { login: 'bob', type: 'User' },
    }));
    const server = await serve({ '/health': text(200, 'ok') }, text(200, 'ok'));
    const run = await runAction({ url: server.url, 'github-token': 'test-token' }, env(api));
    expect(pagesRead(api)).toBe(50);
    expect(run.stdout).toContain('no earlier gate comment in the first 2000 comments of #7');
    expect(run.stdout).toContain('comment: commented on #7');
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  });

  it('stops at the first page holding our comment', async () => {
    const api = await fakeGitHub();
    api.comments[7] = Array.from({ length: 2_000 }, (_, i) => ({
      id: i + 1,
      body: i === 150 ? '<!-- post-deploy-gate:key=default --> earlier run' : `${i} ${big}`,
      user: { login: i === 150 ? 'github-actions[bot]' : 'bob', type: i === 150 ? 'Bot' : 'User' },
    }));
    const server = await serve({ '/health': text(200, 'ok') }, text(200, 'ok'));
    const run = await runAction({ url: server.url, 'github-token': 'test-token' }, env(api));
    expect(run.stdout).toContain('comment: updated the comment on #7');
    // Comment 151 is on page 4 of 40: pages 1 to 4 streamed, page 4 fetched again to read it.
    expect(pagesRead(api)).toBe(5);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  });
});

describe('10. every GitHub limit counts UTF-8 bytes', () => {
  it('300 failing routes with long emoji labels: summary, comment and annotations within their byte limits', async () => {
    const api = await fakeGitHub();
    const dir = folder('gate-event-');
    writeFileSync(
      join(dir, 'event.json'),
      readFileSync(new URL('./fixtures/events/pull_request.json', import.meta.url)),
    );
    // Inputs are environment variables (at most 128 KiB each) and the config file is capped too: the
    // labels are long in bytes (4 per emoji), not in characters.
    const label = '😀'.repeat(45);
    const routes = Array.from({ length: 300 }, (_, i) => `  - /p/${label}/${i} 200 contains "${label}"`).join('\n');
    const workspace = folder('gate-ws-');
    writeFileSync(join(workspace, 'gate.yml'), `routes:\n${routes}\n`);
    const server = await serve({ '/health': text(200, 'ok') }, text(200, `<h1>${'売り切れ'.repeat(600)}</h1>`));
    const run = await runAction(
      { url: server.url, config: 'gate.yml', 'github-token': 'test-token' },
      {
        GITHUB_WORKSPACE: workspace,
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
        GITHUB_API_URL: api.url,
        GITHUB_GRAPHQL_URL: `${api.url}/graphql`,
      },
    );
    expect(run.outputs['verdict']).toBe('fail');
    expect(Buffer.byteLength(run.summary, 'utf8')).toBeLessThanOrEqual(512 * 1024);
    // The comment is where these labels hit a limit: cut by bytes, though as characters it would fit.
    const comment = api.comments[7]![0]!.body;
    expect(comment).toContain("cut to stay within GitHub's size limit");
    expect(Buffer.byteLength(comment, 'utf8')).toBeLessThanOrEqual(60_000);
    expect(comment.length).toBeLessThan(45_000);
    for (const line of run.stdout.split('\n').filter((l) => /^::(error|warning)/.test(l))) {
      const message = decodeURIComponent(line.slice(line.indexOf('::', 2) + 2).replaceAll('%0A', '\n'));
      expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(4_000);
    }
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
  });
});

describe('11. the GitHub token never appears, even when an API error echoes it', () => {
  it('is masked at start, and API error bodies are redacted like deployment bodies', async () => {
    const api = await fakeGitHub();
    api.faults.push({
      method: 'GET',
      path: /\/issues\/7\/comments$/,
      status: 403,
      body: { message: 'Resource not accessible; request had Authorization: token test-token' },
      times: 10,
    });
    const dir = folder('gate-event-');
    writeFileSync(
      join(dir, 'event.json'),
      readFileSync(new URL('./fixtures/events/pull_request.json', import.meta.url)),
    );
    const server = await serve({ '/health': text(200, 'ok') }, text(200, 'ok'));
    const run = await runAction(
      { url: server.url, 'github-token': 'test-token' },
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
        GITHUB_API_URL: api.url,
        GITHUB_GRAPHQL_URL: `${api.url}/graphql`,
      },
    );
    expect(run.outputs['verdict']).toBe('pass');
    expect(run.stdout.split('\n')).toContain('::add-mask::test-token');
    const warning = run.stdout.split('\n').find((l) => l.startsWith('::warning::no PR comment'));
    expect(warning).toContain('Authorization: token ***');
    const rest = [
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs),
      readFileSync(run.outputs['report']!, 'utf8'),
    ].join('\n');
    expect(rest).not.toContain('test-token');
  });
});
