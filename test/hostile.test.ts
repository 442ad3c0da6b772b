import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/**
 * The built action, as the runner runs it, against hostile deploys and hostile input. Bounds (time,
 * peak memory) are measured from outside the process.
 */

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * The limit is 250 MB, its aim 100 MB. Measured here: Node 24 alone peaks at about 61 MB, a
 * one-route run at about 82 MB, this test at about 100 MB. The bound guards against regressions.
 */
const MEMORY_BOUND_MB = 150;

describe('bounded time and memory, from outside the process', () => {
  it('ends promptly on SIGTERM and still writes outputs and a summary that says cancelled', async () => {
    server = await startServer({}, text(503, 'starting'));
    let signalledAt = 0;
    const run = await runAction(
      { url: server.url, timeout: '5m' },
      {},
      {
        onStart: (pid) => {
          setTimeout(() => {
            signalledAt = performance.now();
            process.kill(pid, 'SIGTERM');
          }, 1_000);
        },
      },
    );
    const afterSignal = performance.now() - signalledAt;
    expect(afterSignal).toBeLessThan(2_000);
    expect(run.outputs).toMatchObject({ verdict: 'error', cause: '' });
    expect(run.outputs['summary']).toMatch(/^Cancelled after \d+(\.\d)?m?s, before a verdict/);
    expect(run.summary).toContain('post-deploy-gate: error');
    expect(run.exitCode).toBe(1);
  });

  it('checks a route serving 100 MB, a gzip bomb and an endless body in small memory', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024));
    server = await startServer({
      '/health': text(200, 'ok'),
      '/huge': async (_req, res) => {
        res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
        const chunk = Buffer.alloc(1024 * 1024, 120);
        for (let i = 0; i < 100 && !res.destroyed; i++)
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
        res.end();
      },
      '/bomb': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb),
      '/endless': async (_req, res) => {
        res.writeHead(200);
        const chunk = Buffer.alloc(256 * 1024, 121);
        while (!res.destroyed) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      },
    });
    const run = await runAction({ url: server.url, routes: '/huge\n/bomb\n/endless' });
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    expect(run.peakRssMb).toBeGreaterThan(0);
    expect(run.peakRssMb).toBeLessThan(MEMORY_BOUND_MB);
    expect(run.wallMs).toBeLessThan(10_000);
  });

  it('ends within its budget against a deploy that accepts and never answers', async () => {
    server = await startServer({}, () => undefined);
    const run = await runAction({ url: server.url, timeout: '2s', 'request-timeout': '500ms' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'timeout' });
    // 2 s of readiness, then one look at the route (no retries when never ready), then reporting.
    expect(run.wallMs).toBeLessThan(4_500);
  });
});

