import pMap from 'p-map';
import type { Clock } from '../clock.js';
import type { HttpClient } from '../http/client.js';
import { keptText, type Observation } from '../http/observation.js';
import type { Logger } from '../log.js';
import { describeObservation } from '../http/describe.js';
import { judgeAsset } from './judge.js';
import type { AssetCheck, AssetKind, AssetProblem, AssetResult, PageAssets, PageInput } from './types.js';
import { assetMeaning, assetPath } from './summary.js';

/**
 * Fetches the scripts and stylesheets that the checked pages reference: each URL once however many
 * pages name it, only on the page's own origin (configured headers never leave the deployment, and a
 * CDN is not the deploy's to judge), at most MAX_ASSETS_PER_RUN per run, reading only the first bytes.
 */

/** Same-origin assets fetched per run, at most; the rest are listed as not checked. */
export const MAX_ASSETS_PER_RUN = 100;
/** Enough of a body to tell a script or stylesheet from an HTML page, and empty from not. */
export const ASSET_BODY_BYTES = 1024;
/** URLs listed per page in the report for what was not fetched; the rest are counted. */
const MAX_LISTED_PER_PAGE = 20;
/** What the report keeps of an asset's answer. */
const KEPT_ASSET_CHARS = 256;
const RETRY_BASE_MS = 250;

export interface AssetCheckOptions {
  client: HttpClient;
  clock: Clock;
  log: Logger;
  pages: PageInput[];
  concurrency: number;
  /** Extra attempts for an asset that failed, as for routes. */
  retries: number;
  limit?: number;
  signal?: AbortSignal;
  random?: () => number;
}

interface Wanted {
  url: string;
  kinds: Set<AssetKind>;
  via: string;
  written: string;
  routes: string[];
  quirks: boolean;
}

export async function checkAssets(options: AssetCheckOptions): Promise<AssetCheck> {
  const limit = options.limit ?? MAX_ASSETS_PER_RUN;
  const wanted = new Map<string, Wanted>();
  const crossOrigin = new Set<string>();
  const pages: PageAssets[] = options.pages.map((p) => ({
    route: p.route,
    page: p.page,
    base: p.base,
    // Same-origin references past the page's cap are named by it too.
    found: p.omitted ?? 0,
    checked: [],
    failed: [],
    notChecked: [],
    crossOrigin: [],
    ...(p.omitted ? { omitted: p.omitted } : {}),
    ...(p.omittedCrossOrigin ? { omittedCrossOrigin: p.omittedCrossOrigin } : {}),
    ...(p.readChars !== undefined ? { readChars: p.readChars } : {}),
  }));
  // Pages take turns, so a page with hundreds of assets cannot use up the cap before the next page's first.
  const order = roundRobin(options.pages.map((p, index) => p.refs.map((ref) => ({ ref, index }))));
  const named = pages.map(() => new Set<string>());
  for (const { ref, index } of order) {
    const page = pages[index]!;
    const input = options.pages[index]!;
    // The same URL named twice (a modulepreload and its script) is one asset of the page.
    if (named[index]!.has(ref.url)) {
      wanted.get(ref.url)?.kinds.add(ref.kind);
      continue;
    }
    named[index]!.add(ref.url);
    if (new URL(ref.url).origin !== new URL(input.page).origin) {
      page.crossOrigin.push(ref.url);
      crossOrigin.add(ref.url);
      continue;
    }
    page.found++;
    const known = wanted.get(ref.url);
    if (known) {
      known.kinds.add(ref.kind);
      if (!known.routes.includes(input.route)) known.routes.push(input.route);
      // A stylesheet is judged by the strictest page that uses it.
      known.quirks &&= input.quirks;
    } else if (wanted.size < limit) {
      wanted.set(ref.url, {
        url: ref.url,
        kinds: new Set([ref.kind]),
        via: ref.via,
        written: ref.written,
        routes: [input.route],
        quirks: input.quirks,
      });
    } else {
      page.notChecked.push(ref.url);
      continue;
    }
    page.checked.push(ref.url);
  }
  const fetched = await pMap([...wanted.values()], (asset) => fetchAsset(asset, options), {
    concurrency: options.concurrency,
  });
  const results = fetched.filter((r): r is AssetResult => r !== undefined);
  const done = new Map(results.map((r) => [r.url, r]));
  for (const page of pages) {
    // Not fetched because the run or the stage ended first: say so rather than count it as checked.
    const unfinished = page.checked.filter((url) => !done.has(url));
    page.checked = page.checked.filter((url) => done.has(url));
    page.notChecked.unshift(...unfinished);
    page.failed = page.checked.filter((url) => !done.get(url)!.passed);
  }
  // References past a page's cap were never kept, so they are counted, not told apart: one named by two
  // pages counts twice (the listed ones are distinct URLs).
  const sum = (key: 'omitted' | 'omittedCrossOrigin') => pages.reduce((n, p) => n + (p[key] ?? 0), 0);
  const notChecked = new Set(pages.flatMap((p) => p.notChecked)).size + sum('omitted');
  return {
    limit,
    pages: pages.map(listedInReport),
    assets: results,
    notChecked,
    crossOrigin: crossOrigin.size + sum('omittedCrossOrigin'),
  };
}

