import type { Observation } from '../http/observation.js';
import { describeOutcome } from '../outcome.js';
import type { RouteProblem } from '../smoke.js';
import { answeredBy, timingNote } from './attribution.js';
import type { CauseId, Layer } from './causes.js';
import { FINGERPRINTS, SOFT_FAILURES, type Confidence, type Fingerprint } from './fingerprints.js';

/** One failed observation → the most likely cause, with the evidence lines that support it. */

export interface Classification {
  cause: CauseId;
  layer: Layer;
  confidence: Confidence;
  /** What the evidence means, in words (may hold `code` spans and {host}). */
  meaning: string;
  who?: string;
  fingerprint?: Fingerprint;
  evidence: string[];
  /** The answer this was read from (the first, when several routes share the cause). */
  sample: Observation;
}

const STATIC_PATH =
  /^\/(static|assets|_next\/static|build|dist|public)\/|\.(css|js|mjs|map|png|jpe?g|gif|svg|webp|ico|woff2?|ttf)(\?|$)/i;
const LOGIN_PATH = /login|signin|sign-in|sso|oauth|auth/i;
const EXCERPT_CHARS = 160;

export function matchFingerprint(
  observation: Observation,
  rows: readonly Fingerprint[] = FINGERPRINTS,
): { row: Fingerprint; evidence: string[] } | undefined {
  if (observation.status === undefined || observation.error) return undefined;
  const firstByte = observation.timings.firstByteMs ?? observation.timings.totalMs;
  for (const row of rows) {
    if (row.statuses && !row.statuses.includes(observation.status)) continue;
    if (row.emptyBody && observation.body.trim() !== '') continue;
    if (row.slowerThanMs !== undefined && firstByte < row.slowerThanMs) continue;
    if (row.fasterThanMs !== undefined && firstByte >= row.fasterThanMs) continue;
    const evidence: string[] = [];
    if (row.header) {
      const [name, pattern] = row.header;
      const value = observation.headers[name];
      if (value === undefined || !pattern.test(value)) continue;
      evidence.push(`header ${name}: ${value}`);
    }
    if (row.body) {
      const match = row.body.exec(observation.body);
      if (!match) continue;
      evidence.push(`body: ${lineAround(observation.body, match.index, match[0])}`);
    }
    if (row.emptyBody) evidence.push('body: (empty)');
    return { row, evidence };
  }
  return undefined;
}

/** The 2xx answers that are not the app (placeholder and default pages). */
export function softFailure(observation: Observation): Fingerprint | undefined {
  return matchFingerprint(observation, SOFT_FAILURES)?.row;
}

export function classifyFailure(
  observation: Observation,
  problem: RouteProblem | undefined,
  path: string,
  context: { healthAnswered: boolean },
): Classification {
  const request = `${observation.method} ${pathOf(observation.url)} → ${describeOutcome(observation)}`;
  const redirects = observation.redirects.length
    ? [`redirects: ${observation.redirects.map((h) => `${h.status} → ${h.location}`).join(', ')}`]
    : [];
  const who = answeredBy(observation);
  const timing = timingNote(observation);
  const make = (
    cause: CauseId,
    layer: Layer,
    confidence: Confidence,
    meaning: string,
    extra: string[] = [],
  ): Classification => ({
    cause: staticCause(cause, path, observation),
    layer,
    confidence,
    meaning,
    evidence: [request, ...redirects, ...extra, ...(who ? [`answered by: ${who}`] : []), ...(timing ? [timing] : [])],
    sample: observation,
  });

  if (problem?.kind === 'body') {
    return make(
      'wrong-content',
      'app',
      'high',
      `the status was right but the body did not match (${problem.expected})`,
      [`body starts: ${firstLine(observation.body) || '(empty)'}`],
    );
  }
  const error = observation.error;
  if (error) {
    switch (error.kind) {
      case 'dns':
        return make('dns-failure', 'network', 'high', 'the host name does not resolve');
      case 'blocked':
        return make(
          'dns-failure',
          'network',
          'high',
          `the host name resolves to a link-local or cloud-metadata address, which the gate never contacts (${error.message})`,
        );
      case 'tls':
        return make(
          'tls-error',
          'network',
          'high',
          `the TLS certificate was rejected (${error.code})`,
          error.trusted ? [`trusted certificate stores: ${error.trusted}`] : [],
        );
      case 'proxy':
        return make('proxy-error', 'network', 'high', error.message);
      case 'refused':
        return make('connection-refused', 'network', 'high', 'nothing is listening at this address and port');
      case 'timeout':
        return make(
          'timeout',
          error.phase === 'connect' ? 'network' : 'app',
          'high',
          `no answer in time while waiting for ${error.phase}`,
        );
      case 'redirect-loop':
      case 'too-many-redirects':
        return make(
          'redirect-loop',
          'app',
          'high',
          error.kind === 'redirect-loop' ? 'the redirects go round in a loop' : 'the redirects do not end',
        );
      case 'cancelled':
        return make(
          'timeout',
          'app',
          'medium',
          'the route was not checked (or not finished) before the route stage ran out of time: earlier routes were too slow',
        );
      case 'reset':
        // A reset after health answered on the same host means the app died on this request.
        return context.healthAnswered
          ? make(
              'app-error',
              'app',
              'medium',
              'the connection was reset while the request was handled: the process serving it crashed or was killed',
            )
          : make('connection-refused', 'network', 'medium', 'the connection was reset before any answer');
      default:
        return make('app-error', 'app', 'low', `the request failed: ${error.message}`);
    }
  }

  const match = matchFingerprint(observation);
  if (problem?.kind === 'content' && !match) {
    return make('wrong-content', 'app', 'high', problem.expected, [
      `body starts: ${firstLine(observation.body) || '(empty)'}`,
    ]);
  }
  if (match) {
    const { row } = match;
    return {
      ...make(row.cause, row.layer, row.confidence, row.meaning, match.evidence),
      who: row.who,
      fingerprint: row,
    };
  }
  return classifyByStatus(observation, make);
}

