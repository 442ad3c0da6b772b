import pMap from 'p-map';
import type { Clock } from '../clock.js';
import type { RouteSpec } from '../config/types.js';
import { isBlockedAddress } from '../http/addresses.js';
import { sameSite, type HttpClient } from '../http/client.js';
import type { Observation } from '../http/observation.js';
import type { PoliteLimiter } from '../limiter.js';
import type { Logger } from '../log.js';
import {
  DISCOVER_BUDGET_MS,
  MAX_ENTRIES,
  MAX_LINK_PAGES,
  MAX_LISTED_EXAMPLES,
  MAX_PAGE_BYTES,
  MAX_PER_TEMPLATE,
  MAX_ROBOTS_BYTES,
  MAX_SITEMAP_BYTES,
  MAX_SITEMAP_DEPTH,
  MAX_SITEMAP_FILES,
  MAX_TOTAL_BYTES,
} from './bounds.js';
import { pageLinks } from './links.js';
import { IGNORED_ROBOTS, robotsRules, type RobotsRules } from './robots.js';
import { sampleByTemplate } from './sample.js';
import { mib, readSitemap } from './sitemap.js';
import { groupByTemplate } from './templates.js';
import type { DiscoveredRoute, DiscoverSettings, Discovery, DiscoverySource } from './types.js';

/**
 * Route discovery on one origin: robots.txt, its `Sitemap:` lines (or /sitemap.xml), nested indexes and
 * gzip children, then the same-origin links of the listed pages to a bounded depth; the paths grouped by
 * template and sampled fairly per commit. A function of (base URL, settings, seed) that never throws and
 * never fails a run: whatever it refuses or cannot read becomes a `skipped` line, and the listed routes
 * are checked whatever happens here. Every request goes through the run's client (its redirect and
 * blocked-address rules) and the per-origin limiter; nothing is requested on another origin.
 */

export interface DiscoverOptions {
  client: HttpClient;
  limiter: PoliteLimiter;
  clock: Clock;
  log: Logger;
  /** Where to discover: the deploy's base URL (or, later, a baseline's). */
  base: URL;
  /** The routes the user listed: their pages start the link crawl, and their paths are not sampled again. */
  listed: readonly RouteSpec[];
  settings: DiscoverSettings;
  /** Orders the sample (the commit's sha): the same seed, the same sample. */
  seed: string;
  concurrency: number;
  signal?: AbortSignal;
  budgetMs?: number;
}

interface Found {
  from: 'sitemap' | 'links';
  via: string;
}

/** Paths that are never HTML pages: named as routes, but not fetched to follow their links. */
const NOT_A_PAGE =
  /\.(pdf|zip|gz|tgz|tar|7z|rar|exe|dmg|pkg|deb|rpm|iso|png|jpe?g|gif|webp|avif|svg|ico|mp[34]|webm|mov|avi|woff2?|ttf|otf|css|js|mjs|json|xml|txt|csv)$/i;

