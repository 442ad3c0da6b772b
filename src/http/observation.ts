/** What one request saw, whoever made it. Diagnosis reads only these. */

export type FailureKind =
  | 'dns'
  | 'refused'
  | 'reset'
  | 'tls'
  | 'timeout'
  | 'redirect-loop'
  | 'too-many-redirects'
  | 'protocol'
  | 'body-too-large'
  | 'cancelled'
  /** The name resolved to a link-local or cloud-metadata address, which the gate never contacts. */
  | 'blocked'
  /** The HTTP proxy from HTTP(S)_PROXY failed: unreachable, refused the CONNECT, wanted credentials, or said it could not reach the deployment. */
  | 'proxy'
  | 'other';

export type Phase = 'dns' | 'connect' | 'tls' | 'headers' | 'body';

export interface TransportError {
  kind: FailureKind;
  /** The phase the request was in when it failed. */
  phase: Phase;
  /** The low-level code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, CERT_HAS_EXPIRED, …). */
  code: string;
  message: string;
  /** The proxy involved (origin only), when the request went through one. */
  proxy?: string;
  /** On TLS errors: the certificate stores that were trusted, with their sizes. */
  trusted?: string;
}

export interface RedirectHop {
  url: string;
  status: number;
  location: string;
}

export interface Timings {
  /** When the request started, in ms since the gate started. */
  startMs: number;
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
  totalMs: number;
  /** True when a kept-alive connection carried the request (no connect/TLS timings then). */
  reusedConnection: boolean;
}

export interface Observation {
  method: string;
  /** The URL first asked for. */
  url: string;
  /** The URL of the final answer (after followed redirects). */
  finalUrl: string;
  status?: number;
  statusText?: string;
  /** Final response headers, names lower-cased, repeated values joined with ", ". */
  headers: Record<string, string>;
  /** Decoded body excerpt (UTF-8, capped). */
  body: string;
  /** The body's bytes, only when the request asked for them (`keepBytes`): never kept in a report. */
  bytes?: Buffer;
  /** Decoded bytes read; reading stops at the cap. */
  bodyBytes: number;
  bodyTruncated: boolean;
  redirects: RedirectHop[];
  timings: Timings;
  remoteAddress?: string;
  /** The proxy the request went through (origin only, never credentials). */
  proxy?: string;
  error?: TransportError;
}

/** An observation with no answer yet: the start every request (or skipped request) builds on. */
export function emptyObservation(method: string, url: string, startMs: number): Observation {
  return {
    method,
    url,
    finalUrl: url,
    headers: {},
    body: '',
    bodyBytes: 0,
    bodyTruncated: false,
    redirects: [],
    timings: { startMs: Math.round(startMs), totalMs: 0, reusedConnection: false },
  };
}
