import robotsModule from 'robots-parser';

/**
 * robots.txt as RFC 9309 reads it, through robots-parser (a small, maintained, spec-following parser
 * with `*` and `$` matching): the rules of the group for the gate's product token, else `*`, and the
 * `Sitemap:` lines. The gate is an automated client on someone's site: it honours Disallow unless the
 * workflow says `discover-robots: ignore` (it is usually the site's own team running it).
 */

/** robots-parser's CommonJS export is the function itself; its typings describe it for CommonJS only. */
interface ParsedRobots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getSitemaps(): string[];
}
const robotsParser = robotsModule as unknown as (url: string, text: string) => ParsedRobots;

/** The product token robots.txt groups are matched against (the start of the gate's User-Agent). */
export const ROBOTS_AGENT = 'post-deploy-gate';

export interface RobotsRules {
  /** Why the rules are what they are, when it is not an ordinary robots.txt. */
  note?: string;
  allowed(url: URL): boolean;
  sitemaps: string[];
  /** Nothing at all is allowed: no sitemap or page is worth fetching. */
  none?: boolean;
}

/** An answered robots.txt: 2xx rules; 4xx none (everything allowed); 5xx or no answer: nothing allowed. */
export function robotsRules(robotsUrl: URL, status: number | undefined, text: string): RobotsRules {
  if (status !== undefined && status >= 200 && status < 300) {
    const robots = robotsParser(robotsUrl.href, text);
    return {
      allowed: (url) => robots.isAllowed(url.href, ROBOTS_AGENT) !== false,
      sitemaps: robots.getSitemaps(),
    };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return { note: `no robots.txt (${status}): nothing is disallowed`, allowed: () => true, sitemaps: [] };
  }
  // RFC 9309 §2.3.1.4: an unreachable robots.txt means "assume complete disallow".
  return {
    note: `robots.txt ${status === undefined ? 'did not answer' : `answered ${status}`}: as RFC 9309 asks, no discovered path is checked (discover-robots: ignore overrides)`,
    allowed: () => false,
    sitemaps: [],
    none: true,
  };
}

export const IGNORED_ROBOTS: RobotsRules = { allowed: () => true, sitemaps: [] };
