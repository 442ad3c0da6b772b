import { afterEach, describe, expect, it } from 'vitest';
import { createServer as createNetServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { systemClock } from '../src/clock.js';
import { sleep, startServer, text, type TestServer } from './support/servers.js';

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof startServer>) {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}
function client(options: Partial<Parameters<typeof createHttpClient>[0]> = {}) {
  const c = createHttpClient({ requestTimeoutMs: 2000, headers: [], clock: systemClock(), ...options });
  clients.push(c);
  return c;
}
const get = (url: string, extra: object = {}) => ({
  method: 'GET',
  url: new URL(url),
  followRedirects: true,
  maxBodyBytes: 65536,
  ...extra,
});

describe('http probe', () => {
  it('records status, headers, body and connect timings of a fresh connection', async () => {
    const server = await serve({ '/': text(200, '<h1>ok</h1>', { 'x-app': 'shop' }) });
    const seen = await client().probe(get(server.url + '/'));
    expect(seen.status).toBe(200);
    expect(seen.headers['x-app']).toBe('shop');
    expect(seen.body).toBe('<h1>ok</h1>');
    expect(seen.remoteAddress).toBe('127.0.0.1');
    expect(seen.timings.reusedConnection).toBe(false);
    expect(seen.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(seen.timings.firstByteMs).toBeGreaterThanOrEqual(0);
    expect(seen.error).toBeUndefined();
  });

  it('reports a kept-alive connection as reused on the second request', async () => {
    const server = await serve({ '/': text(200, 'ok') });
    const c = client();
    await c.probe(get(server.url + '/'));
    await sleep(20); // undici returns the socket to the pool a tick after the body ends
    const second = await c.probe(get(server.url + '/'));
    expect(second.timings.reusedConnection).toBe(true);
    expect(second.timings.connectMs).toBeUndefined();
    expect(server.connections).toBe(1);
  });

  it('opens a new connection per request when asked for a fresh one', async () => {
    const server = await serve({ '/': text(200, 'ok') });
    const c = client();
    await c.probe(get(server.url + '/', { freshConnection: true }));
    await c.probe(get(server.url + '/', { freshConnection: true }));
    expect(server.connections).toBe(2);
  });

  it('classifies a refused connection', async () => {
    const port = await freePort();
    const seen = await client().probe(get(`http://127.0.0.1:${port}/`));
    expect(seen.error).toMatchObject({ kind: 'refused', phase: 'connect', code: 'ECONNREFUSED' });
    expect(seen.status).toBeUndefined();
  });

  it('classifies a name that does not resolve as DNS', async () => {
    const seen = await client().probe(get('http://no-such-host.invalid/'));
    expect(seen.error?.kind).toBe('dns');
  });

  it('uses resolve overrides so the public Host reaches a local server', async () => {
    const server = await serve({ '/': (req, res) => res.end(String(req.headers.host)) });
    const seen = await client({ resolve: new Map([['shop.example.com', '127.0.0.1']]) }).probe(
      get(`http://shop.example.com:${server.port}/`),
    );
    expect(seen.body).toBe(`shop.example.com:${server.port}`);
  });

  it('ends a request that gets no headers within request-timeout, naming the phase', async () => {
    const server = await serve({ '/': () => undefined });
    const started = Date.now();
    const seen = await client({ requestTimeoutMs: 300 }).probe(get(server.url + '/'));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(seen.error).toMatchObject({ kind: 'timeout', phase: 'headers' });
  });

  it('ends a body that trickles past request-timeout, naming the body phase', async () => {
    const server = await serve({
      '/': async (_req, res) => {
        res.writeHead(200);
        for (let i = 0; i < 50 && !res.destroyed; i++) {
          res.write('x');
          await sleep(50);
        }
        res.end();
      },
    });
    const seen = await client({ requestTimeoutMs: 400 }).probe(get(server.url + '/'));
    expect(seen.error).toMatchObject({ kind: 'timeout', phase: 'body' });
  });

  it('classifies a reset before any answer', async () => {
    const raw = createNetServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const port = (raw.address() as { port: number }).port;
    try {
      const seen = await client().probe(get(`http://127.0.0.1:${port}/`));
      expect(seen.error?.kind).toBe('reset');
    } finally {
      raw.close();
    }
  });

  it('caps the decoded body and stops reading', async () => {
    const big = 'a'.repeat(1_000_000);
    const server = await serve({
      '/gz': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(big)),
    });
    const seen = await client().probe(get(server.url + '/gz', { maxBodyBytes: 1000 }));
    expect(seen.bodyBytes).toBe(1000);
    expect(seen.bodyTruncated).toBe(true);
    expect(seen.body).toBe('a'.repeat(1000));
  });

  it('follows same-origin redirects and records the hops', async () => {
    const server = await serve({
      '/a': text(301, '', { location: '/b' }),
      '/b': text(302, '', { location: '/c/' }),
      '/c/': text(200, 'done'),
    });
    const seen = await client().probe(get(server.url + '/a'));
    expect(seen.status).toBe(200);
    expect(seen.redirects.map((h) => h.status)).toEqual([301, 302]);
    expect(seen.finalUrl).toBe(server.url + '/c/');
  });

  it('detects a redirect loop', async () => {
    const server = await serve({ '/x': text(301, '', { location: '/x/' }), '/x/': text(301, '', { location: '/x' }) });
    const seen = await client().probe(get(server.url + '/x'));
    expect(seen.error?.kind).toBe('redirect-loop');
    expect(seen.status).toBe(301);
  });

  it('stops after five redirects', async () => {
    let n = 0;
    const server = await serve({}, (_req, res) => res.writeHead(302, { location: `/hop${++n}` }).end());
    const seen = await client().probe(get(server.url + '/start'));
    expect(seen.error?.kind).toBe('too-many-redirects');
    expect(server.requests).toHaveLength(6);
  });

  it('does not follow a redirect to another origin, and never sends the configured headers there', async () => {
    const other = await serve({ '/': (req, res) => res.end(JSON.stringify(req.headers)) });
    const server = await serve({ '/': text(302, '', { location: other.url + '/' }) });
    const seen = await client({ headers: [['x-bypass', 's3cret']], trustedOrigin: server.url }).probe(
      get(server.url + '/'),
    );
    expect(seen.status).toBe(302);
    expect(other.requests).toHaveLength(0);
    expect(server.requests[0]!.headers['x-bypass']).toBe('s3cret');
  });

  it('does not send configured headers to an untrusted origin at all', async () => {
    const server = await serve({ '/': text(200, 'ok') });
    await client({ headers: [['x-bypass', 's3cret']], trustedOrigin: 'https://elsewhere.example' }).probe(
      get(server.url + '/'),
    );
    expect(server.requests[0]!.headers['x-bypass']).toBeUndefined();
  });

  it('does not follow redirects when told not to', async () => {
    const server = await serve({ '/admin/': text(302, '', { location: '/login/' }) });
    const seen = await client().probe(get(server.url + '/admin/', { followRedirects: false }));
    expect(seen.status).toBe(302);
    expect(seen.headers.location).toBe('/login/');
  });
});

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
