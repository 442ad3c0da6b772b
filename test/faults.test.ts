import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { parseRouteLine } from '../src/config/route-line.js';
import { createHttpClient, type HttpClient } from '../src/http/client.js';
import { silentLogger } from '../src/log.js';
import { runRoutes } from '../src/smoke.js';
import { sleep, startServer, text, type TestServer } from './support/servers.js';
import { LEAVES, TEST_CA, startTlsServer } from './support/tls.js';

/**
 * Network faults (the F and S series of the reliability catalogue) against loopback servers. Each test
 * states its bound and checks it: time from outside the probe, bytes from what the probe kept.
 */

const closers: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function client(options: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  const c = createHttpClient({ requestTimeoutMs: 1000, headers: [], clock: systemClock(), ...options });
  closers.push(() => c.close());
  return c;
}
async function serve(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  closers.push(() => server.close());
  return server;
}
/** A raw TCP server: for answers no HTTP server would send. */
async function raw(onConnection: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    sockets.forEach((s) => s.destroy());
    return new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
const get = (url: string, extra: object = {}) => ({
  method: 'GET',
  url: new URL(url),
  followRedirects: true,
  maxBodyBytes: 1024 * 1024,
  ...extra,
});
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('nothing waits without a limit (bound: request-timeout 1 s + 0.5 s)', () => {
  it('F1: a server that accepts and never answers', async () => {
    const url = await raw(() => undefined);
    const { value, ms } = await timed(() => client().probe(get(url)));
    expect(value.error).toMatchObject({ kind: 'timeout', phase: 'headers' });
    expect(ms).toBeLessThan(1500);
  });

  it('F2: slowloris headers, one byte at a time', async () => {
    const url = await raw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      const timer = setInterval(() => socket.writable && socket.write('X'), 100);
      socket.on('close', () => clearInterval(timer));
    });
    const { value, ms } = await timed(() => client().probe(get(url)));
    expect(value.error?.kind).toBe('timeout');
    expect(ms).toBeLessThan(1500);
  });

  it('F3: a body that trickles forever', async () => {
    const server = await serve({
      '/': async (_req, res) => {
        res.writeHead(200);
        while (!res.destroyed) {
          res.write('.');
          await sleep(50);
        }
      },
    });
    const { value, ms } = await timed(() => client().probe(get(server.url + '/')));
    expect(value.error).toMatchObject({ kind: 'timeout', phase: 'body' });
    expect(ms).toBeLessThan(1500);
  });

  it('F4: Retry-After of an hour on a route waits at most 2 s', async () => {
    let n = 0;
    const server = await serve({ '/': (_req, res) => res.writeHead(n++ ? 200 : 503, { 'retry-after': '3600' }).end() });
    const parsed = parseRouteLine('/');
    const { value, ms } = await timed(() =>
      runRoutes({
        client: client(),
        clock: systemClock(),
        log: silentLogger,
        baseUrl: new URL(server.url),
        routes: [parsed.ok ? parsed.value : (undefined as never)],
        concurrency: 1,
        retries: 2,
      }),
    );
    expect(value[0]).toMatchObject({ passed: true, flaky: true });
    expect(ms).toBeLessThan(2_600);
  });

  it('the route stage ends when its budget does, reporting unfinished routes as not checked', async () => {
    const url = await raw(() => undefined);
    const routes = Array.from({ length: 12 }, (_, i) => {
      const parsed = parseRouteLine(`/r${i}`);
      return parsed.ok ? parsed.value : (undefined as never);
    });
    const { value, ms } = await timed(() =>
      runRoutes({
        client: client({ requestTimeoutMs: 5_000 }),
        clock: systemClock(),
        log: silentLogger,
        baseUrl: new URL(url),
        routes,
        concurrency: 4,
        retries: 2,
        signal: AbortSignal.timeout(300),
      }),
    );
    expect(ms).toBeLessThan(1_000);
    expect(value.every((r) => !r.passed && r.observation.error?.kind === 'cancelled')).toBe(true);
  });
});

