import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { proxyFromEnv, type ProxySettings } from '../src/http/proxy.js';
import { startProxy, type TestProxy } from './support/proxy.js';
import { sleep, startServer, text, type TestServer } from './support/servers.js';
import { LEAVES, PROXY_ONLY_HOST, startTlsServer, TEST_CA } from './support/tls.js';

/** Requests to the deployment through HTTP(S)_PROXY, with NO_PROXY, against a loopback proxy. */

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});
const keep = <T extends { close(): Promise<void> }>(thing: T): T => (open.push(thing), thing);

function client(proxy: ProxySettings | undefined, extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) {
  return keep<HttpClient>(
    createHttpClient({ requestTimeoutMs: 3000, headers: [], clock: systemClock(), ca: TEST_CA, proxy, ...extra }),
  );
}
const get = (url: string) => ({ method: 'GET', url: new URL(url), followRedirects: true, maxBodyBytes: 65536 });
const through = (proxy: TestProxy, noProxy = ''): ProxySettings => ({
  httpProxy: proxy.url,
  httpsProxy: proxy.url,
  noProxy,
});

async function proxyOnlyHttp(): Promise<{ server: TestServer; url: string; proxy: TestProxy }> {
  const server = keep(await startServer({ '/health': text(200, 'ok') }, text(200, 'shop')));
  const proxy = keep(await startProxy({ hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' } }));
  return { server, url: `http://${PROXY_ONLY_HOST}:${server.port}`, proxy };
}

async function proxyOnlyHttps() {
  const tls = keep(await startTlsServer(LEAVES.proxyOnly));
  const port = (tls.server.address() as AddressInfo).port;
  const proxy = keep(await startProxy({ hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' } }));
  return { url: `https://${PROXY_ONLY_HOST}:${port}`, port, proxy };
}

describe('through an HTTP proxy', () => {
  it('forwards http:// requests to a deploy only the proxy can reach, and says which proxy', async () => {
    const { url, proxy, server } = await proxyOnlyHttp();
    const seen = await client(through(proxy)).probe(get(`${url}/health`));
    expect(seen.error).toBeUndefined();
    expect(seen.status).toBe(200);
    expect(seen.proxy).toBe(proxy.url);
    expect(seen.remoteAddress).toBeUndefined();
    expect(proxy.seen.map((s) => s.line)).toEqual([`GET ${url}/health`]);
    expect(server.requests[0]!.headers['host']).toBe(`${PROXY_ONLY_HOST}:${server.port}`);
    expect(seen.timings.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('tunnels https:// with CONNECT, checks the deploy certificate and keeps connect/TLS timings', async () => {
    const { url, port, proxy } = await proxyOnlyHttps();
    const probe = client(through(proxy));
    const first = await probe.probe(get(`${url}/health`));
    expect(first.error).toBeUndefined();
    expect(first.status).toBe(200);
    expect(first.proxy).toBe(proxy.url);
    expect(proxy.seen.map((s) => s.line)).toEqual([`CONNECT ${PROXY_ONLY_HOST}:${port}`]);
    expect(first.timings.reusedConnection).toBe(false);
    expect(first.timings.connectMs).toBeGreaterThan(0);
    expect(first.timings.tlsMs).toBeGreaterThan(0);
    await sleep(50); // let the connection go back to the pool, as between two polls
    const second = await probe.probe(get(`${url}/`));
    expect(second.timings.reusedConnection).toBe(true);
    expect(proxy.seen).toHaveLength(1);
  });

  it('sends configured headers to the deployment only: never to the proxy in CONNECT, never after a redirect away', async () => {
    const { url, proxy } = await proxyOnlyHttps();
    const probe = client(through(proxy), { headers: [['x-bypass', 'secret-1234']], trustedOrigin: url });
    const seen = await probe.probe(get(`${url}/`));
    expect(seen.status).toBe(200);
    expect(proxy.seen[0]!.headers['x-bypass']).toBeUndefined();
    const other = keep(await startServer({}, text(200, 'elsewhere')));
    const redirecting = keep(await startServer({ '/': text(302, '', { location: `${other.url}/x` }) }));
    const hop = await client(through(proxy), {
      headers: [['x-bypass', 'secret-1234']],
      trustedOrigin: redirecting.url,
    }).probe(get(`${redirecting.url}/`));
    // Another origin is not followed, so the secret never leaves for it.
    expect(hop.status).toBe(302);
    expect(other.requests).toHaveLength(0);
    expect(redirecting.requests[0]!.headers['x-bypass']).toBe('secret-1234');
  });

  it('refuses a blocked address written into the URL even though the proxy would resolve it', async () => {
    const proxy = keep(await startProxy());
    const seen = await client(through(proxy)).probe(get('http://169.254.169.254/latest/meta-data/'));
    expect(seen.error?.kind).toBe('blocked');
    expect(proxy.seen).toHaveLength(0);
  });

  it.each([
    ['a domain', PROXY_ONLY_HOST],
    ['a suffix', '.proxy-only.test'],
    ['a *. suffix', '*.proxy-only.test'],
    ['the port', `${PROXY_ONLY_HOST}:PORT`],
    ['*', '*'],
  ])('NO_PROXY with %s connects directly', async (_what, entry) => {
    const server = keep(await startServer({}, text(200, 'direct')));
    const proxy = keep(await startProxy({ hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' } }));
    const noProxy = `example.org, ${entry.replace('PORT', String(server.port))}`;
    // --resolve makes the name reachable directly; NO_PROXY decides the route.
    const probe = client(
      { httpProxy: proxy.url, noProxy },
      { resolve: new Map() }, // no overrides: the direct path has to resolve the name itself
    );
    const seen = await probe.probe(get(`http://127.0.0.1:${server.port}/`));
    const named = await probe.probe(get(`http://${PROXY_ONLY_HOST}:${server.port}/`));
    if (entry === '*') {
      expect(seen.status).toBe(200);
      expect(proxy.seen).toHaveLength(0);
    } else {
      // 127.0.0.1 is not in NO_PROXY: it goes through the proxy.
      expect(seen.status).toBe(200);
      expect(proxy.seen.map((s) => s.line)).toEqual([`GET http://127.0.0.1:${server.port}/`]);
    }
    // The proxy-only name bypasses the proxy, so the runner's own DNS gets it and fails.
    expect(named.error?.kind).toBe('dns');
    expect(named.proxy).toBeUndefined();
  });

  it('NO_PROXY with another port still uses the proxy', async () => {
    const { url, proxy, server } = await proxyOnlyHttp();
    const seen = await client({ ...through(proxy), noProxy: `${PROXY_ONLY_HOST}:${server.port + 1}` }).probe(
      get(`${url}/`),
    );
    expect(seen.status).toBe(200);
    expect(proxy.seen).toHaveLength(1);
  });

  it('hosts given with --resolve never go through the proxy', async () => {
    const server = keep(await startServer({}, text(200, 'direct')));
    const proxy = keep(await startProxy());
    const seen = await client(through(proxy), { resolve: new Map([['shop.example.com', '127.0.0.1']]) }).probe(
      get(`http://shop.example.com:${server.port}/`),
    );
    expect(seen.status).toBe(200);
    expect(proxy.seen).toHaveLength(0);
  });
});

describe("the proxy's own failures", () => {
  it('a proxy that wants credentials (407), forwarding and CONNECT', async () => {
    const proxy = keep(await startProxy({ credentials: 'gate:s3cret', hosts: { [PROXY_ONLY_HOST]: '127.0.0.1' } }));
    const server = keep(await startServer({}, text(200, 'shop')));
    const tls = keep(await startTlsServer(LEAVES.proxyOnly));
    const tlsPort = (tls.server.address() as AddressInfo).port;
    const probe = client(through(proxy));
    for (const url of [`http://${PROXY_ONLY_HOST}:${server.port}/`, `https://${PROXY_ONLY_HOST}:${tlsPort}/`]) {
      const seen = await probe.probe(get(url));
      expect(seen.error, url).toMatchObject({ kind: 'proxy', code: 'PROXY_407', proxy: proxy.url });
      expect(seen.error!.message).toContain('wants credentials');
    }
    const withCredentials = `http://gate:s3cret@127.0.0.1:${proxy.port}`;
    const ok = await client({ httpProxy: withCredentials, httpsProxy: withCredentials, noProxy: '' }).probe(
      get(`https://${PROXY_ONLY_HOST}:${tlsPort}/`),
    );
    expect(ok.status).toBe(200);
    // The credentials never show: the proxy is named by its origin.
    expect(JSON.stringify(ok)).not.toContain('s3cret');
    expect(ok.proxy).toBe(proxy.url);
  });

  it('a proxy that refuses the CONNECT is named, not DNS or the deployment', async () => {
    const proxy = keep(await startProxy({ refuseConnect: 403 }));
    const seen = await client(through(proxy)).probe(get('https://shop.example.com/'));
    expect(seen.error).toMatchObject({ kind: 'proxy', code: 'PROXY_CONNECT_403', phase: 'connect' });
    expect(seen.error!.message).toBe(`the proxy ${proxy.url} refused the CONNECT to shop.example.com:443 (403)`);
  });

  it('a proxy that cannot resolve the deployment answers for it: CONNECT 503, or Squid-style page when forwarding', async () => {
    const proxy = keep(await startProxy());
    const tunnel = await client(through(proxy)).probe(get('https://nowhere.proxy-only.test/'));
    expect(tunnel.error).toMatchObject({ kind: 'proxy', code: 'PROXY_CONNECT_503' });
    const forwarded = await client(through(proxy)).probe(get('http://nowhere.proxy-only.test/'));
    expect(forwarded.error).toMatchObject({ kind: 'proxy', code: 'PROXY_ANSWER_503' });
    expect(forwarded.error!.message).toContain('ERR_DNS_FAIL');
  });

  it('an unreachable proxy is the proxy, for http and https targets', async () => {
    const gone = keep(await startServer({}));
    const url = gone.url;
    await gone.close();
    open.pop();
    const probe = client({ httpProxy: url, httpsProxy: url, noProxy: '' });
    for (const target of ['http://shop.example.com/', 'https://shop.example.com/']) {
      const seen = await probe.probe(get(target));
      expect(seen.error, target).toMatchObject({ kind: 'proxy', code: 'ECONNREFUSED', proxy: url });
      expect(seen.error!.message).toContain('is unreachable');
    }
  });

  it("the deployment's own TLS error through the tunnel stays a TLS error and names the trusted stores", async () => {
    const tls = keep(await startTlsServer(LEAVES.selfSigned));
    const proxy = keep(await startProxy());
    const seen = await client(through(proxy)).probe(get(tls.url + '/'));
    expect(seen.error?.kind).toBe('tls');
    expect(seen.error?.trusted).toMatch(/^Node's bundled roots \(\d+\), the system store \(\d+\)/);
  });
});

describe('proxy settings from the environment', () => {
  it('reads lower case before upper case, takes host:port as http, and names a bad variable', () => {
    const { settings, problems } = proxyFromEnv({
      https_proxy: 'proxy.corp:3128',
      HTTPS_PROXY: 'http://ignored:1',
      HTTP_PROXY: 'http://user:pa%40ss@proxy.corp:8080',
      NO_PROXY: 'localhost,.corp',
    });
    expect(settings).toEqual({
      httpProxy: 'http://user:pa%40ss@proxy.corp:8080/',
      httpsProxy: 'http://proxy.corp:3128/',
      noProxy: 'localhost,.corp',
    });
    expect(problems).toEqual([]);
    const bad = proxyFromEnv({ HTTPS_PROXY: 'socks5://proxy:1080', no_proxy: '*' });
    expect(bad.problems).toEqual([{ input: 'HTTPS_PROXY', message: expect.stringContaining('is not a proxy URL') }]);
    expect(bad.settings.noProxy).toBe('*');
    expect(proxyFromEnv({ HTTP_PROXY: '' }).settings.httpProxy).toBeUndefined();
  });
});
