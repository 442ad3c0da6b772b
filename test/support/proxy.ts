import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect as netConnect, isIP, type AddressInfo, type Socket } from 'node:net';

/**
 * A loopback HTTP proxy for tests, like a small Squid: plain forwarding for http:// targets and CONNECT
 * tunnels for https://. It resolves names from its own table only, so a deploy named there is reachable
 * through the proxy and nowhere else. It can demand credentials (407) or refuse every CONNECT.
 */

export interface TestProxy {
  url: string;
  port: number;
  /** What the proxy was asked: `GET http://host/path` (forwarded) or `CONNECT host:port`. */
  seen: Array<{ line: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Names only this proxy resolves: name → address. */
  hosts?: Record<string, string>;
  /** `user:password` the client must send in Proxy-Authorization. */
  credentials?: string;
  /** Answer every CONNECT with this status instead of opening the tunnel. */
  refuseConnect?: number;
}

export async function startProxy(options: ProxyOptions = {}): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const state: TestProxy = {
    url: '',
    port: 0,
    seen: [],
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const address = (host: string): string | undefined =>
    options.hosts?.[host.toLowerCase()] ??
    (isIP(host.replace(/^\[|\]$/g, '')) ? host.replace(/^\[|\]$/g, '') : undefined);
  const authorized = (headers: IncomingHttpHeaders): boolean =>
    !options.credentials ||
    headers['proxy-authorization'] === `Basic ${Buffer.from(options.credentials).toString('base64')}`;

  const server: Server = createServer((req, res) => {
    state.seen.push({ line: `${req.method} ${req.url}`, headers: req.headers });
    if (!authorized(req.headers)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url ?? '/');
    const ip = address(target.hostname);
    if (!ip) {
      // What Squid answers when it cannot resolve the name.
      res.writeHead(503, { 'x-squid-error': 'ERR_DNS_FAIL 0', 'content-type': 'text/html' }).end('<h1>ERROR</h1>');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: ip, port: target.port || 80, method: req.method, path: target.pathname + target.search, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(503, { 'x-squid-error': 'ERR_CONNECT_FAIL 111' }).end('<h1>ERROR</h1>');
    });
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    state.seen.push({ line: `CONNECT ${req.url}`, headers: req.headers });
    const refuse = (status: number, reason: string, extra = '') =>
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\n\r\n`);
    if (!authorized(req.headers)) return refuse(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic\r\n');
    if (options.refuseConnect) return refuse(options.refuseConnect, 'Forbidden');
    const [host, port] = splitHostPort(req.url ?? '');
    const ip = address(host);
    if (!ip) return refuse(503, 'Service Unavailable');
    const upstream = netConnect(Number(port), ip, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => refuse(503, 'Service Unavailable'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  return state;
}

function splitHostPort(authority: string): [string, string] {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority);
  return match ? [match[1]!, match[2]!] : [authority, '443'];
}
