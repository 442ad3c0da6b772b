/** The data of route discovery: where routes were found, how they were grouped, what was left out and why. */

export type DiscoverMode = 'off' | 'sitemap' | 'links' | 'sitemap+links';
/** `respect`: robots.txt Disallow rules for the gate's user agent (or `*`) keep a path out. */
export type RobotsPolicy = 'respect' | 'ignore';

export interface DiscoverSettings {
  mode: DiscoverMode;
  /** Discovered routes checked per run, at most (listed routes come on top, always). */
  limit: number;
  /** How many link hops from the listed pages are followed (links mode). */
  depth: number;
  robots: RobotsPolicy;
}

export type DiscoverySourceKind = 'robots' | 'sitemap' | 'sitemap-index' | 'page';

/** One file the discovery read: robots.txt, a sitemap, an index, or a page whose links it followed. */
export interface DiscoverySource {
  url: string;
  kind: DiscoverySourceKind;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** Same-origin entries (sitemap URLs, links) it named. */
  entries: number;
  /** Why it was cut short or not read (`skipped: …`), when it was. */
  note?: string;
}

export interface DiscoveredRoute {
  /** Relative to the base URL (starts with `/`), as a route line's path. */
  path: string;
  from: 'sitemap' | 'links';
  /** The sitemap file or the page that named it first. */
  via: string;
  template: string;
}

export interface DiscoveredTemplate {
  /** `/products/:id/`; a path with nothing variable is its own template. */
  template: string;
  /** Distinct paths found for it. */
  found: number;
  /** The ones in the sample, in the order they were picked. */
  sampled: string[];
}

/** What discovery found on one origin: a function of (origin, settings, seed), so it can run on a baseline. */
export interface Discovery {
  mode: DiscoverMode;
  /** The origin (and base path) the routes were discovered on. */
  base: string;
  limit: number;
  depth: number;
  robots: RobotsPolicy;
  /** The first characters of the seed the sample is ordered by (the commit), for a reader to compare runs. */
  seed: string;
  /** Distinct same-origin paths found (before robots rules, the listed routes and the sample). */
  found: number;
  /** The sample to check, beyond the listed routes. */
  routes: DiscoveredRoute[];
  templates: DiscoveredTemplate[];
  sources: DiscoverySource[];
  /** URLs on other origins that sitemaps or links named: counted and listed, never requested. */
  otherHosts: { count: number; hosts: string[] };
  /** Paths robots.txt disallows for the gate (not checked), unless `discover-robots: ignore`. */
  disallowed: { count: number; examples: string[] };
  /** Paths already among the listed routes (checked as listed). */
  listed: number;
  /** Everything left out, with the reason, one line each. */
  skipped: string[];
  /** Bytes fetched for discovery (robots, sitemaps, pages). */
  bytes: number;
  durationMs: number;
}
