import type { FailureKind, Phase } from '../../http/observation.js';
import type { CauseId, Layer } from './causes.js';
import type { Confidence } from './fingerprint.js';

/**
 * Requests that got no HTTP answer: the transport error's kind (and phase) → cause. The first matching
 * row wins. `{code}`, `{phase}` and `{message}` in a meaning are filled in from the error.
 */

export interface TransportRow {
  /** The error kinds this row reads; none means any kind (the last, catch-all row). */
  kinds?: readonly FailureKind[];
  phase?: Phase;
  /** Only when the health endpoint answered on the same host (true) or never did (false). */
  healthAnswered?: boolean;
  cause: CauseId;
  layer: Layer;
  confidence: Confidence;
  meaning: string;
}

export const TRANSPORT: readonly TransportRow[] = [
  {
    kinds: ['dns'],
    cause: 'dns-failure',
    layer: 'network',
    confidence: 'high',
    meaning: 'the host name does not resolve',
  },
  {
    kinds: ['blocked'],
    cause: 'dns-failure',
    layer: 'network',
    confidence: 'high',
    meaning:
      'the host name resolves to a link-local or cloud-metadata address, which the gate never contacts ({message})',
  },
  {
    kinds: ['proxy'],
    cause: 'proxy-error',
    layer: 'network',
    confidence: 'high',
    meaning: '{message}',
  },
  {
    kinds: ['tls'],
    cause: 'tls-error',
    layer: 'network',
    confidence: 'high',
    meaning: 'the TLS certificate was rejected ({code})',
  },
  {
    kinds: ['refused'],
    cause: 'connection-refused',
    layer: 'network',
    confidence: 'high',
    meaning: 'nothing is listening at this address and port',
  },
  {
    kinds: ['timeout'],
    phase: 'connect',
    cause: 'timeout',
    layer: 'network',
    confidence: 'high',
    meaning: 'no answer in time while waiting for {phase}',
  },
  {
    kinds: ['timeout'],
    cause: 'timeout',
    layer: 'app',
    confidence: 'high',
    meaning: 'no answer in time while waiting for {phase}',
  },
  {
    kinds: ['redirect-loop'],
    cause: 'redirect-loop',
    layer: 'app',
    confidence: 'high',
    meaning: 'the redirects go round in a loop',
  },
  {
    kinds: ['too-many-redirects'],
    cause: 'redirect-loop',
    layer: 'app',
    confidence: 'high',
    meaning: 'the redirects do not end',
  },
  {
    kinds: ['cancelled'],
    cause: 'timeout',
    layer: 'app',
    confidence: 'medium',
    meaning:
      'the route was not checked (or not finished) before the route stage ran out of time: earlier routes were too slow',
  },
  // A reset after health answered on the same host means the app died on this request.
  {
    kinds: ['reset'],
    healthAnswered: true,
    cause: 'app-error',
    layer: 'app',
    confidence: 'medium',
    meaning: 'the connection was reset while the request was handled: the process serving it crashed or was killed',
  },
  {
    kinds: ['reset'],
    cause: 'connection-refused',
    layer: 'network',
    confidence: 'medium',
    meaning: 'the connection was reset before any answer',
  },
  { cause: 'app-error', layer: 'app', confidence: 'low', meaning: 'the request failed: {message}' },
];