describe('bounded memory (bound: the decoded cap)', () => {
  it('F5: a gzip bomb stops at the cap after decompression', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MiB of zeros, ~50 KiB on the wire
    const server = await serve({ '/': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb) });
    const seen = await client().probe(get(server.url + '/', { maxBodyBytes: 64 * 1024 }));
    expect(seen).toMatchObject({ status: 200, bodyBytes: 64 * 1024, bodyTruncated: true });
  });

  it('F6: an endless chunked body stops at the cap', async () => {
    const server = await serve({
      '/': async (_req, res) => {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 97);
        while (!res.destroyed) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      },
    });
    const { value, ms } = await timed(() => client().probe(get(server.url + '/', { maxBodyBytes: 256 * 1024 })));
    expect(value).toMatchObject({ bodyBytes: 256 * 1024, bodyTruncated: true });
    expect(ms).toBeLessThan(1000);
  });

  it('F7: stacked encodings and a body that is not what it claims are protocol errors', async () => {
    const server = await serve({
      '/stacked': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip, gzip, gzip' }).end('x'),
      '/liar': (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip'),
    });
    expect((await client().probe(get(server.url + '/stacked'))).error).toMatchObject({
      kind: 'protocol',
      code: 'GATE_BAD_ENCODING',
    });
    expect((await client().probe(get(server.url + '/liar'))).error?.kind).toBe('protocol');
  });

  it('F8: huge response headers are refused', async () => {
    const url = await raw((socket) => socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(200 * 1024)}\r\n\r\n`));
    expect((await client().probe(get(url))).error?.kind).toBe('protocol');
  });
});

describe('broken HTTP', () => {
  it('F9: a reset in the middle of the body', async () => {
    const url = await raw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial');
      setTimeout(() => socket.resetAndDestroy(), 50);
    });
    const seen = await client().probe(get(url));
    expect(seen.error?.kind).toMatch(/reset|protocol/);
    expect(seen.error?.phase).toBe('body');
  });

  it('F10: a malformed status line and a bad Content-Length', async () => {
    const garbage = await raw((socket) => socket.end('HTTP/1.1 abc\r\n\r\n'));
    expect((await client().probe(get(garbage))).error?.kind).toBe('protocol');
    const badLength = await raw((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n'));
    expect((await client().probe(get(badLength))).error?.kind).toBe('protocol');
  });

  it('F11: a kept-alive socket closed by the server as it is reused is retried once, invisibly', async () => {
    let connections = 0;
    const url = await raw((socket) => {
      const index = ++connections;
      let requests = 0;
      socket.on('data', () => {
        requests++;
        // The first connection answers once, then resets on its second request (a keep-alive race).
        if (index === 1 && requests === 2) return socket.resetAndDestroy();
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      });
    });
    const c = client();
    expect((await c.probe(get(url))).status).toBe(200);
    await sleep(20);
    const second = await c.probe(get(url));
    expect(second.error).toBeUndefined();
    expect(second.status).toBe(200);
    expect(connections).toBe(2);
  });

  it('F12: never follows a redirect to another host (a metadata address), nor an https→http downgrade', async () => {
    const server = await serve({
      '/meta': text(302, '', { location: 'http://169.254.169.254/latest/meta-data/' }),
      '/down': text(301, '', { location: 'http://127.0.0.1:1/' }),
    });
    const meta = await client().probe(get(server.url + '/meta'));
    expect(meta).toMatchObject({ status: 302, finalUrl: server.url + '/meta', redirects: [] });
    const tls = await startTlsServer(LEAVES.good);
    closers.push(() => tls.close());
    tls.server.removeAllListeners('request');
    tls.server.on('request', (_req, res) => res.writeHead(301, { location: 'http://127.0.0.1:1/' }).end());
    const down = await client({ ca: TEST_CA }).probe(get(tls.url + '/'));
    expect(down).toMatchObject({ status: 301, redirects: [] });
  });

  it('F12b: a redirect within the site whose name now resolves to a metadata address is not contacted', async () => {
    // DNS rebinding: the site's name answers with loopback for the first request, then with the cloud
    // metadata address for the redirect's new connection. Only the address check stands in the way.
    const server = await serve({ '/start': text(302, '', { location: '/next' }), '/next': text(200, 'secret') });
    const lookups: string[] = [];
    const rebinding = new (class extends Map<string, string> {
      override get(host: string): string | undefined {
        if (host !== 'app.test') return undefined;
        lookups.push(host);
        return lookups.length === 1 ? '127.0.0.1' : '169.254.169.254';
      }
    })();
    const seen = await client({ resolve: rebinding }).probe(
      get(`http://app.test:${server.port}/start`, { freshConnection: true }),
    );
    expect(lookups).toHaveLength(2);
    expect(seen.redirects).toHaveLength(1);
    expect(seen.error).toMatchObject({ kind: 'blocked', code: 'GATE_BLOCKED_ADDRESS' });
    expect(server.requests.map((r) => r.path)).toEqual(['/start']);
  });

  it('F13: a name that resolves to a link-local or metadata address is never contacted', async () => {
    const seen = await client({ resolve: new Map([['metadata.internal', '169.254.169.254']]) }).probe(
      get('http://metadata.internal/'),
    );
    expect(seen.error).toMatchObject({ kind: 'blocked', code: 'GATE_BLOCKED_ADDRESS' });
    const literal = await client().probe(get('http://169.254.169.254/'));
    expect(literal.error?.kind).toBe('blocked');
  });
});

describe('TLS (verification always on)', () => {
  it('accepts a certificate from a trusted CA and times the handshake', async () => {
    const tls = await startTlsServer(LEAVES.good);
    closers.push(() => tls.close());
    const seen = await client({ ca: TEST_CA }).probe(get(tls.url + '/'));
    expect(seen.status).toBe(200);
    expect(seen.timings.tlsMs).toBeGreaterThan(0);
  });

  it.each([
    ['selfSigned', /SELF_SIGNED/],
    ['expired', /CERT_HAS_EXPIRED/],
    ['wrongName', /ERR_TLS_CERT_ALTNAME_INVALID/],
    ['unknownCa', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/],
  ] as const)('refuses a %s certificate, naming the reason', async (name, code) => {
    const tls = await startTlsServer(LEAVES[name]);
    closers.push(() => tls.close());
    const seen = await client({ ca: TEST_CA }).probe(get(tls.url + '/'));
    expect(seen.error).toMatchObject({ kind: 'tls', phase: 'tls' });
    expect(seen.error!.code).toMatch(code);
  });
});
