import type { HttpClient } from '../http/client.js';
import { discoverRoutes, type DiscoverOptions } from './index.js';
import type { Discovery } from './types.js';

/**
 * Where a run discovers its routes. With a `baseline-url`, on the baseline: production has the full
 * sitemap and the pages that link everywhere, while a preview may have lost some of them, and a page the
 * new deploy lost is exactly what the comparison should see (it fails here and works there: regressed).
 * The same paths are then checked on both sides. A baseline where nothing can be found (unreachable,
 * behind a wall, no sitemap) leaves the run no worse than without one: it discovers on the deploy itself.
 */

export interface BaselineOrigin {
  url: URL;
  /** The baseline's client: only the headers `baseline-headers` allows, its own redirect rules. */
  client: HttpClient;
}

export async function discoverForRun(options: DiscoverOptions, baseline?: BaselineOrigin): Promise<Discovery> {
  if (!baseline) return discoverRoutes(options);
  const there = await discoverRoutes({ ...options, client: baseline.client, base: baseline.url });
  if (there.found > 0 || options.signal?.aborted) return { ...there, onBaseline: true };
  options.log.info(`nothing discovered on the baseline; discovering on the deploy instead`);
  const here = await discoverRoutes(options);
  return {
    ...here,
    skipped: [
      `nothing discovered on the baseline ${baseline.url.href} (${there.skipped[0] ?? 'no same-origin paths'}): discovered on the deploy instead`,
      ...here.skipped,
    ],
    durationMs: here.durationMs + there.durationMs,
    bytes: here.bytes + there.bytes,
  };
}
