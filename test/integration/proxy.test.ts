import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction, runCli } from '../support/runner.js';
import { startServer, text, type TestServer } from '../support/servers.js';
import { LEAVES, PROXY_ONLY_HOST, startTlsServer, TEST_CA } from '../support/tls.js';
import { Stack, freePort } from './stack.js';

/** The built action and the CLI behind a real Squid (Debian package), as on a company's self-hosted runner. */

let stack: Stack | undefined;
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function squidFor(ports: number[]): Promise<string> {
  stack = new Stack();
  const port = await freePort();
  await stack.squid({ port, hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' }, connectPorts: ports });
  return `http://127.0.0.1:${port}`;
}

function systemStoreWith(pem: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gate-ca-'));
  mkdirSync(join(dir, 'certs'));
  writeFileSync(join(dir, 'bundle.pem'), pem);
  return { SSL_CERT_FILE: join(dir, 'bundle.pem'), SSL_CERT_DIR: join(dir, 'certs') };
}

describe('behind Squid', () => {
  it('passes http and https deploys that only Squid can reach, trusting a CA from the system store', async () => {
    const app: TestServer = await startServer({ '/health': text(200, 'ok') }, text(200, '<h1>shop</h1>'));
    servers.push(app);
    const tls = await startTlsServer(LEAVES.proxyOnly);
    servers.push(tls);
    const tlsPort = (tls.server.address() as AddressInfo).port;
    const proxy = await squidFor([tlsPort]);

    const plain = await runAction(
      { url: `http://${PROXY_ONLY_HOST}:${app.port}`, comment: 'false' },
      { HTTP_PROXY: proxy },
    );
    expect(plain.outputs['verdict'], plain.stdout).toBe('pass');
    expect(app.requests.length).toBeGreaterThan(0);
    const seen = JSON.parse(readFileSync(plain.outputs['report']!, 'utf8'));
    expect(JSON.stringify(seen)).toContain(`"proxy":"${proxy}"`);

    const secure = await runAction(
      { url: `https://${PROXY_ONLY_HOST}:${tlsPort}`, comment: 'false' },
      { HTTPS_PROXY: proxy, ...systemStoreWith(TEST_CA) },
    );
    expect(secure.outputs['verdict'], secure.stdout).toBe('pass');

    const cli = await runCli(['--url', `https://${PROXY_ONLY_HOST}:${tlsPort}`, '--json'], {
      https_proxy: proxy,
      ...systemStoreWith(TEST_CA),
    });
    expect(JSON.parse(cli.stdout).verdict, cli.stderr).toBe('pass');
  });

  it("names Squid's refused CONNECT (a port outside its CONNECT rules) as proxy-error, not DNS", async () => {
    const tls = await startTlsServer(LEAVES.proxyOnly);
    servers.push(tls);
    const tlsPort = (tls.server.address() as AddressInfo).port;
    const proxy = await squidFor([443]);
    const run = await runAction(
      { url: `https://${PROXY_ONLY_HOST}:${tlsPort}`, timeout: '3s', comment: 'false' },
      { HTTPS_PROXY: proxy, ...systemStoreWith(TEST_CA) },
    );
    expect(run.outputs).toMatchObject({ verdict: 'inconclusive', cause: 'proxy-error' });
    expect(run.summary).toContain(`refused the CONNECT to ${PROXY_ONLY_HOST}:${tlsPort} (403)`);
  });

  it('goes around Squid for NO_PROXY hosts', async () => {
    const app: TestServer = await startServer({ '/health': text(200, 'ok') }, text(200, 'direct'));
    servers.push(app);
    const proxy = await squidFor([443]);
    const run = await runAction(
      { url: `http://localhost:${app.port}`, comment: 'false' },
      { HTTP_PROXY: `${proxy}/`, NO_PROXY: 'localhost' },
    );
    expect(run.outputs['verdict'], run.stdout).toBe('pass');
    const seen = readFileSync(run.outputs['report']!, 'utf8');
    expect(seen).not.toContain('"proxy"');
  });
});