export async function discoverRoutes(options: DiscoverOptions): Promise<Discovery> {
  const { clock, settings, base } = options;
  const startMs = clock.now();
  const budget = AbortSignal.timeout(options.budgetMs ?? DISCOVER_BUDGET_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, budget]) : budget;
  const state = new DiscoveryState(options, signal);
  options.log.info(`discovering routes (${settings.mode}) on ${base.href}`);

  const robots = settings.robots === 'ignore' && settings.mode === 'links' ? IGNORED_ROBOTS : await state.readRobots();
  const rules = settings.robots === 'ignore' ? IGNORED_ROBOTS : robots;
  // robots.txt could not be read: nothing found could be checked, so nothing is fetched to find it.
  if (!rules.none) {
    if (settings.mode === 'sitemap' || settings.mode === 'sitemap+links') await state.readSitemaps(robots.sitemaps);
    if (settings.mode === 'links' || settings.mode === 'sitemap+links') await state.followLinks(rules);
  }
  if (budget.aborted && !options.signal?.aborted)
    state.skipped.push(
      `the discovery's budget (${Math.round((options.budgetMs ?? DISCOVER_BUDGET_MS) / 1000)} s) ran out: what was found by then is sampled`,
    );

  // The listed routes are checked as listed; robots.txt keeps the rest out unless told otherwise.
  const listedPaths = new Set(options.listed.filter((r) => r.method === 'GET').map((r) => r.path));
  const candidates: string[] = [];
  let listed = 0;
  const disallowed: string[] = [];
  for (const path of state.found.keys()) {
    if (listedPaths.has(path)) listed++;
    else if (!rules.allowed(state.urlOf(path))) disallowed.push(path);
    else candidates.push(path);
  }
  const groups = groupByTemplate(candidates);
  const sample = sampleByTemplate(groups, settings.limit, options.seed);
  const templateOf = new Map<string, string>();
  for (const [template, members] of groups) for (const path of members) templateOf.set(path, template);
  const routes: DiscoveredRoute[] = [];
  for (const [template, picked] of sample.picked) {
    for (const path of picked) routes.push({ path, ...state.found.get(path)!, template });
  }
  const sampledCount = routes.length;
  if (sample.left.length)
    state.skipped.push(
      `${sample.left.length} template${sample.left.length === 1 ? '' : 's'} not sampled: more templates than discover-limit (${settings.limit}) — ${sample.left.slice(0, 5).join(', ')}${sample.left.length > 5 ? ', …' : ''}`,
    );
  const unsampled = candidates.length - sampledCount - [...sample.left].reduce((n, t) => n + groups.get(t)!.length, 0);
  if (unsampled > 0)
    state.skipped.push(
      `${unsampled} path${unsampled === 1 ? '' : 's'} not in the sample: at most ${MAX_PER_TEMPLATE} per template and ${settings.limit} in all (discover-limit)`,
    );
  if (disallowed.length)
    state.skipped.push(
      `${disallowed.length} path${disallowed.length === 1 ? '' : 's'} disallowed by robots.txt for ${'post-deploy-gate'} or * (discover-robots: ignore checks them)`,
    );
  if (state.otherHosts.size)
    state.skipped.push(
      `${state.otherCount} URL${state.otherCount === 1 ? '' : 's'} on ${state.otherHosts.size} other origin${state.otherHosts.size === 1 ? '' : 's'} listed, never requested`,
    );
  if (state.outside)
    state.skipped.push(
      `${state.outside} same-origin URL${state.outside === 1 ? '' : 's'} outside the base path ${base.pathname}`,
    );
  const templates = [...groups]
    .map(([template, members]) => ({ template, found: members.length, sampled: sample.picked.get(template) ?? [] }))
    .sort((a, b) => b.found - a.found || (a.template < b.template ? -1 : 1));
  const discovery: Discovery = {
    mode: settings.mode,
    base: base.href,
    limit: settings.limit,
    depth: settings.depth,
    robots: settings.robots,
    seed: options.seed.slice(0, 12),
    found: state.found.size,
    routes,
    templates,
    sources: state.sources,
    otherHosts: { count: state.otherCount, hosts: [...state.otherHosts].slice(0, MAX_LISTED_EXAMPLES) },
    disallowed: { count: disallowed.length, examples: disallowed.slice(0, MAX_LISTED_EXAMPLES) },
    listed,
    skipped: state.skipped,
    bytes: state.bytes,
    durationMs: Math.round(clock.now() - startMs),
  };
  options.log.info(
    `discovered ${discovery.found} path(s) in ${templates.length} template(s); checking ${routes.length} of them (discover-limit ${settings.limit})${state.skipped.length ? `; ${state.skipped.length} note(s) on what was skipped` : ''}`,
  );
  return discovery;
}

/** The discovered sample as routes to check: GET, passing on a final 2xx or 3xx (see README). */
export function discoveredRouteSpecs(discovery: Discovery): RouteSpec[] {
  return discovery.routes.map((route) => ({
    method: 'GET',
    path: route.path,
    // A 3xx that leaves the origin (a sign-in page elsewhere) is the page working, not a broken route;
    // same-origin redirects are still followed to the page they end on.
    expect: { ranges: [[200, 399]], text: '2xx/3xx' },
    followRedirects: true,
    headers: [],
    label: route.path,
    discovered: route.from,
  }));
}

class DiscoveryState {
  readonly found = new Map<string, Found>();
  readonly sources: DiscoverySource[] = [];
  readonly skipped: string[] = [];
  readonly otherHosts = new Set<string>();
  otherCount = 0;
  outside = 0;
  bytes = 0;
  private entries = 0;
  private readonly prefix: string;

  constructor(
    private readonly options: DiscoverOptions,
    private readonly signal: AbortSignal,
  ) {
    this.prefix = options.base.pathname.replace(/\/+$/, '');
  }

  urlOf(path: string): URL {
    return new URL(this.options.base.origin + this.prefix + path);
  }

  /** The route path of a same-origin URL under the base path; other origins are counted, never requested. */
  routePath(url: URL): string | undefined {
    if (!sameSite(this.options.base, url)) {
      this.otherHosts.add(url.origin);
      this.otherCount++;
      return undefined;
    }
    const path = url.pathname;
    if (this.prefix && path !== this.prefix && !path.startsWith(this.prefix + '/')) {
      this.outside++;
      return undefined;
    }
    return path.slice(this.prefix.length) || '/';
  }