type Make = (cause: CauseId, layer: Layer, confidence: Confidence, meaning: string, extra?: string[]) => Classification;

/** No known signature: what the status alone supports, said with less confidence. */
function classifyByStatus(observation: Observation, make: Make): Classification {
  const status = observation.status!;
  const server = observation.headers['server'] ? [`header server: ${observation.headers['server']}`] : [];
  if (status >= 300 && status < 400) {
    const location = observation.headers['location'] ?? '';
    if (isDowngrade(observation, location)) {
      return make(
        'redirect-loop',
        'app',
        'medium',
        'an https request is redirected to plain http: the app believes requests arrive over http (a TLS-terminating proxy without X-Forwarded-Proto), which ends in a loop or a downgrade in browsers',
        [`header location: ${location}`],
      );
    }
    if (LOGIN_PATH.test(location) || isOtherHost(observation, location)) {
      return make('auth-required', 'edge', 'medium', 'the route redirects to a sign-in page or another host', [
        `header location: ${location}`,
      ]);
    }
    return make('wrong-content', 'app', 'medium', `the route answered with a redirect (${status})`, [
      `header location: ${location}`,
    ]);
  }
  if (status === 401 || status === 403) {
    return make('auth-required', 'edge', 'medium', `the route asks for credentials (${status})`, server);
  }
  if (status === 404 || status === 410)
    return make('route-not-found', 'app', 'medium', `the route answered ${status}`, server);
  if (status === 429)
    return make('rate-limited', 'edge', 'high', 'the deployment answered 429 Too Many Requests', server);
  if (status === 502) return make('upstream-unreachable', 'proxy', 'low', 'a proxy answered 502 Bad Gateway', server);
  if (status === 503)
    return make('no-healthy-backend', 'proxy', 'low', 'the route answered 503 Service Unavailable', server);
  if (status === 504)
    return make('upstream-timeout', 'proxy', 'medium', 'a proxy answered 504 Gateway Timeout', server);
  if (status >= 500) return make('app-error', 'app', 'medium', `the route answered ${status}`, server);
  if (status >= 200 && status < 300)
    return make('wrong-content', 'app', 'medium', `the route answered ${status}, not the expected status`);
  return make('app-error', 'app', 'low', `the route answered ${status}`, server);
}

/** A 404 or 500 on a static asset while pages work is its own cause with its own fix. */
function staticCause(cause: CauseId, path: string, observation: Observation): CauseId {
  const status = observation.status ?? 0;
  if (
    (cause === 'route-not-found' || cause === 'app-error') &&
    STATIC_PATH.test(path) &&
    (status === 404 || status >= 500)
  ) {
    return 'static-assets-missing';
  }
  return cause;
}

/** https → http on the same host: not followed (never a downgrade), and a sign of proxy-scheme trouble. */
function isDowngrade(observation: Observation, location: string): boolean {
  try {
    const from = new URL(observation.finalUrl);
    const to = new URL(location, from);
    return from.protocol === 'https:' && to.protocol === 'http:' && from.hostname === to.hostname;
  } catch {
    return false;
  }
}

function isOtherHost(observation: Observation, location: string): boolean {
  try {
    return new URL(location, observation.finalUrl).host !== new URL(observation.finalUrl).host;
  } catch {
    return false;
  }
}

export function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

function lineAround(body: string, index: number, matched: string): string {
  const start = body.lastIndexOf('\n', index) + 1;
  const endAt = body.indexOf('\n', index + matched.length);
  const line = body.slice(start, endAt === -1 ? undefined : endAt).trim();
  return line.length > EXCERPT_CHARS ? `${matched.slice(0, EXCERPT_CHARS)}…` : line;
}

export function firstLine(body: string): string {
  const line =
    body
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? '';
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}