/** A page's lists of what was not fetched, cut to their first URLs for the report, with the totals. */
function listedInReport(page: PageAssets): PageAssets {
  const over = (list: string[]) => list.length > MAX_LISTED_PER_PAGE;
  if (!over(page.notChecked) && !over(page.crossOrigin)) return page;
  return {
    ...page,
    notChecked: page.notChecked.slice(0, MAX_LISTED_PER_PAGE),
    crossOrigin: page.crossOrigin.slice(0, MAX_LISTED_PER_PAGE),
    totals: {
      ...(over(page.notChecked) ? { notChecked: page.notChecked.length } : {}),
      ...(over(page.crossOrigin) ? { crossOrigin: page.crossOrigin.length } : {}),
    },
  };
}

/** The asset, tried again after a failure like a route is (a replica behind the balancer may differ). */
async function fetchAsset(asset: Wanted, options: AssetCheckOptions): Promise<AssetResult | undefined> {
  const random = options.random ?? Math.random;
  const earlier: string[] = [];
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) return undefined;
    const seen = await fetchStart(asset.url, options);
    if (seen.error?.kind === 'cancelled') return undefined;
    let problem: AssetProblem | undefined;
    for (const kind of asset.kinds) problem ??= judgeAsset(kind, seen, { quirks: asset.quirks });
    // A 401/403 may be a protection wall rather than the file's own answer; the signatures that tell load
    // only when one is seen.
    if (problem?.kind === 'status' && (seen.status === 401 || seen.status === 403))
      problem = (await import('./walls.js')).wallProblem(seen) ?? problem;
    if (!problem || attempt > options.retries || options.signal?.aborted) {
      const result: AssetResult = {
        url: asset.url,
        kinds: [...asset.kinds],
        via: asset.via,
        written: asset.written,
        routes: asset.routes,
        passed: !problem,
        flaky: !problem && attempt > 1,
        attempts: attempt,
        earlier,
        problem,
        observation: { ...seen, body: keptText(seen.body, KEPT_ASSET_CHARS) },
      };
      if (problem || result.flaky)
        options.log.info(
          `${problem ? 'FAIL ' : 'flaky'} asset ${assetPath(asset.url)} (named by ${asset.routes[0]}) · ${describeObservation(seen)}${problem ? `: ${assetMeaning(result)}` : ''}`,
        );
      return result;
    }
    earlier.push(describeObservation(seen));
    const backoff = RETRY_BASE_MS * 2 ** (attempt - 1);
    await options.clock.sleep(backoff / 2 + (random() * backoff) / 2, options.signal);
  }
}

/**
 * The first bytes of an asset. A Range request lets servers that support ranges (nginx, CDNs, object
 * stores) send just those bytes and keep the connection for the next asset, where cutting a full answer
 * short would close it; identity coding, because a range of a gzip stream cannot be decoded. A 416 is
 * what a zero-length file answers to that range: ask again without it, so the empty body is seen as such.
 */
async function fetchStart(url: string, options: AssetCheckOptions): Promise<Observation> {
  const ask = (headers: Array<readonly [string, string]>) =>
    options.client.probe({
      method: 'GET',
      url: new URL(url),
      headers,
      followRedirects: true,
      maxBodyBytes: ASSET_BODY_BYTES,
      signal: options.signal,
    });
  const seen = await ask([
    ['range', `bytes=0-${ASSET_BODY_BYTES - 1}`],
    ['accept-encoding', 'identity'],
  ]);
  return seen.status === 416 ? ask([]) : seen;
}

function roundRobin<T>(lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}