  private add(path: string, found: Found): boolean {
    if (this.found.has(path)) return false;
    this.found.set(path, found);
    return true;
  }

  /** One GET within the origin's limits and the run's byte budget; a refusal in words when not usable. */
  private async fetch(
    url: URL,
    maxBytes: number,
    keepBytes: boolean,
  ): Promise<{ seen: Observation } | { refused: string; status?: number }> {
    const room = MAX_TOTAL_BYTES - this.bytes;
    if (room <= 0) return { refused: `skipped: discovery already read ${mib(MAX_TOTAL_BYTES)} (the run's cap)` };
    if (this.signal.aborted) return { refused: 'skipped: the discovery stage ended first' };
    const seen = await this.options.limiter.run(
      url,
      () =>
        this.options.client.probe({
          method: 'GET',
          url,
          followRedirects: true,
          maxBodyBytes: Math.min(maxBytes, room),
          keepBytes,
          signal: this.signal,
        }),
      this.signal,
    );
    if (!seen) return { refused: 'skipped: the discovery stage ended first' };
    this.bytes += seen.bodyBytes;
    if (seen.error) {
      return {
        refused:
          seen.error.kind === 'cancelled'
            ? 'skipped: the discovery stage ended first'
            : `skipped: no answer (${seen.error.message.slice(0, 200)})`,
      };
    }
    const status = seen.status ?? 0;
    const location = seen.headers['location'];
    if (status >= 300 && status < 400 && location) return { refused: redirectRefusal(location, url), status };
    return { seen };
  }

  async readRobots(): Promise<RobotsRules> {
    const url = new URL('/robots.txt', this.options.base.origin);
    const got = await this.fetch(url, MAX_ROBOTS_BYTES, false);
    if ('refused' in got) {
      // A robots.txt that cannot be read is one that did not answer (RFC 9309: crawl nothing).
      const rules = robotsRules(url, undefined, '');
      this.sources.push({ url: url.href, kind: 'robots', entries: 0, note: got.refused });
      this.skipped.push(rules.note!);
      return rules;
    }
    const rules = robotsRules(url, got.seen.status, got.seen.body);
    this.sources.push({
      url: url.href,
      kind: 'robots',
      status: got.seen.status,
      entries: rules.sitemaps.length,
      ...(rules.note ? { note: rules.note } : {}),
    });
    if (rules.note && !rules.note.startsWith('no robots.txt')) this.skipped.push(rules.note);
    return rules;
  }

