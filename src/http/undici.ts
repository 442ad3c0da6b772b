import type { Dispatcher as DispatcherType } from 'undici';
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import buildConnector from 'undici/lib/core/connect.js';
import api from 'undici/lib/api/index.js';

/**
 * The parts of undici a probe uses, loaded file by file. undici's index also loads fetch, WebSocket,
 * EventSource, the caches, the mocks and HTTP/2: compiling and running all of that was the largest single
 * cost of a one-route run (issue 19, README "Where the time goes"). undici has no `exports` map, so these
 * paths are reachable; the version is pinned in package-lock.json and test/undici-parts.test.ts checks that
 * each part is the one undici's index exports.
 */

// What undici's index does on load: the dispatcher methods (`request`, and `connect`, which the proxy agent
// uses for CONNECT tunnels) live on the prototype.
Object.assign(Dispatcher.prototype, api);

export { Agent, EnvHttpProxyAgent, Pool, buildConnector };

/** undici's `request(url, { dispatcher })`, without the index: the URL split the way the index splits it. */
export function request(
  url: URL,
  options: Omit<DispatcherType.RequestOptions, 'origin' | 'path'> & { dispatcher: DispatcherType },
): Promise<DispatcherType.ResponseData> {
  const { dispatcher, ...rest } = options;
  return dispatcher.request({ ...rest, origin: url.origin, path: url.pathname + url.search });
}
