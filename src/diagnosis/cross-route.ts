import type { Observation } from '../http/observation.js';
import type { Classification } from './classify.js';

/**
 * What the routes say together. One answer read alone can point at the wrong layer: a proxy's 502 reads
 * as "cannot reach the app" even when the same proxy relays other routes from the same app, and a Host
 * rejection on one route is no Host rejection when other routes on that Host pass.
 */

export interface PassedAnswer {
  label: string;
  observation: Observation;
}

/** Proxy answers that say "no answer from the app"; only an immediate one can be a closed connection. */
const CLOSED_ROWS = new Set(['nginx-502', 'haproxy-invalid-response', 'apache-proxy-error-read', 'envoy-reset']);
const AT_ONCE_MS = 1_000;
const NAMED = 3;

/**
 * A proxy's immediate 502 while other routes pass through the same proxy: it reaches the app,
 * and the app closed the connection on this route without answering (a panic, a crashed worker).
 */
export function closedByApp(c: Classification, passed: readonly PassedAnswer[], healthLabel: string): Classification {
  const sample = c.sample;
  if (sample.status !== 502 || c.layer !== 'proxy') return c;
  const fromRow = c.fingerprint !== undefined && CLOSED_ROWS.has(c.fingerprint.id);
  if (!fromRow && !(c.fingerprint === undefined && c.cause === 'upstream-unreachable')) return c;
  const firstByte = sample.timings.firstByteMs ?? sample.timings.totalMs;
  if (firstByte >= AT_ONCE_MS) return c;
  // Health alone proves nothing here: the proxy may answer it itself (`location /health { return 200; }`).
  const through = sameProxy(
    sample,
    passed.filter((p) => p.label !== healthLabel),
  );
  if (through.length === 0) return c;
  const who = c.who ?? 'the proxy';
  const names = through.slice(0, NAMED).map((p) => `${p.label} (${p.observation.status})`);
  const more = through.length > NAMED ? ` and ${through.length - NAMED} more` : '';
  return {
    ...c,
    cause: 'app-error',
    layer: 'app',
    confidence: 'medium',
    meaning: `${who} answered 502 at once while other answers pass through it: it reaches the app, which closed the connection on this route without answering (a crash or panic in the handler, a worker that died)`,
    evidence: [
      ...c.evidence,
      `passes through the same proxy: ${names.join(', ')}${more}${sample.headers['server'] ? ` (all with server: ${sample.headers['server']})` : ''}`,
    ],
    alternative:
      'upstream-unreachable: if this path is routed to another upstream than the passing ones (its own `location` or backend), that upstream may be down or not listening; the proxy\'s error log tells ("upstream prematurely closed connection" is the app, "connect() failed" is the address).',
  };
}

/** The passing answers on the same origin that came through the same proxy (its Server header, when it sends one). */
function sameProxy(sample: Observation, passed: readonly PassedAnswer[]): PassedAnswer[] {
  const origin = new URL(sample.url).origin;
  const server = sample.headers['server'];
  return passed.filter(
    (p) =>
      p.observation.status !== undefined &&
      new URL(p.observation.finalUrl || p.observation.url).origin === origin &&
      (server === undefined || p.observation.headers['server'] === server),
  );
}

/** Signatures that say "the Host was refused" (not CSRF, which is about one request's Origin). */
const HOST_ROWS = new Set([
  'django-disallowed-host',
  'starlette-invalid-host',
  'rails-blocked-host',
  'rails-blocked-host-empty-403',
  'vite-blocked-host',
  'webpack-invalid-host',
]);

/**
 * A Host rejection fails every route on that Host: passes on the same Host argue against it, so the
 * confidence falls and the other reading is named.
 */
export function acrossRoutes(
  c: Classification,
  routes: readonly string[],
  passed: readonly PassedAnswer[],
  healthLabel: string,
): Classification {
  if (c.cause !== 'host-rejected' || !c.fingerprint || !HOST_ROWS.has(c.fingerprint.id)) return c;
  const host = new URL(c.sample.url).host;
  // Health is left out: a probe path that skips the Host check is the usual setup, not evidence against it.
  const onHost = passed.filter(
    (p) =>
      p.label !== healthLabel &&
      !routes.includes(p.label) &&
      p.observation.status !== undefined &&
      new URL(p.observation.url).host === host,
  );
  if (onHost.length === 0) return c;
  const names = onHost.slice(0, NAMED).map((p) => p.label);
  const more = onHost.length > NAMED ? ` and ${onHost.length - NAMED} more` : '';
  const who = c.who ?? 'the app';
  return {
    ...c,
    confidence: 'low',
    meaning: `${c.meaning}; but ${onHost.length} other ${onHost.length === 1 ? 'route on the same Host passes' : 'routes on the same Host pass'}, which a Host check would have refused too`,
    evidence: [
      ...c.evidence,
      `against it: ${names.join(', ')}${more} pass on the same Host (${host}); a Host rejection fails every route on its Host`,
    ],
    alternative: `app-error: ${who} answered this route's request itself with the same page (a view rejecting the request: a bad parameter, a suspicious header, a request too large); its log names the exception.`,
    fixPrefix: `If the app's log names a rejected Host for these requests: `,
  };
}