describe('untrusted content', () => {
  const hostile = [
    '::error file=app.js,line=1::injected annotation',
    '::add-mask::hide-the-verdict',
    '::stop-commands::pwned',
    '<script>alert(1)</script><details open><summary>injected</summary>',
    'cc @octocat and @acme/security, see #1 and https://phish.example/login',
    '```',
    '| fake | row |',
  ].join('\n');

  it('changes nothing in the log commands, the summary structure or the outputs', async () => {
    server = await startServer({ '/health': text(200, 'ok') }, (_req, res) =>
      res
        .writeHead(500, { 'content-type': 'text/html', 'x-note': hostile.replaceAll('\n', ' ') })
        .end(`<h1>Server Error (500)</h1>\n${hostile}`),
    );
    const run = await runAction({ url: server.url });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'app-error' });
    const commands = run.stdout.split('\n').filter((line) => line.startsWith('::'));
    for (const line of commands) {
      expect(line).toMatch(/^::(error|warning|notice|debug)( title=post-deploy-gate[^:]*)?::|^::add-mask::/);
      expect(line).not.toMatch(/injected|pwned|hide-the-verdict/);
    }
    // Outside fenced excerpts, nothing from the response is live Markdown or HTML.
    const outside = run.summary.replace(/^(`{3,})[a-z]*\n[\s\S]*?^\1$/gm, '');
    expect(outside).not.toMatch(/<script|<details open|@octocat|https:\/\/phish|::stop-commands/);
    expect(run.summary.match(/^<details>/gm)?.length).toBe(run.summary.match(/^<\/details>/gm)?.length);
    expect(run.outputs['summary']).not.toContain('::');
  });

  it('keeps asset URLs a page names inert in the log, the summary and the outputs', async () => {
    const page =
      '<!doctype html><script src="/a.js?x=@octocat|fake|row`**b**`&u=https://phish.example/login"></script>' +
      '<link rel="stylesheet" href="::error::injected.css"><script src="/%0A::stop-commands::pwned.js"></script>';
    server = await startServer({
      '/health': text(200, 'ok'),
      '/': text(200, page),
    });
    const run = await runAction({ url: server.url, routes: '/' });
    expect(run.outputs).toMatchObject({ verdict: 'fail', cause: 'static-assets-missing' });
    for (const line of run.stdout.split('\n').filter((l) => l.startsWith('::'))) {
      expect(line).toMatch(/^::(error|warning|notice|debug)( title=post-deploy-gate[^:]*)?::|^::add-mask::/);
    }
    expect(run.summary).not.toMatch(/@octocat|https:\/\/phish|\*\*b\*\*|\|fake\|/);
    expect(run.summary).toContain('&#124;fake&#124;row');
    expect(run.outputs['summary']).not.toMatch(/^::/m);
  });

  it('keeps a secret header out of every output even when echoed back in other forms', async () => {
    const secret = 'bypass-Zq9!x/7';
    server = await startServer({ '/health': text(200, 'ok') }, (req, res) => {
      const value = String(req.headers['x-bypass']);
      res
        .writeHead(500, { 'x-echo': encodeURIComponent(value) })
        .end(`as sent ${value} · base64 ${Buffer.from(value).toString('base64')}`);
    });
    const run = await runAction({ url: server.url, headers: `X-Bypass: ${secret}` });
    // Workflow-command data escapes `%` as `%25`; the runner undoes it.
    const masked = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.replaceAll('%25', '%'));
    expect(masked).toEqual(
      expect.arrayContaining([
        `::add-mask::${secret}`,
        `::add-mask::${encodeURIComponent(secret)}`,
        `::add-mask::${Buffer.from(secret).toString('base64')}`,
      ]),
    );
    const everything = [
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
      run.summary,
      JSON.stringify(run.outputs),
      readFileSync(run.outputs['report']!, 'utf8'),
    ].join('\n');
    for (const form of [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])
      expect(everything).not.toContain(form);
  });
});

describe('bad input of every kind: under a second, naming the input, no request', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'gate-bad-'));
  writeFileSync(join(workspace, 'broken.yml'), 'url: https://x.example\nroutes: [/a, /b\n');
  writeFileSync(join(workspace, 'counts.yml'), 'concurrency: 0\nretries: 99\nsuccess-threshold: -1\n');
  it.each([
    [{ url: 'javascript:alert(1)' }, 'url', 'scheme "javascript" is not accepted'],
    [{ url: 'file:///etc/passwd' }, 'url', 'scheme "file" is not accepted'],
    [{ url: 'not a url' }, 'url', 'is not a URL'],
    [{ url: 'https://user:pa55word@shop.example' }, 'url', 'must not carry credentials'],
    [{ url: 'http://169.254.169.254/' }, 'url', 'link-local or cloud-metadata'],
    [{ timeout: '-1s' }, 'timeout', 'is not a duration'],
    [{ timeout: '0' }, 'timeout', 'out of range'],
    [{ timeout: '99999h' }, 'timeout', 'out of range'],
    [{ 'request-timeout': '1ms' }, 'request-timeout', 'out of range'],
    [{ routes: 'GET products' }, 'routes', 'must start with "/"'],
    [{ routes: '/x matches /(unclosed/' }, 'routes', 'invalid regular expression'],
    [{ routes: '/x matches /(a)\\1/' }, 'routes', 'RE2 syntax (linear time), which has no backreferences'],
    [{ headers: 'Authorization Bearer abc' }, 'headers', 'is not a "Name: value" header line'],
    [{ comment: 'yes' }, 'comment', 'is not a boolean'],
    [{ config: 'broken.yml' }, 'config', 'broken.yml line'],
    [{ config: 'counts.yml' }, 'concurrency', 'whole number from 1 to 64'],
    [{ config: '../../../etc/passwd' }, 'config', 'outside the workspace'],
  ])('%j', async (inputs, input, message) => {
    server = await startServer({}, text(200, 'ok'));
    const run = await runAction({ url: server.url, ...inputs }, { GITHUB_WORKSPACE: workspace });
    expect(run.outputs).toMatchObject({ verdict: 'error', cause: 'config-error' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `::error title=post-deploy-gate%3A invalid ${input}.*::.*${message.replace(/[()[\]+*.?^$|]/g, '\\$&')}`,
      ),
    );
    expect(server.requests).toHaveLength(0);
    expect(run.wallMs).toBeLessThan(1_000);
  });
});
