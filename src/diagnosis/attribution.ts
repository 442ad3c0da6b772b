import type { Observation } from '../http/observation.js';
import { formatDuration } from '../config/duration.js';
import type { CauseId, Fingerprint, Layer } from './catalogue/index.js';

/**
 * Which layer answered, read from the answer itself: platform and proxy headers, app headers, and when a
 * 5xx came (at once: a routing decision; at a known default: that layer's timeout fired).
 * Sources: shared/reference/fingerprints.md §1 (attribution headers) and §6 (timing).
 */

interface Marker {
  who: string;
  test: (headers: Record<string, string>) => boolean;
}

const has = (name: string, pattern?: RegExp) => (h: Record<string, string>) =>
  h[name] !== undefined && (!pattern || pattern.test(h[name]!));

const MARKERS: readonly Marker[] = [
  { who: 'Cloudflare (its own error page: cf-error-type)', test: has('cf-error-type') },
  { who: 'Cloudflare (cf-ray)', test: has('cf-ray') },
  { who: 'Vercel edge (x-vercel-id)', test: has('x-vercel-id') },
  { who: 'Netlify edge (x-nf-request-id)', test: has('x-nf-request-id') },
  { who: 'Fly.io proxy (fly-request-id)', test: has('fly-request-id') },
  { who: 'Railway edge (x-railway-edge)', test: (h) => has('x-railway-edge')(h) || has('server', /railway/i)(h) },
  { who: 'Render edge (rndr-id)', test: (h) => has('rndr-id')(h) || has('x-render-routing')(h) },
  { who: 'Heroku router (via)', test: has('via', /vegur|heroku-router/i) },
  { who: 'CloudFront (x-amz-cf-id)', test: has('x-amz-cf-id') },
  { who: 'AWS load balancer (server: awselb)', test: has('server', /awselb/i) },
  { who: 'Google Front End', test: (h) => has('server', /Google Frontend/i)(h) || has('via', /1\.1 google/i)(h) },
  { who: 'Sevalla edge (x-sevalla-status)', test: has('x-sevalla-status') },
  {
    who: 'DigitalOcean App Platform (x-do-app-origin)',
    test: (h) => has('x-do-app-origin')(h) || has('x-do-orig-status')(h),
  },
  {
    who: 'Envoy itself (no x-envoy-upstream-service-time: no upstream answered)',
    test: (h) => has('server', /envoy/i)(h) && !has('x-envoy-upstream-service-time')(h),
  },
  { who: 'the app, relayed by Envoy (x-envoy-upstream-service-time)', test: has('x-envoy-upstream-service-time') },
  { who: 'Caddy (server: Caddy)', test: has('server', /caddy/i) },
  { who: 'nginx (server header)', test: has('server', /nginx/i) },
  { who: 'Werkzeug: the Flask development server is serving traffic', test: has('server', /Werkzeug/i) },
  { who: 'gunicorn (server header)', test: has('server', /gunicorn/i) },
  { who: 'uvicorn (server header)', test: has('server', /uvicorn/i) },
  { who: 'Express (x-powered-by)', test: has('x-powered-by', /express/i) },
  { who: 'Next.js (x-powered-by)', test: has('x-powered-by', /next\.js/i) },
];

/** "answered by: …" from the response's own headers, or undefined when nothing says. */
export function answeredBy(observation: Observation): string | undefined {
  if (observation.status === undefined) return undefined;
  const found = MARKERS.filter((m) => m.test(observation.headers)).map((m) => m.who);
  return found.length ? found.slice(0, 3).join('; ') : undefined;
}

/** Defaults that make a 5xx land at a fixed time (seconds), and whose limit that is. */
const TIMEOUT_DEFAULTS: ReadonlyArray<readonly [number, string]> = [
  [5, 'ingress-nginx proxy-connect-timeout (5 s)'],
  [10, "the AWS load balancer's connect limit or Netlify's function limit (10 s)"],
  [15, "Envoy's default route timeout (15 s)"],
  [30, "gunicorn's default --timeout, or Heroku's router (30 s)"],
  [60, 'nginx proxy_read_timeout or the AWS load balancer idle timeout (60 s)'],
  [100, "Cloudflare's proxy read timeout (100–120 s)"],
  [120, "Cloudflare's proxy read timeout (100–120 s)"],
];

/** What the diagnosis already decided, so the timing note never argues with it. */
export interface Decided {
  cause: CauseId;
  layer: Layer;
  /** The signature matched, if any. */
  fingerprint?: Pick<Fingerprint, 'fasterThanMs' | 'slowerThanMs'>;
}

const FRONT_LAYERS: ReadonlySet<Layer> = new Set(['proxy', 'edge', 'platform']);

/**
 * What the time of a failing answer says about which layer decided, only where that adds something:
 * not when the signature itself rests on the timing, not "a routing decision" for the app's own error
 * page, and a known proxy timeout only when no app page explains the answer.
 */
export function timingNote(observation: Observation, decided: Decided): string | undefined {
  const status = observation.status;
  if (status === undefined || status < 500) return undefined;
  const { fingerprint } = decided;
  if (fingerprint?.fasterThanMs !== undefined || fingerprint?.slowerThanMs !== undefined) return undefined;
  const front = FRONT_LAYERS.has(decided.layer);
  const appPage = decided.layer === 'app' && fingerprint !== undefined;
  const ms = observation.timings.firstByteMs ?? observation.timings.totalMs;
  if (ms < 100) {
    return front && decided.cause !== 'upstream-timeout'
      ? `answered ${status} in ${formatDuration(ms)}: a routing decision (nothing tried to serve it), not a timeout`
      : undefined;
  }
  if (appPage) return undefined;
  const seconds = ms / 1000;
  const match = TIMEOUT_DEFAULTS.find(([limit]) => Math.abs(seconds - limit) <= Math.max(0.5, limit * 0.03));
  if (match) return `answered ${status} after ${formatDuration(ms)}, which matches ${match[1]}`;
  if (seconds >= 1 && (front || decided.cause === 'upstream-timeout'))
    return `answered ${status} after ${formatDuration(ms)}: something waited before giving up`;
  return undefined;
}

/**
 * Headers an app's middleware puts on every answer it makes (and a proxy's own error page does not).
 * `x-powered-by` and `set-cookie` are not here: they vary by route within one app (Next.js sends no
 * `x-powered-by` on API routes; a JSON endpoint sets no cookie), so their absence says nothing.
 */
const APP_HEADERS = ['x-frame-options', 'x-content-type-options', 'referrer-policy', 'cross-origin-opener-policy'];
/** One missing header is an accident of one route; a different layer leaves out several. */
const DIVERGING_AT_LEAST = 2;

/**
 * Compares health's healthy answer with a failing route's: several app-wide headers on one side only
 * say the two were answered by different layers.
 */
export function headerDivergence(health: Observation, route: Observation): string | undefined {
  if (route.status === undefined) return undefined;
  const appHeaders = (o: Observation) => APP_HEADERS.filter((name) => o.headers[name] !== undefined);
  const onHealth = appHeaders(health);
  const onRoute = appHeaders(route);
  if (onHealth.length >= DIVERGING_AT_LEAST && onRoute.length === 0) {
    return `health carries the app's headers (${onHealth.join(', ')}) and the failing answer none: something in front of the app answered it`;
  }
  if (onHealth.length === 0 && onRoute.length >= DIVERGING_AT_LEAST) {
    return `the app puts ${onRoute.join(', ')} on its pages but not on health's answer: health is answered before the app's usual stack (a probe middleware, a proxy or a cache), so it does not prove the routes work`;
  }
  return undefined;
}
