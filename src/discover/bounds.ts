/**
 * The limits of one discovery. A sitemap is the deployment's to write, and on a preview it may come from
 * the pull request: every dimension is capped, and what a cap cut is said in the report, never dropped
 * silently. The README's "Discovered routes" section lists the same numbers.
 */

/** Sitemap files read per run (indexes and their children together). */
export const MAX_SITEMAP_FILES = 20;
/** Sitemap nesting: a file named by robots.txt (or /sitemap.xml) is level 1, its index children level 2, … */
export const MAX_SITEMAP_DEPTH = 3;
/** One sitemap, as fetched and as decompressed (the protocol's own limit is 50 MB; ours is lower). */
export const MAX_SITEMAP_BYTES = 10 * 1024 * 1024;
/** Everything fetched for discovery in one run (robots.txt, sitemaps, pages). */
export const MAX_TOTAL_BYTES = 32 * 1024 * 1024;
/** Sitemap entries read per run, across files. */
export const MAX_ENTRIES = 50_000;
/** robots.txt: RFC 9309 asks crawlers to read at least 500 KiB of it. */
export const MAX_ROBOTS_BYTES = 512 * 1024;
/** Pages fetched to follow their links (the listed routes' pages among them). */
export const MAX_LINK_PAGES = 50;
export const MAX_PAGE_BYTES = 1024 * 1024;
/** A URL longer than this is not a sitemap entry (the protocol's limit). */
export const MAX_URL_CHARS = 2048;
/** Members of one template in the sample, at most: a fair sample, not the whole catalogue. */
export const MAX_PER_TEMPLATE = 10;
/** The whole discovery stage, from robots.txt to the sample. */
export const DISCOVER_BUDGET_MS = 30_000;
/** Other hosts and disallowed paths named in the report, at most (all are counted). */
export const MAX_LISTED_EXAMPLES = 20;
