import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from './support/proxy.js';
import { runAction, runCli } from './support/runner.js';
import { startServer, text } from './support/servers.js';
import { LEAVES, PROXY_ONLY_HOST, startTlsServer, TEST_CA } from './support/tls.js';

/**
 * Runners in the wild, with the built action (dist/) and the CLI run as child processes: a corporate proxy
 * that alone can reach the deploy, NO_PROXY, and a company CA that lives only in the system store.
 */

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
const keep = <T extends { close(): Promise<void> }>(thing: T): T => (open.push(thing), thing);

const healthy = () => startServer({ '/health': text(200, 'ok') }, text(200, '<h1>shop</h1>'));

/** A system store that holds only `pems`: what Node 24 reads on Linux through SSL_CERT_FILE / SSL_CERT_DIR. */
function systemStore(...pems: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gate-ca-'));
  mkdirSync(join(dir, 'certs'));
  writeFileSync(join(dir, 'bundle.pem'), pems.join('\n'));
  return { SSL_CERT_FILE: join(dir, 'bundle.pem'), SSL_CERT_DIR: join(dir, 'certs') };
}

describe('the built action behind a proxy', () => {
  it('passes a healthy deploy that only the proxy can reach (http forwarding)', async () => {
    const server = keep(await healthy());
    const proxy = keep(await startProxy({ hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' } }));
    const url = `http://${PROXY_ONLY_HOST}:${server.port}`;
    const run = await runAction({ url, comment: 'false' }, { HTTP_PROXY: proxy.url });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'pass', cause: '' });
    expect(run.exitCode).toBe(0);
    expect(proxy.seen.map((s) => s.line)).toContain(`GET ${url}/health`);
    const report = JSON.parse(readFileSync(run.outputs['report']!, 'utf8'));
    expect(report.routes[0].observation?.proxy ?? report.health?.last?.proxy ?? JSON.stringify(report)).toContain(
      proxy.url,
    );
  });

  it('passes an https deploy through CONNECT, trusting a CA that is only in the system store', async () => {
    const tls = keep(await startTlsServer(LEAVES.proxyOnly));
    const port = (tls.server.address() as AddressInfo).port;
    const proxy = keep(await startProxy({ hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' } }));
    const run = await runAction(
      { url: `https://${PROXY_ONLY_HOST}:${port}`, comment: 'false' },
      { https_proxy: proxy.url, ...systemStore(TEST_CA) },
    );
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'pass' });
    expect(proxy.seen.map((s) => s.line)).toContain(`CONNECT ${PROXY_ONLY_HOST}:${port}`);
  });

  it('connects directly to hosts in NO_PROXY (and the proxy sees nothing)', async () => {
    const server = keep(await healthy());
    const proxy = keep(await startProxy());
    for (const env of <Array<Record<string, string>>>[
      { HTTP_PROXY: proxy.url, NO_PROXY: `localhost,127.0.0.1:${server.port}` },
      { http_proxy: proxy.url, no_proxy: '*' },
    ]) {
      const run = await runAction({ url: server.url, comment: 'false' }, env);
      expect(run.outputs['verdict'], JSON.stringify(env)).toBe('pass');
    }
    expect(proxy.seen).toHaveLength(0);
  });

  it('names a proxy that wants credentials, without its password anywhere', async () => {
    const server = keep(await healthy());
    const proxy = keep(
      await startProxy({ credentials: 'gate:right-password', hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' } }),
    );
    const wrong = `http://gate:wrong-password@127.0.0.1:${proxy.port}`;
    const run = await runAction(
      { url: `http://${PROXY_ONLY_HOST}:${server.port}`, timeout: '2s', comment: 'false' },
      { HTTP_PROXY: wrong },
    );
    expect(run.outputs).toMatchObject({ verdict: 'inconclusive', cause: 'proxy-error' });
    expect(run.summary).toContain('wants credentials');
    // (Markdown escaping breaks the autolink with a zero-width space.)
    expect(run.summary).toContain(`through the proxy http:\u200b//127.0.0.1:${proxy.port}`);
    const everything = [
      run.stdout.replace(/^::add-mask::.*$/gm, ''),
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs),
      readFileSync(run.outputs['report']!, 'utf8'),
    ];
    for (const text of everything) expect(text).not.toContain('wrong-password');
  });

  it('refuses a malformed proxy variable as a config error naming it, before any request', async () => {
    const server = keep(await healthy());
    const run = await runAction({ url: server.url, comment: 'false' }, { HTTPS_PROXY: 'socks5://proxy:1080' });
    expect(run.outputs).toMatchObject({ verdict: 'error', cause: 'config-error' });
    expect(run.stdout).toContain('HTTPS_PROXY');
    expect(server.requests).toHaveLength(0);
  });
});

describe('the system CA store', () => {
  it('a CA only in the system store is trusted; without it the tls-error names the stores it used', async () => {
    const tls = keep(await startTlsServer(LEAVES.good));
    const trusted = await runAction({ url: tls.url, comment: 'false' }, systemStore(TEST_CA));
    expect(trusted.outputs, trusted.stdout).toMatchObject({ verdict: 'pass' });
    const untrusted = await runAction({ url: tls.url, timeout: '2s', comment: 'false' }, systemStore());
    expect(untrusted.outputs).toMatchObject({ verdict: 'fail', cause: 'tls-error' });
    expect(untrusted.summary).toMatch(
      /trusted certificate stores: Node&#39;s bundled roots \(\d+\), the system store \(0\)/,
    );
  });

  it('NODE_EXTRA_CA_CERTS is added too', async () => {
    const tls = keep(await startTlsServer(LEAVES.good));
    const store = systemStore();
    const extra = join(mkdtempSync(join(tmpdir(), 'gate-extra-')), 'extra.pem');
    writeFileSync(extra, TEST_CA);
    const run = await runAction({ url: tls.url, comment: 'false' }, { ...store, NODE_EXTRA_CA_CERTS: extra });
    expect(run.outputs, run.stdout).toMatchObject({ verdict: 'pass' });
  });
});

describe('the CLI behind a proxy', () => {
  it('passes a deploy only the proxy can reach, over https, with the CA from the system store', async () => {
    const tls = keep(await startTlsServer(LEAVES.proxyOnly));
    const port = (tls.server.address() as AddressInfo).port;
    const proxy = keep(await startProxy({ hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' } }));
    const run = await runCli(['--url', `https://${PROXY_ONLY_HOST}:${port}`, '--json'], {
      HTTPS_PROXY: proxy.url,
      ...systemStore(TEST_CA),
    });
    expect(JSON.parse(run.stdout).verdict, run.stderr).toBe('pass');
    expect(run.exitCode).toBe(0);
    expect(proxy.seen.map((s) => s.line)).toContain(`CONNECT ${PROXY_ONLY_HOST}:${port}`);
  });

  it('goes around the proxy for NO_PROXY hosts, and says proxy-error when the proxy is down', async () => {
    const server = keep(await healthy());
    const proxy = keep(await startProxy());
    const direct = await runCli(['--url', server.url, '--json'], { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    expect(JSON.parse(direct.stdout).verdict).toBe('pass');
    expect(proxy.seen).toHaveLength(0);
    const gone = `http://127.0.0.1:${proxy.port}`;
    await proxy.close();
    open.pop();
    const down = await runCli(['--url', server.url, '--timeout', '2s', '--json'], { HTTP_PROXY: gone });
    expect(JSON.parse(down.stdout)).toMatchObject({ verdict: 'inconclusive', cause: 'proxy-error' });
    expect(down.exitCode).toBe(1);
  });
});
