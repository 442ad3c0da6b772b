import diagnostics from 'node:diagnostics_channel';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { buildConnector } from './undici.js';
import { isBlockedAddress } from './addresses.js';

/**
 * Connect and TLS timings per request. The connector stamps each new socket with when DNS, TCP and TLS
 * finished; undici's public diagnostics channels tell which socket carried which request. The probe marks
 * its request (synchronously, while undici creates it) so the two can be joined.
 */

export interface SocketTimings {
  startedAt: number;
  dnsAt?: number;
  tcpAt?: number;
  readyAt?: number;
  /** Set after the first request used the socket; later requests report a reused connection. */
  used: boolean;
  /** The proxy the socket goes through (its origin, no credentials). */
  proxy?: string;
}

export interface RequestTrace {
  socket?: Socket;
}

const socketTimings = new WeakMap<Socket, SocketTimings>();
const requestTraces = new WeakMap<object, RequestTrace>();
let tracing: RequestTrace | undefined;
let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:request:create', (message) => {
    const { request } = message as { request: object };
    if (tracing) requestTraces.set(request, tracing);
  });
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request: object; socket: Socket };
    const trace = requestTraces.get(request);
    if (trace) trace.socket = socket;
  });
}

/** Runs `start` (which must create the undici request synchronously) with `trace` attached to it. */
export function traced<T>(trace: RequestTrace, start: () => T): T {
  subscribeOnce();
  tracing = trace;
  try {
    return start();
  } finally {
    tracing = undefined;
  }
}

export function timingsOf(socket: Socket | undefined): SocketTimings | undefined {
  return socket ? socketTimings.get(socket) : undefined;
}

/** `host → address` overrides, like curl's --resolve: lets a run use the public Host on a local server. */
export type ResolveOverrides = ReadonlyMap<string, string>;

export interface ConnectorOptions {
  connectTimeoutMs: number;
  resolve?: ResolveOverrides;
  /** The roots the gate trusts (see trust.ts), built into one context when the first TLS connection needs it. */
  secureContext?: () => SecureContext;
  now: () => number;
  /**
   * Connection attempts still in progress (DNS, TCP or TLS), by socket. undici cannot abort an attempt,
   * so the probe stops waiting on its own and the client destroys what is left when it closes.
   */
  pending?: Map<Socket, SocketTimings>;
}

export function timedConnector(options: ConnectorOptions): buildConnector.connector {
  const build = (secureContext?: SecureContext) =>
    buildConnector({
      timeout: options.connectTimeoutMs,
      lookup: lookupWith(options.resolve, options.connectTimeoutMs),
      ...(secureContext ? { secureContext } : {}),
    } as buildConnector.BuildOptions);
  const plain = build();
  // Reading the system store and building a context with a few hundred roots takes ~100-200 ms: only
  // runs that speak TLS pay for it.
  let secure: buildConnector.connector | undefined;
  const tls = () => (secure ??= build(options.secureContext?.()));
  return (connectOptions, callback) => {
    const blocked = blockedLiteral(connectOptions.hostname);
    if (blocked) {
      callback(blocked, null);
      return null as unknown as Socket;
    }
    const base = connectOptions.protocol === 'https:' ? tls() : plain;
    return stampedConnect(base, connectOptions, callback, options.now, undefined, options.pending);
  };
}

/**
 * Runs one connect of `connector` and stamps the socket with its DNS, TCP and ready times. `proxy` marks a
 * connection to a proxy: a failure then is the proxy's (unreachable, its name does not resolve).
 */
export function stampedConnect(
  connector: buildConnector.connector,
  connectOptions: buildConnector.Options,
  callback: buildConnector.Callback,
  now: () => number,
  proxy?: string,
  pending?: Map<Socket, SocketTimings>,
): Socket {
  const timings: SocketTimings = { startedAt: now(), used: false, ...(proxy ? { proxy } : {}) };
  let socket: Socket | undefined;
  let settled = false;
  socket = connector(connectOptions, (error, connected) => {
    settled = true;
    if (socket) pending?.delete(socket);
    if (error) {
      // Say how far the attempt got, for the phase of the classified error.
      Object.assign(error, {
        gateReached: reachedPhase(timings),
        ...(proxy ? { gateProxy: { proxy, stage: 'connect' } } : {}),
      });
      callback(error, null);
      return;
    }
    timings.readyAt = now();
    socketTimings.set(connected as Socket, timings);
    callback(null, connected!);
  }) as unknown as Socket | undefined;
  if (socket && !settled) pending?.set(socket, timings);
  socket?.once('lookup', () => (timings.dnsAt = now()));
  socket?.once('connect', () => (timings.tcpAt = now()));
  return socket as Socket;
}

/** How far a connection attempt got, for the phase of a request that stopped waiting for it. */
export function reachedPhase(timings: SocketTimings | undefined): 'dns' | 'connect' | 'tls' | undefined {
  if (!timings) return undefined;
  return timings.tcpAt !== undefined ? 'tls' : timings.dnsAt !== undefined ? 'connect' : 'dns';
}

/** Timings for a socket made elsewhere (the TLS session inside a proxy tunnel). */
export function setTimings(socket: Socket, timings: SocketTimings): void {
  socketTimings.set(socket, timings);
}

/** An address written into the URL never goes through lookup (ours or a proxy's), so it is checked here. */
export function blockedLiteral(hostname: string): Error | undefined {
  const literal = hostname.replace(/^\[|\]$/g, '');
  if (!isIP(literal)) return undefined;
  // Every request of a run asks about the same few hosts: parse each address once (a fresh error each time).
  let blocked = literalVerdicts.get(literal);
  if (blocked === undefined) {
    if (literalVerdicts.size >= 256) literalVerdicts.clear();
    literalVerdicts.set(literal, (blocked = isBlockedAddress(literal)));
  }
  return blocked ? blockedError(literal, literal) : undefined;
}
const literalVerdicts = new Map<string, boolean>();

function blockedError(hostname: string, address: string): Error {
  return Object.assign(new Error(`${hostname} resolves to ${address}, a link-local or metadata address`), {
    code: 'GATE_BLOCKED_ADDRESS',
  });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** DNS through the OS resolver, with overrides and a deadline (getaddrinfo has none of its own). */
function lookupWith(resolve: ResolveOverrides | undefined, timeoutMs: number) {
  return (hostname: string, lookupOptions: { all?: boolean }, callback: LookupCallback): void => {
    const override = resolve?.get(hostname.toLowerCase());
    if (override && isBlockedAddress(override)) return callback(blockedError(hostname, override), '');
    if (override) {
      const family = override.includes(':') ? 6 : 4;
      if (lookupOptions.all) callback(null, [{ address: override, family }]);
      else callback(null, override, family);
      return;
    }
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      callback(
        Object.assign(new Error(`DNS lookup of ${hostname} took over ${timeoutMs}ms`), { code: 'GATE_DNS_TIMEOUT' }),
        '',
      );
    }, timeoutMs);
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (done) return;
      clearTimeout(timer);
      const allowed = addresses?.filter((a) => !isBlockedAddress(a.address)) ?? [];
      if (error) callback(error, addresses);
      else if (allowed.length === 0) callback(blockedError(hostname, addresses[0]?.address ?? '?'), '');
      else if (lookupOptions.all) callback(null, allowed);
      else callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
