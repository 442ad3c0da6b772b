import type { Diagnosis } from '../diagnosis/compare.js';
import type { RouteResult } from '../smoke.js';
import { assetKind } from '../diagnosis/headline.js';

/**
 * What one failing route's row in the table means, in a few words that say more than the cause id: who
 * answered, or what exactly is missing ("Django rejected the Host", "stylesheet missing (404)").
 */

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
    case 'cross-host-redirect':
      return `redirected to ${redirectTarget(result) ?? 'another host'} (${status ?? '—'}), not followed`;
    case 'rate-limited':
      return 'answered 429 Too Many Requests';
    case 'proxy-error':
      return `the runner's proxy failed${status !== undefined ? ` (it answered ${status})` : ''}`;
    default:
      return `answered ${status ?? 'nothing'}`;
  }
}

/** The host a redirect leads to, for the route table. */
function redirectTarget(result: RouteResult): string | undefined {
  const location = result.observation.headers['location'];
  try {
    return location ? new URL(location, result.observation.finalUrl).host : undefined;
  } catch {
    return undefined;
  }
}

function wrongContent(result: RouteResult): string {
  const problem = result.problem;
  if (problem?.kind === 'body') return `body did not match: ${problem.expected}`;
  if (problem?.kind === 'content') return `expected ${problem.expected}`;
  if (problem?.kind === 'status') return `answered ${result.observation.status}, expected ${problem.expected}`;
  return 'not the expected page';
}
