import type { FailureKind, Phase, TransportError } from './observation.js';

/**
 * Turns whatever a request threw into a TransportError. Matches on `code` (and `cause.code`), never on
 * `instanceof`: several copies of undici can live in one bundle, and OS errors are plain Errors.
 */

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL', 'EAI_NONAME', 'GATE_DNS_TIMEOUT']);
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
  if (DNS_CODES.has(code)) return make('dns', 'dns');
  if (code === 'ECONNREFUSED') return make('refused', 'connect');
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT')
    return make('timeout', context.phase === 'tls' ? 'tls' : 'connect');
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return make('timeout', 'headers');
  if (code === 'UND_ERR_BODY_TIMEOUT') return make('timeout', 'body');
  if (TLS_CODE.test(code)) return make('tls', 'tls');
  if (RESET_CODES.has(code)) return make('reset');
  if (PROTOCOL_CODES.has(code) || code.startsWith('HPE_') || DECODE_CODE.test(code)) return make('protocol');
  if (code === 'GATE_BODY_TOO_LARGE') return make('body-too-large', 'body');
  return make('other');
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
