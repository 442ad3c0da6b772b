import { hostAllowed } from '../config/reporting.js';
import type { Dispatcher } from 'undici';
import { request } from './undici.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../clock.js';
import { decodeText, readCappedBody, type BodyStop } from './body.js';
import type { Socket } from 'node:net';
import {
  blockedLiteral,
  reachedPhase,
  timedConnector,
  timingsOf,
  traced,
  type RequestTrace,
  type ResolveOverrides,
  type SocketTimings,
} from './connections.js';
import { createDispatcher } from './dispatcher.js';
import { classifyError, proxyAnswer } from './errors.js';
import type { ProxySettings } from './proxy.js';
import { trustWith, type TrustStore } from './trust.js';
import { emptyObservation, type Observation, type Phase, type RedirectHop, type Timings } from './observation.js';

/** Every request of a run goes through here and comes back as an Observation; it never throws. */

export const MAX_REDIRECTS = 5;
/** Longest silence between two chunks of a body. */
export const BODY_IDLE_MS = 5_000;
export const USER_AGENT = 'post-deploy-gate/0.1 (+https://github.com/post-deploy-gate/post-deploy-gate)';

export interface HttpClientOptions {
  requestTimeoutMs: number;
  /** Configured headers (secrets). Sent only to `trustedOrigin`, never after a redirect elsewhere. */
  headers: ReadonlyArray<readonly [string, string]>;
  trustedOrigin?: string;
  clock: Clock;
  resolve?: ResolveOverrides;
  /** CA certificates trusted on top of the machine's (Node's roots, the system store, NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** HTTP(S)_PROXY and NO_PROXY as the edge read them; none means direct connections. */
  proxy?: ProxySettings;
  /** Largest number of connections per origin (the smoke stage's concurrency). */
  connectionsPerOrigin?: number;
  /** Other hosts redirects may be followed to (`allow-redirect-hosts`); the headers never go there. */
  redirectHosts?: readonly string[];
}

export interface ProbeRequest {
  method: string;
  url: URL;
  /** Per-route headers; the same origin rule applies. */
  headers?: ReadonlyArray<readonly [string, string]>;
  /**
   * Headers that are no secret, sent to any origin, that a configured header of the same name replaces
   * (readiness: `Cache-Control: no-cache`, so a cache does not answer for the app).
   */
  defaultHeaders?: ReadonlyArray<readonly [string, string]>;
  followRedirects: boolean;
  maxBodyBytes: number;
  /**
   * How much of the final answer's body is worth reading, decided from its headers: fewer bytes than
   * `maxBodyBytes`, and where to stop within them. Past that the read ends (`bodyTruncated`).
   */
  bodyWanted?: (headers: Readonly<Record<string, string>>) => { bytes: number; stop?: BodyStop };
  /** Close the connection after this request (readiness: never stay pinned to one backend). */
  freshConnection?: boolean;
  /** The run's cancellation. */
  signal?: AbortSignal;
  /** A shorter limit than request-timeout (the stage's deadline is nearer). */
  timeoutMs?: number;
  /** Set on the one transparent retry after a kept-alive socket turned out to be closed. */
  staleRetry?: boolean;
  /**
   * Hand back the body's bytes (`bytes`) instead of decoding it as text: a gzip sitemap is binary. The
   * bytes stay in the caller's hands; they never reach a report.
   */
  keepBytes?: boolean;
}

export interface HttpClient {
  probe(request: ProbeRequest): Promise<Observation>;
  close(): Promise<void>;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const trust = trustWith(options.ca);
  const connectTimeoutMs = Math.min(options.requestTimeoutMs, 10_000);
  const pending = new Map<Socket, SocketTimings>();
  const connect = timedConnector({
    connectTimeoutMs,
    resolve: options.resolve,
    secureContext: trust.secureContext,
    now: options.clock.now,
    pending,
  });
  const dispatcher = createDispatcher({
    connect,
    pool: {
      allowH2: false,
      connections: options.connectionsPerOrigin ?? null,
      keepAliveTimeout: 4_000,
      headersTimeout: options.requestTimeoutMs,
      // The body may not stall for long even when the request as a whole still has time.
      bodyTimeout: Math.min(options.requestTimeoutMs, BODY_IDLE_MS),
    },
    proxy: options.proxy,
    directHosts: [...(options.resolve?.keys() ?? [])],
    secureContext: trust.secureContext,
    connectTimeoutMs,
    now: options.clock.now,
  });
  let closing: Promise<void> | undefined;
  return {
    probe: (probeRequest) => probe(dispatcher, trust, options, probeRequest, pending),
    close: () => {
      // A handshake that never progresses would otherwise keep the process alive until its own timeout.
      // With an error: undici's connector hears only 'error', and would wait for a plain close forever.
      const stopped = Object.assign(new Error('the client closed'), { code: 'GATE_ABORTED' });
      pending.forEach((_, socket) => socket.destroy(stopped));
      return (closing ??= dispatcher.close());
    },
  };
}

