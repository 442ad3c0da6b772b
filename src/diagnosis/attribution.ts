import type { Observation } from '../http/observation.js';
import { formatDuration } from '../config/duration.js';

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

/** What the time of a failing answer says about which layer decided. */
export function timingNote(observation: Observation): string | undefined {
  const status = observation.status;
  if (status === undefined || status < 500) return undefined;
  const ms = observation.timings.firstByteMs ?? observation.timings.totalMs;
  if (ms < 100)
    return `answered ${status} in ${formatDuration(ms)}: a routing decision (nothing tried to serve it), not a timeout`;
  const seconds = ms / 1000;
  const match = TIMEOUT_DEFAULTS.find(([limit]) => Math.abs(seconds - limit) <= Math.max(0.5, limit * 0.03));
  if (match) return `answered ${status} after ${formatDuration(ms)}, which matches ${match[1]}`;
  if (seconds >= 1) return `answered ${status} after ${formatDuration(ms)}: something waited before giving up`;
  return undefined;
}

/** Headers an app (or its framework) adds and a proxy's own error page does not. */
const APP_HEADERS = [
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'x-powered-by',
  'set-cookie',
];

/**
 * Compares health's healthy answer with a failing route's: app headers on one side only say the two were
 * answered by different layers.
 */
export function headerDivergence(health: Observation, route: Observation): string | undefined {
  if (route.status === undefined) return undefined;
  const appHeaders = (o: Observation) => APP_HEADERS.filter((name) => o.headers[name] !== undefined);
  const onHealth = appHeaders(health);
  const onRoute = appHeaders(route);
  if (onHealth.length > 0 && onRoute.length === 0) {
    return `health carries the app's headers (${onHealth.join(', ')}) and the failing answer none: something in front of the app answered it`;
  }
  if (onHealth.length === 0 && onRoute.length > 0) {
    return `the app puts ${onRoute.join(', ')} on its pages but not on health's answer: health is answered before the app's usual stack (a probe middleware, a proxy or a cache), so it does not prove the routes work`;
  }
  return undefined;
}
