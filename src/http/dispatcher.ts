import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent, Pool, type buildConnector } from './undici.js';
import { blockedLiteral, setTimings, stampedConnect, timingsOf } from './connections.js';
import { hasProxy, proxyLabel, type ProxySettings } from './proxy.js';

/**
 * The dispatcher every probe goes through. Without a proxy: one Agent with the timed connector. With
 * HTTP(S)_PROXY: undici's EnvHttpProxyAgent, which owns the NO_PROXY rules (names, suffixes, ports, `*`);
 * we only hook the places where connections are made, to keep the per-phase timings and to mark a failure
 * as the proxy's when it happened before the tunnel to the deployment stood:
 *
 * - `clientFactory`: the client that talks to the proxy (CONNECT for https targets);
 * - `factory` with the proxy's origin: plain forwarding of http targets through the proxy;
 * - `factory` with a target origin: the pool inside the tunnel, whose connect runs CONNECT then TLS.
 */

export interface DispatcherOptions {
  /** The direct, timed connector (NO_PROXY targets and runs without a proxy). */
  connect: buildConnector.connector;
  /** Pool settings (timeouts, connections per origin). */
  pool: Agent.Options;
  proxy?: ProxySettings;
  /** Hosts given with --resolve: you said where they are, so they never go through a proxy. */
  directHosts: readonly string[];
  secureContext: () => SecureContext;
  connectTimeoutMs: number;
  now: () => number;
}

interface TunnelStep {
  now: () => number;
  /** The socket to the proxy once it answered 200 to CONNECT, and when. */
  tunnel?: Socket;
  tunnelAt?: number;
}

const tunnelSteps = new AsyncLocalStorage<TunnelStep>();
let subscribed = false;

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  // Published by undici right after the proxy accepted CONNECT, in the async context of that connect.
  diagnostics.subscribe('undici:proxy:connected', (message) => {
    const step = tunnelSteps.getStore();
    if (!step) return;
    step.tunnel = (message as { socket: Socket }).socket;
    step.tunnelAt = step.now();
  });
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { proxy, now } = options;
  if (!hasProxy(proxy)) return new Agent({ ...options.pool, connect: options.connect });
  subscribeOnce();
  const forwardProxies = new Map<string, string>();
  for (const url of [proxy.httpProxy, proxy.httpsProxy])
    if (url) forwardProxies.set(new URL(url).origin, proxyLabel(url));
  // https targets go through HTTPS_PROXY, or HTTP_PROXY when that is unset (undici's rule).
  const tunnelProxy = proxyLabel((proxy.httpsProxy ?? proxy.httpProxy)!);
  // undici reads these when the proxy agents are built: with a proxy, the roots are loaded up front.
  const tls = { secureContext: options.secureContext() };
  return new EnvHttpProxyAgent({
    ...options.pool,
    connect: options.connect,
    connectTimeout: options.connectTimeoutMs,
    httpProxy: proxy.httpProxy,
    httpsProxy: proxy.httpsProxy,
    noProxy: [proxy.noProxy, ...options.directHosts].filter(Boolean).join(','),
    proxyTls: tls,
    requestTls: tls,
    clientFactory: (origin: URL, opts: { connect: buildConnector.connector }) =>
      new Pool(origin, { ...opts, connect: toProxy(opts.connect, proxyLabel(origin), now) }),
    factory: (origin: string | URL, opts: Pool.Options & { connect?: unknown }) => {
      const connect = opts.connect as buildConnector.connector;
      if (connect === options.connect) return new Pool(origin, opts);
      const forward = forwardProxies.get(new URL(origin).origin);
      if (forward) return new Pool(origin, { ...options.pool, ...opts, connect: toProxy(connect, forward, now) });
      return new Pool(origin, { ...opts, connect: throughTunnel(connect, tunnelProxy, now) });
    },
  } as EnvHttpProxyAgent.Options);
}

/** A connection to the proxy itself. */
function toProxy(connect: buildConnector.connector, proxy: string, now: () => number): buildConnector.connector {
  return (connectOptions, callback) => stampedConnect(connect, connectOptions, callback, now, proxy);
}

/** CONNECT through the proxy, then TLS with the deployment; timings joined from both steps. */
function throughTunnel(connect: buildConnector.connector, proxy: string, now: () => number): buildConnector.connector {
  return ((connectOptions: buildConnector.Options, callback: buildConnector.Callback) => {
    const blocked = blockedLiteral(connectOptions.hostname);
    if (blocked) return callback(blocked, null);
    const startedAt = now();
    const step: TunnelStep = { now };
    tunnelSteps.run(step, () =>
      connect(connectOptions, (error, socket) => {
        const first = timingsOf(step.tunnel);
        if (error) {
          // Before the tunnel stood, the proxy failed (unreachable, refused CONNECT, wants credentials);
          // after it, the deployment's TLS did.
          Object.assign(error, step.tunnel ? { gateReached: 'tls' } : { gateProxy: { proxy, stage: 'tunnel' } });
          return callback(error, null);
        }
        setTimings(socket as Socket, {
          startedAt: first?.startedAt ?? startedAt,
          dnsAt: first?.dnsAt,
          // "connect" through a proxy: TCP to the proxy and its 200 to CONNECT.
          tcpAt: step.tunnelAt,
          readyAt: now(),
          used: false,
          proxy,
        });
        callback(null, socket!);
      }),
    );
    return undefined as unknown as Socket;
  }) as buildConnector.connector;
}