async function probe(
  agent: Dispatcher,
  trust: TrustStore,
  options: HttpClientOptions,
  req: ProbeRequest,
  pending: ReadonlyMap<Socket, SocketTimings>,
): Promise<Observation> {
  const { clock } = options;
  const startMs = clock.now();
  const limitMs = Math.max(1, Math.ceil(Math.min(options.requestTimeoutMs, req.timeoutMs ?? Number.POSITIVE_INFINITY)));
  // One controller per request, with a plain timer: AbortSignal.any() here would leave a registration on the
  // long-lived run/stage signal for every request until the stage ends (measurable with 1,000 routes).
  const controller = new AbortController();
  const signal = controller.signal;
  let deadlineHit = false;
  // The request in flight hears a stop here directly, not through one more listener on `signal`.
  let interrupt: (() => void) | undefined;
  const stop = () => {
    controller.abort();
    interrupt?.();
  };
  const timer = setTimeout(() => {
    deadlineHit = true;
    stop();
  }, limitMs);
  const onCancel = stop;
  if (req.signal?.aborted) controller.abort();
  else req.signal?.addEventListener('abort', onCancel, { once: true });
  const redirects: RedirectHop[] = [];
  const visited = new Set<string>([req.url.href]);
  let method = req.method;
  let current = req.url;
  let phase: Phase = 'dns';
  const trace: RequestTrace = {};
  let failedProxy: string | undefined;
  const viaProxy = () => timingsOf(trace.socket)?.proxy ?? failedProxy;
  const base = (): Observation => ({
    ...emptyObservation(req.method, req.url.href, startMs),
    finalUrl: current.href,
    redirects,
    timings: timingsFor(trace, current.protocol === 'https:', startMs, undefined, clock.now()),
    // Through a proxy the peer is the proxy: say so rather than pass its address off as the deployment's.
    ...(viaProxy() ? { proxy: viaProxy() } : { remoteAddress: trace.socket?.remoteAddress }),
  });

  try {
    for (;;) {
      trace.socket = undefined;
      phase = 'dns';
      const blocked = blockedLiteral(current.hostname);
      if (blocked) throw blocked;
      const response = await untilAborted(
        traced(trace, () =>
          request(current, {
            method: method as 'GET',
            headers: headersFor(current, options, req),
            dispatcher: agent,
            signal,
            reset: req.freshConnection ?? false,
          }),
        ),
        signal,
        (onStop) => (interrupt = onStop),
      );
      const firstByteMs = clock.now();
      phase = 'body';
      const headers = flattenHeaders(response.headers);
      // A forwarding proxy answers for the deployment when it cannot reach it: that is the proxy's failure.
      const proxyError =
        viaProxy() && current.protocol === 'http:'
          ? proxyAnswer(viaProxy()!, current, response.statusCode, headers)
          : undefined;
      if (proxyError) {
        await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        return { ...base(), error: proxyError };
      }
      const location = headers['location'];
      const next =
        location && req.followRedirects && isRedirect(response.statusCode) ? safeResolve(location, current) : undefined;
      if (next && (sameSite(req.url, next) || allowedElsewhere(current, next, options.redirectHosts))) {
        await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
        if (visited.has(next.href) || redirects.length >= MAX_REDIRECTS) {
          redirects.push({ url: current.href, status: response.statusCode, location: next.href });
          const loop = visited.has(next.href);
          return {
            ...base(),
            status: response.statusCode,
            headers,
            error: {
              kind: loop ? 'redirect-loop' : 'too-many-redirects',
              phase: 'headers',
              code: loop ? 'GATE_REDIRECT_LOOP' : 'GATE_TOO_MANY_REDIRECTS',
              message: loop
                ? `redirect loop: ${current.href} → ${next.href} was already visited`
                : `more than ${MAX_REDIRECTS} redirects`,
            },
          };
        }
        redirects.push({ url: current.href, status: response.statusCode, location: next.href });
        visited.add(next.href);
        if (
          response.statusCode === 303 ||
          ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')
        ) {
          method = 'GET';
        }
        current = next;
        continue;
      }
      const wanted = req.bodyWanted?.(headers);
      const limit = Math.min(req.maxBodyBytes, wanted?.bytes ?? req.maxBodyBytes);
      const body = await readCappedBody(response.body, headers['content-encoding'], limit, wanted?.stop);
      const text = req.keepBytes ? '' : decodeText(body.bytes);
      return {
        ...base(),
        ...(req.keepBytes ? { bytes: body.bytes } : {}),
        status: response.statusCode,
        statusText: response.statusText || undefined,
        headers,
        body: text,
        bodyBytes: body.bytes.length,
        bodyTruncated: body.truncated,
        timings: timingsFor(trace, current.protocol === 'https:', startMs, firstByteMs, clock.now()),
      };
    }
  } catch (error) {
    if (isStaleSocket(error, trace, phase, method, req)) {
      // The server closed a kept-alive connection just as we reused it: not the deploy's fault. Once more.
      const left = limitMs - (clock.now() - startMs);
      if (left > 0) return probe(agent, trust, options, { ...req, staleRetry: true, timeoutMs: left }, pending);
    }
    const reached =
      (error as { gateReached?: Phase }).gateReached ??
      (phase === 'dns' && !trace.socket ? reachedPhase([...pending.values()].at(-1)) : undefined);
    if (phase === 'dns') phase = reached ?? (trace.socket ? 'headers' : 'connect');
    const transport = classifyError(error, {
      phase,
      deadlineHit,
      cancelled: !!req.signal?.aborted,
      requestTimeoutMs: limitMs,
      proxy: timingsOf(trace.socket)?.proxy,
      target: current,
      trustedStores: trust.stores,
    });
    failedProxy = transport.proxy;
    return { ...base(), error: transport };
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onCancel);
  }
}

