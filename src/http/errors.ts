import type { FailureKind, Phase, TransportError } from './observation.js';

/**
 * Turns whatever a request threw into a TransportError. Matches on `code` (and `cause.code`), never on
 * `instanceof`: several copies of undici can live in one bundle, and OS errors are plain Errors.
 */

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL', 'EAI_NONAME', 'GATE_DNS_TIMEOUT']);
/** A connection to the proxy that never stood. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_PRX_CONN',
  'UND_ERR_PRX_TLS',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const PROTOCOL_CODES = new Set([
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_INFO',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'GATE_BAD_ENCODING',
]);
/** zlib, brotli and zstd decoders: a body that claims an encoding it does not have. */
const DECODE_CODE = /^(Z_|ERR_BROTLI|ERR_ZSTD|ERR__ERROR_FORMAT)/;
const TLS_CODE = /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|EPROTO$|HOSTNAME_MISMATCH)/;

export interface ErrorContext {
  /** The phase the request had reached when it failed. */
  phase: Phase;
  /** True when our own deadline (request-timeout) ended the request. */
  deadlineHit: boolean;
  /** True when the caller cancelled (the run is stopping). */
  cancelled: boolean;
  requestTimeoutMs: number;
  /** The proxy the request's socket went through, if any. */
  proxy?: string;
  /** The URL asked for when it failed (named in proxy errors). */
  target?: URL;
  /** The certificate stores trusted, named in TLS errors (a function: reading them costs time). */
  trustedStores?: () => string;
}

export function classifyError(error: unknown, context: ErrorContext): TransportError {
  const code = findCode(error);
  const message = describe(error);
  const make = (kind: FailureKind, phase: Phase = context.phase): TransportError => ({ kind, phase, code, message });

  if (context.cancelled) return make('cancelled');
  if (context.deadlineHit) {
    return {
      kind: 'timeout',
      phase: context.phase,
      code: 'GATE_REQUEST_TIMEOUT',
      message: `no complete answer within ${context.requestTimeoutMs}ms`,
    };
  }
  if (code === 'GATE_BLOCKED_ADDRESS') return make('blocked', 'dns');
  const proxyFailure = proxyFailureOf(error, code, context);
  if (proxyFailure) return proxyFailure;
  if (DNS_CODES.has(code)) return make('dns', 'dns');
  if (code === 'ECONNREFUSED') return make('refused', 'connect');
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT')
    return make('timeout', context.phase === 'tls' ? 'tls' : 'connect');
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return make('timeout', 'headers');
  if (code === 'UND_ERR_BODY_TIMEOUT') return make('timeout', 'body');
  if (TLS_CODE.test(code)) {
    return { ...make('tls', 'tls'), ...(context.trustedStores ? { trusted: context.trustedStores() } : {}) };
  }
  if (RESET_CODES.has(code)) return make('reset');
  if (PROTOCOL_CODES.has(code) || code.startsWith('HPE_') || DECODE_CODE.test(code)) return make('protocol');
  if (code === 'GATE_BODY_TOO_LARGE') return make('body-too-large', 'body');
  return make('other');
}

interface ProxyTag {
  proxy: string;
  /** `connect`: the connection to the proxy failed; `tunnel`: the proxy did not open the tunnel. */
  stage: 'connect' | 'tunnel';
}

