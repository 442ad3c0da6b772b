import type { Observation } from './observation.js';
import { formatDuration } from '../config/duration.js';

/** Short human words for what a request saw, e.g. "503 in 12ms", "connection refused". */

const KIND_WORDS: Record<string, string> = {
  dns: 'DNS lookup failed',
  refused: 'connection refused',
  reset: 'connection reset',
  tls: 'TLS handshake failed',
  timeout: 'timed out',
  'redirect-loop': 'redirect loop',
  'too-many-redirects': 'too many redirects',
  protocol: 'malformed HTTP response',
  'body-too-large': 'body too large',
  cancelled: 'cancelled',
  other: 'request failed',
};

export function describeObservation(observation: Observation): string {
  const error = observation.error;
  if (error) {
    const phase = error.kind === 'timeout' ? ` waiting for ${error.phase}` : '';
    return `${KIND_WORDS[error.kind] ?? error.kind}${phase} (${error.code})`;
  }
  return `${observation.status} in ${formatDuration(observation.timings.totalMs)}`;
}