/**
 * The request, or a rejection as soon as `signal` aborts. undici waits for a connection attempt in
 * progress (a TLS handshake that never moves holds it up to the connect timeout) before it looks at the
 * signal; the run's deadline and cancellation do not wait. A response that still arrives is discarded.
 */
function untilAborted<T extends { body: { on(e: 'error', f: () => void): unknown; destroy(): unknown } }>(
  work: Promise<T>,
  signal: AbortSignal,
  listen: (onStop: (() => void) | undefined) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('the request was stopped'), { code: 'GATE_ABORTED' }));
    if (signal.aborted) onAbort();
    else listen(onAbort);
    work.then(
      (response) => {
        listen(undefined);
        if (signal.aborted) {
          response.body.on('error', () => undefined);
          response.body.destroy();
        }
        resolve(response);
      },
      (error: unknown) => {
        listen(undefined);
        reject(error);
      },
    );
  });
}

const STALE_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

function isStaleSocket(error: unknown, trace: RequestTrace, phase: Phase, method: string, req: ProbeRequest): boolean {
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code ?? '';
  return (
    !req.staleRetry &&
    phase !== 'body' &&
    IDEMPOTENT.has(method) &&
    STALE_CODES.has(code) &&
    timingsOf(trace.socket)?.used === true
  );
}

/** The trusted origin as a URL, parsed once per client options rather than once per request. */
const trustedUrls = new WeakMap<HttpClientOptions, URL | undefined>();

function headersFor(url: URL, options: HttpClientOptions, req: ProbeRequest): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*', 'accept-encoding': 'gzip, br' };
  for (const [name, value] of req.defaultHeaders ?? []) headers[name.toLowerCase()] = value;
  if (!options.trustedOrigin) return headers;
  let trusted = trustedUrls.get(options);
  if (!trusted) trustedUrls.set(options, (trusted = new URL(options.trustedOrigin)));
  if (url.origin === options.trustedOrigin || sameSite(trusted, url)) {
    for (const [name, value] of [...options.headers, ...(req.headers ?? [])]) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/**
 * Same origin, or the same host upgraded from http to https on default ports (the usual first hop of a
 * site that forces TLS). Never a downgrade, never another host.
 */
export function sameSite(from: URL, to: URL): boolean {
  if (from.origin === to.origin) return true;
  return (
    from.protocol === 'http:' && to.protocol === 'https:' && from.hostname === to.hostname && !from.port && !to.port
  );
}

/** A hop to a host the user allowed: never a downgrade from https (the address rules still apply there). */
function allowedElsewhere(from: URL, to: URL, hosts: readonly string[] | undefined): boolean {
  if (!hosts?.length || (from.protocol === 'https:' && to.protocol !== 'https:')) return false;
  return hostAllowed(to.hostname.replace(/^\[|\]$/g, ''), hosts);
}

function safeResolve(location: string, base: URL): URL | undefined {
  try {
    const url = new URL(location, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function flattenHeaders(raw: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function timingsFor(
  trace: RequestTrace,
  tls: boolean,
  startMs: number,
  firstByteAt: number | undefined,
  endAt: number,
): Timings {
  const socket = timingsOf(trace.socket);
  const fresh = socket !== undefined && !socket.used;
  if (socket && firstByteAt !== undefined) socket.used = true;
  const timings: Timings = {
    startMs: Math.round(startMs),
    totalMs: Math.round(endAt - startMs),
    reusedConnection: socket !== undefined && !fresh,
  };
  if (firstByteAt !== undefined) timings.firstByteMs = Math.round(firstByteAt - startMs);
  if (fresh && socket) {
    const tcpAt = socket.tcpAt ?? socket.readyAt;
    if (socket.dnsAt !== undefined) timings.dnsMs = round1(socket.dnsAt - socket.startedAt);
    if (tcpAt !== undefined) timings.connectMs = round1(tcpAt - (socket.dnsAt ?? socket.startedAt));
    if (tls && socket.readyAt !== undefined && tcpAt !== undefined) {
      timings.tlsMs = round1(socket.readyAt - tcpAt);
    }
  }
  return timings;
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}