  async readSitemaps(named: string[]): Promise<void> {
    const queue: Array<{ url: URL; level: number }> = [];
    const queued = new Set<string>();
    const enqueue = (text: string, level: number, namedBy: string) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        this.skipped.push(`${namedBy} names a sitemap that is not a URL: ${text.slice(0, 100)}`);
        return;
      }
      if (!sameSite(this.options.base, url)) {
        this.otherHosts.add(url.origin);
        this.otherCount++;
        this.sources.push({
          url: url.href,
          kind: 'sitemap',
          entries: 0,
          note: 'skipped: on another origin, never requested',
        });
        return;
      }
      if (queued.has(url.href)) return;
      if (level > MAX_SITEMAP_DEPTH) {
        this.sources.push({
          url: url.href,
          kind: 'sitemap',
          entries: 0,
          note: `skipped: nested deeper than ${MAX_SITEMAP_DEPTH} levels of sitemap indexes`,
        });
        return;
      }
      queued.add(url.href);
      queue.push({ url, level });
    };
    if (named.length) for (const text of named) enqueue(text, 1, 'robots.txt');
    else enqueue(new URL('/sitemap.xml', this.options.base.origin).href, 1, 'the default');
    let files = 0;
    while (queue.length > 0) {
      const { url, level } = queue.shift()!;
      if (files >= MAX_SITEMAP_FILES) {
        this.sources.push({
          url: url.href,
          kind: 'sitemap',
          entries: 0,
          note: `skipped: ${MAX_SITEMAP_FILES} sitemap files already read (the cap)`,
        });
        continue;
      }
      if (this.entries >= MAX_ENTRIES) {
        this.sources.push({
          url: url.href,
          kind: 'sitemap',
          entries: 0,
          note: `skipped: ${MAX_ENTRIES} entries already read (the cap)`,
        });
        continue;
      }
      files++;
      const got = await this.fetch(url, MAX_SITEMAP_BYTES, true);
      if ('refused' in got) {
        this.sources.push({ url: url.href, kind: 'sitemap', status: got.status, entries: 0, note: got.refused });
        continue;
      }
      const { seen } = got;
      const status = seen.status!;
      if (status < 200 || status >= 300) {
        this.sources.push({ url: url.href, kind: 'sitemap', status, entries: 0, note: `skipped: answered ${status}` });
        continue;
      }
      const read = await readSitemap(seen.bytes ?? Buffer.alloc(0), {
        maxXmlBytes: MAX_SITEMAP_BYTES,
        maxEntries: MAX_ENTRIES - this.entries,
      });
      this.entries += read.locs.length;
      const problem = seen.bodyTruncated
        ? `cut at ${mib(seen.bodyBytes)} (the cap on one sitemap): the entries before it are kept`
        : read.problem;
      let entries = 0;
      if (read.kind === 'index') {
        for (const loc of read.locs) enqueue(loc, level + 1, url.href);
        entries = read.locs.length;
      } else {
        for (const loc of read.locs) {
          let entry: URL;
          try {
            entry = new URL(loc);
          } catch {
            continue;
          }
          const path = this.routePath(entry);
          if (path === undefined) continue;
          entries++;
          this.add(path, { from: 'sitemap', via: url.href });
        }
      }
      this.sources.push({
        url: url.href,
        kind: read.kind === 'index' ? 'sitemap-index' : 'sitemap',
        status,
        entries,
        ...(problem ? { note: problem } : {}),
      });
      this.options.log.info(
        `sitemap ${url.pathname}: ${entries} same-origin ${read.kind === 'index' ? 'sitemaps' : 'entries'}${problem ? ` (${problem})` : ''}`,
      );
    }
  }

  async followLinks(rules: RobotsRules): Promise<void> {
    const visited = new Set<string>();
    let frontier = [...new Set(this.options.listed.filter((r) => r.method === 'GET').map((r) => r.path))];
    let fetched = 0;
    for (let hop = 0; hop < this.options.settings.depth && frontier.length > 0; hop++) {
      const room = MAX_LINK_PAGES - fetched;
      if (frontier.length > room)
        this.skipped.push(
          `${frontier.length - room} page${frontier.length - room === 1 ? '' : 's'} not crawled for links: at most ${MAX_LINK_PAGES} pages per run`,
        );
      const pages = frontier.slice(0, Math.max(0, room));
      pages.forEach((p) => visited.add(p));
      fetched += pages.length;
      const answers = await pMap(pages, (path) => this.readPage(path), {
        concurrency: this.options.concurrency,
      });
      const next: string[] = [];
      for (const links of answers) {
        for (const path of links) {
          if (visited.has(path) || next.includes(path) || NOT_A_PAGE.test(path)) continue;
          if (!rules.allowed(this.urlOf(path))) continue;
          next.push(path);
        }
      }
      frontier = next;
    }
  }

  /** One page's same-origin link paths (the new ones recorded as found there). */
  private async readPage(path: string): Promise<string[]> {
    const url = this.urlOf(path);
    const got = await this.fetch(url, MAX_PAGE_BYTES, false);
    if ('refused' in got) {
      this.sources.push({ url: url.href, kind: 'page', status: got.status, entries: 0, note: got.refused });
      return [];
    }
    const { seen } = got;
    const status = seen.status!;
    const type = seen.headers['content-type'] ?? '';
    if (status < 200 || status >= 300 || !(/html/i.test(type) || (!type && seen.body.trimStart().startsWith('<')))) {
      this.sources.push({
        url: url.href,
        kind: 'page',
        status,
        entries: 0,
        note: status < 200 || status >= 300 ? `links not read: answered ${status}` : 'links not read: not HTML',
      });
      return [];
    }
    const paths: string[] = [];
    for (const link of pageLinks(seen.body, new URL(seen.finalUrl))) {
      const linked = this.routePath(link);
      if (linked === undefined) continue;
      paths.push(linked);
      this.add(linked, { from: 'links', via: path });
    }
    this.sources.push({ url: url.href, kind: 'page', status, entries: paths.length });
    return paths;
  }
}

/** Why a redirect the client did not follow (it leaves the origin) is not followed here either. */
function redirectRefusal(location: string, from: URL): string {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return 'skipped: redirects to a location that is not a URL';
  }
  const host = to.hostname.replace(/^\[|\]$/g, '');
  if (isBlockedAddress(host))
    return `refused: redirects to ${host}, a link-local or cloud-metadata address the gate never contacts`;
  return `skipped: redirects to another origin (${to.origin}), not followed`;
}
