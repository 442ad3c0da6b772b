import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server for tests: handlers by path, with a log of every request it saw. */

export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface TestServer {
  url: string;
  port: number;
  requests: Array<{ method: string; path: string; headers: IncomingMessage['headers'] }>;
  /** Requests in flight at once, at most. */
  peakConcurrency: number;
  connections: number;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Handler>, fallback?: Handler): Promise<TestServer> {
  let inFlight = 0;
  const state: TestServer = {
    url: '',
    port: 0,
    requests: [],
    peakConcurrency: 0,
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer(async (req, res) => {
    inFlight++;
    state.peakConcurrency = Math.max(state.peakConcurrency, inFlight);
    res.on('close', () => inFlight--);
    const path = (req.url ?? '/').split('?')[0]!;
    state.requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const handler = routes[path] ?? fallback;
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    await handler(req, res);
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  return state;
}

export const text =
  (status: number, body: string, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
  };

/** Answers with each status of `script` in turn, then keeps answering with the last. */
export function sequence(...handlers: Handler[]): Handler {
  let index = 0;
  return (req, res) => handlers[Math.min(index++, handlers.length - 1)]!(req, res);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
