import type { CauseId } from '../diagnosis/causes.js';
import type { Diagnosis } from '../diagnosis/compare.js';
import type { RouteResult } from '../smoke.js';

/**
 * The report's short words for a cause: how the headline counts the routes it covers ("2 rejected for
 * their Host"), and what one route's row says it means ("Django rejected the Host"). Both say something
 * the cause id does not: who answered, or what exactly is missing.
 */

/** After a number of routes: "2 rejected for their Host". */
const COUNTED: Record<CauseId, (n: number) => string> = {
  'host-rejected': (n) => `rejected for ${n === 1 ? 'its' : 'their'} Host`,
  'no-healthy-backend': () => 'with no healthy backend behind the edge',
  'upstream-unreachable': () => 'where the proxy cannot reach the app',
  'upstream-timeout': () => 'where the proxy gave up waiting for the app',
  'redirect-loop': () => 'redirecting without end',
  'app-error': () => "with the app's own error page",
  'route-not-found': () => 'not found',
  'static-assets-missing': (n) => (n === 1 ? 'static file missing' : 'static files missing'),
  'wrong-content': () => 'with the wrong content',
  'stale-version': () => 'serving the previous release',
  'deployment-failed': () => 'not deployed',
  'deployment-not-found': () => 'not deployed',
  'health-failing': () => 'failing their health check',
  'dns-failure': (n) => `whose host name ${n === 1 ? 'does' : 'do'} not resolve`,
  'tls-error': () => 'with a rejected certificate',
  'connection-refused': () => 'with nothing listening',
  timeout: () => 'with no answer in time',
  'auth-required': () => 'blocked by a protection wall',
  'rate-limited': () => 'rate limited',
  'config-error': () => 'misconfigured',
};

/** "2 rejected for their Host (Django)"; who answered only for the main cause, to keep the sentence short. */
export function countedCause(d: Diagnosis, n: number, main: boolean): string {
  const what = d.cause === 'static-assets-missing' ? assetWords(d.routes, n) : COUNTED[d.cause](n);
  return `${n} ${what}${main && d.who ? ` (${d.who})` : ''}`;
}

/** "1 stylesheet missing" when every route of the group is the same kind of file. */
function assetWords(routes: readonly string[], n: number): string {
  const kinds = new Set(routes.filter((r) => !r.startsWith('health ')).map((r) => assetKind(r)));
  const kind = kinds.size === 1 ? [...kinds][0]! : 'static file';
  return `${kind}${n === 1 ? '' : 's'} missing`;
}

export function assetKind(path: string): string {
  if (/\.css(\?|\s|$)/i.test(path)) return 'stylesheet';
  if (/\.m?js(\?|\s|$)/i.test(path)) return 'script';
  if (/\.(png|jpe?g|gif|svg|webp|ico)(\?|\s|$)/i.test(path)) return 'image';
  if (/\.(woff2?|ttf)(\?|\s|$)/i.test(path)) return 'font';
  return 'static file';
}

/** What a failing route's row means, in a few words, from the diagnosis that covers it. */
export function routeMeaning(result: RouteResult, d: Diagnosis | undefined): string {
  const status = result.observation.status;
  const error = result.observation.error;
  const who = d?.who;
  if (!d) return status === undefined ? 'no answer' : `answered ${status}`;
  switch (d.cause) {
    case 'host-rejected':
      return `${who ?? 'the app'} rejected the Host`;
    case 'no-healthy-backend':
      return `${who ?? 'the edge'} has no healthy backend for it`;
    case 'upstream-unreachable':
      return `${who ?? 'a proxy'} could not reach the app`;
    case 'upstream-timeout':
      return `${who ?? 'a proxy'} gave up waiting for the app`;
    case 'redirect-loop':
      return error ? 'redirects never end' : 'redirected from https to http';
    case 'app-error':
      if (error) return 'the app dropped the connection';
      return who ? `${who}'s own ${status} page` : `the app answered ${status}`;
    case 'route-not-found':
      return `${who ? `${who} has no` : 'no'} such route (${status})`;
    case 'static-assets-missing':
      return `${assetKind(result.route.path)} missing (${status ?? 'no answer'})`;
    case 'wrong-content':
      return wrongContent(result);
    case 'dns-failure':
      return 'the host name does not resolve';
    case 'tls-error':
      return `certificate rejected${error ? ` (${error.code})` : ''}`;
    case 'connection-refused':
      return error?.kind === 'reset' ? 'connection reset before an answer' : 'nothing listening';
    case 'timeout':
      return error?.code === 'GATE_NOT_CHECKED' ? 'not checked: the route stage ran out of time' : `no answer in time`;
    case 'auth-required':
      return `${who ?? 'something in front of the app'} asked for credentials (${status ?? '—'})`;
    case 'rate-limited':
      return 'answered 429 Too Many Requests';
    default:
      return `answered ${status ?? 'nothing'}`;
  }
}

function wrongContent(result: RouteResult): string {
  const problem = result.problem;
  if (problem?.kind === 'body') return `body did not match: ${problem.expected}`;
  if (problem?.kind === 'content') return `expected ${problem.expected}`;
  if (problem?.kind === 'status') return `answered ${result.observation.status}, expected ${problem.expected}`;
  return 'not the expected page';
}