/** The proxy's own failures, told apart from the deployment's: the connector tags them (dispatcher.ts). */
function proxyFailureOf(error: unknown, code: string, context: ErrorContext): TransportError | undefined {
  const tag = findTag(error);
  const proxy = tag?.proxy ?? context.proxy;
  if (!proxy) return undefined;
  const text = chainText(error);
  const target = context.target
    ? `${context.target.hostname}:${context.target.port || defaultPort(context.target)}`
    : 'the deployment';
  const status = /Proxy response \((\d{3})\)|Proxy Authentication Required \((\d{3})\)/.exec(text);
  const statusCode = Number(status?.[1] ?? status?.[2] ?? 0);
  const make = (phase: Phase, errorCode: string, message: string): TransportError => ({
    kind: 'proxy',
    phase,
    code: errorCode,
    message,
    proxy,
  });
  if (statusCode === 407) {
    return make('connect', 'PROXY_407', `the proxy ${proxy} wants credentials (407 Proxy Authentication Required)`);
  }
  if (statusCode) {
    return make(
      'connect',
      `PROXY_CONNECT_${statusCode}`,
      `the proxy ${proxy} refused the CONNECT to ${target} (${statusCode})`,
    );
  }
  if (!tag) return undefined;
  if (tag.stage === 'connect' || UNREACHABLE_CODES.has(code) || DNS_CODES.has(code)) {
    const why = DNS_CODES.has(code)
      ? 'its name does not resolve'
      : code === 'ECONNREFUSED'
        ? 'nothing listens there'
        : describe(error);
    return make('connect', code, `the proxy ${proxy} is unreachable: ${why} (${code})`);
  }
  return make('connect', code, `the proxy ${proxy} did not open a tunnel to ${target}: ${describe(error)}`);
}

/**
 * A forwarding proxy's own error page (http targets): Squid's `X-Squid-Error` or the standard
 * `Proxy-Status` header with an error (RFC 9209). Without one of those the answer is the deployment's.
 */
export function proxyAnswer(
  proxy: string,
  target: URL,
  status: number,
  headers: Record<string, string>,
): TransportError | undefined {
  // (A 407 never gets here: undici turns it into an error, read by proxyFailureOf.)
  const squid = headers['x-squid-error'];
  const proxyStatus = headers['proxy-status'];
  const said = squid ?? (proxyStatus && ownProxyStatus(proxy, proxyStatus) ? proxyStatus : undefined);
  if (!said) return undefined;
  return {
    kind: 'proxy',
    phase: 'headers',
    code: `PROXY_ANSWER_${status}`,
    message: `the proxy ${proxy} answered ${status} itself for ${target.host} (${said.slice(0, 80)})`,
    proxy,
  };
}

/**
 * Whether a `Proxy-Status` error is the runner's proxy's own. The header is a list with one member per
 * intermediary, the one nearest the client last (RFC 9209 §2), and a deployment's own edge (a CDN, an
 * ingress) sends it too, through the runner's proxy unchanged. So only a last member that carries an
 * error and names the configured proxy (its host, or host:port) is the runner's proxy failing.
 */
function ownProxyStatus(proxy: string, header: string): boolean {
  const last =
    header
      .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
      .at(-1)
      ?.trim() ?? '';
  if (!/;\s*error=/i.test(last)) return false;
  const name = /^"((?:[^"\\]|\\.)*)"|^([^;\s]+)/.exec(last);
  const said = (name?.[1] ?? name?.[2] ?? '').toLowerCase();
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return said === host || said === url.host.toLowerCase() || said === `${host}:${url.port || defaultPort(url)}`;
}

function defaultPort(url: URL): string {
  return url.protocol === 'https:' ? '443' : '80';
}

function findTag(error: unknown): ProxyTag | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const tag = (current as { gateProxy?: ProxyTag }).gateProxy;
    if (tag) return tag;
    current = (current as { cause?: unknown }).cause ?? (current as { errors?: unknown[] }).errors?.[0];
  }
  return undefined;
}

function chainText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (current instanceof Error) parts.push(current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(' | ');
}

function findCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED') return code;
    // undici's parser errors do not always carry an llhttp code; the name is enough.
    if ((current as { name?: unknown }).name === 'HTTPParserError') return 'HPE_INVALID';
    // AggregateError (happy eyeballs) carries the real errors in `errors`.
    const inner = (current as { errors?: unknown[] }).errors?.[0];
    current = (current as { cause?: unknown }).cause ?? inner;
  }
  return 'UNKNOWN';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause =
      error.cause instanceof Error && error.cause.message !== error.message ? `: ${error.cause.message}` : '';
    return `${error.message || error.name}${cause}`;
  }
  return String(error);
}

export function gateError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
