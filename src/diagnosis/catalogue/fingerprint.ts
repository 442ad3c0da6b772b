import type { CauseId, Layer } from './causes.js';
import type { Stack } from './stacks.js';

/**
 * The shape of one known failure signature. The rows live in one file per family (platforms, proxies,
 * frameworks, soft failures) and are joined in index.ts; within a family the first matching row wins,
 * so specific rows come before general ones. Sources are the vendor's docs or the source file that emits
 * the text (see shared/reference/fingerprints.md); tests replay responses captured from the real software
 * where it runs here.
 */

export type Confidence = 'high' | 'medium' | 'low';

export interface Fingerprint {
  id: string;
  cause: CauseId;
  layer: Layer;
  /** Who produced the response. */
  who: string;
  /** The app stack this answer proves (its own page): the fix may then name that stack's settings. */
  stack?: Stack;
  statuses?: readonly number[];
  /** A response header (lower-case name) whose value must match. */
  header?: readonly [string, RegExp];
  body?: RegExp;
  emptyBody?: boolean;
  /** The route's own path (as configured, without the base URL's prefix) must match. */
  routePath?: RegExp;
  /** First byte at least this late (a timeout fired) or earlier than this (a routing decision). */
  slowerThanMs?: number;
  fasterThanMs?: number;
  /** What the match means, in words for the summary. */
  meaning: string;
  /**
   * A fix more precise than the cause's usual one; `{host}` and `{origin}` are filled in. Without `stack`
   * it names no app stack (the stack's addition follows it when the evidence shows one).
   */
  fix?: string;
  confidence: Confidence;
  source: string;
  /** Another cause that fits the same answer, and what tells the two apart. */
  alternative?: string;
}

/**
 * A soft failure: an answer whose status looks fine (the route's check passes on status) but whose
 * content is not the app. The route stage fails a route on these rows alone.
 */
export interface SoftFailure extends Fingerprint {
  soft: true;
  cause: 'wrong-content';
  /** What the route should have answered, for the route's "expected" line. */
  expected?: string;
}

const NGINX_TAIL = /<hr><center>nginx(\/[\d.]+)?( \([^)]*\))?<\/center>/i;
/** nginx's own error page with this title (ngx_http_special_response.c), any version in the footer. */
export const nginxPage = (title: string) => new RegExp(`<title>${title}</title>[\\s\\S]*${NGINX_TAIL.source}`, 'i');
