import type { Observation } from '../http/observation.js';
import { describeObservation } from '../http/describe.js';
import type { RouteProblem } from '../smoke.js';
import { answeredBy, timingNote } from './attribution.js';
import {
  FINGERPRINTS,
  TRANSPORT,
  type CauseId,
  type Confidence,
  type Fingerprint,
  type Layer,
} from './catalogue/index.js';
import { firstLine, matchFingerprint } from './catalogue/match.js';
import { isSignInTarget } from './sign-in.js';

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
  /** Another cause that fits, when the routes' answers together argue against this one. */
  alternative?: string;
  /** Said before the fix when the cause is in doubt ("If the app's log says …: "). */
  fixPrefix?: string;
}

const STATIC_PATH =
  /^\/(static|assets|_next\/static|build|dist|public)\/|\.(css|js|mjs|map|png|jpe?g|gif|svg|webp|ico|woff2?|ttf)(\?|$)/i;

export function classifyFailure(
  observation: Observation,
  problem: RouteProblem | undefined,
  path: string,
  context: { healthAnswered: boolean },
): Classification {
  const request = `${observation.method} ${pathOf(observation.url)} → ${describeObservation(observation)}`;
  const redirects = observation.redirects.length
    ? [`redirects: ${observation.redirects.map((h) => `${h.status} → ${h.location}`).join(', ')}`]
    : [];
  const who = answeredBy(observation);
  const make = (
    cause: CauseId,
    layer: Layer,
    confidence: Confidence,
    meaning: string,
    extra: string[] = [],
    fingerprint?: Fingerprint,
  ): Classification => {
    const decided = staticCause(cause, path, observation);
    const timing = timingNote(observation, { cause: decided, layer, fingerprint });
    return {
      cause: decided,
      layer,
      confidence,
      // A page's "not found" is about a route; on a static file it means nothing serves the file.
      meaning: decided === cause ? meaning : `nothing serves this static file (${meaning})`,
      evidence: [
        request,
        ...redirects,
        ...extra,
        ...(who ? [`answered by: ${who}`] : []),
        ...(observation.proxy ? [`through the proxy ${observation.proxy}`] : []),
        ...(timing ? [timing] : []),
      ],
      sample: observation,
    };
  };

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
    const row = TRANSPORT.find(
      (r) =>
        (!r.kinds || r.kinds.includes(error.kind)) &&
        (r.phase === undefined || r.phase === error.phase) &&
        (r.healthAnswered === undefined || r.healthAnswered === context.healthAnswered),
    )!;
    const meaning = row.meaning
      .replaceAll('{code}', error.code)
      .replaceAll('{phase}', error.phase)
      .replaceAll('{message}', error.message);
    // A TLS error says which certificate stores were trusted: "the CA is not in the system store" is the usual fix.
    const trusted = error.trusted ? [`trusted certificate stores: ${error.trusted}`] : [];
    return make(row.cause, row.layer, row.confidence, meaning, trusted);
  }

  // Rows that read the route's path (the SPA shell on an API route) speak only for answers whose status passed.
  const match = matchFingerprint(observation, FINGERPRINTS, problem?.kind === 'content' ? { routePath: path } : {});
  if (problem?.kind === 'content' && !match) {
    return make('wrong-content', 'app', 'high', problem.expected, [
      `body starts: ${firstLine(observation.body) || '(empty)'}`,
    ]);
  }
  if (match) {
    const { row } = match;
    return {
      ...make(row.cause, row.layer, row.confidence, row.meaning, match.evidence, row),
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
    const target = targetOf(observation, location);
    if (target && isSignInTarget(target)) {
      return make('auth-required', 'edge', 'medium', `the route redirects to a sign-in page (${target.host})`, [
        `header location: ${location}`,
      ]);
    }
    if (target && target.host !== new URL(observation.finalUrl).host) {
      return make(
        'cross-host-redirect',
        'edge',
        'high',
        `the route redirects to another host, ${target.host} (not a sign-in page); the gate follows redirects to other hosts only when \`allow-redirect-hosts\` lists them`,
        [`header location: ${location}`],
      );
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

function targetOf(observation: Observation, location: string): URL | undefined {
  try {
    return location ? new URL(location, observation.finalUrl) : undefined;
  } catch {
    return undefined;
  }
}

export function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}
