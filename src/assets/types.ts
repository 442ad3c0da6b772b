import type { CauseId } from '../diagnosis/catalogue/causes.js';
import type { Observation } from '../http/observation.js';

/** The data of check-assets: what pages reference, how each asset answered, what a run found. */

/** How the page uses the asset, which decides what a correct answer is. */
export type AssetKind = 'script' | 'module' | 'stylesheet';

export interface AssetRef {
  /** Absolute URL, without a fragment (the browser does not send it). */
  url: string;
  kind: AssetKind;
  /** The markup that names it, for messages: `script src`, `link rel=modulepreload`, … */
  via: string;
  /** The attribute as written in the page (before `<base>` and relative resolution). */
  written: string;
}

export interface PageRefs {
  refs: AssetRef[];
  /** The `<base href>` as written, when the page has one. */
  base?: string;
  /**
   * Quirks mode (no doctype): browsers then accept stylesheets of any content type. False on a page that
   * names no script, link or base: it is not parsed, and no stylesheet of it is judged.
   */
  quirks: boolean;
  /** Same-origin references past the per-page cap, counted and not kept (assets not checked). */
  omitted?: number;
  /** References to other origins past the per-page cap, counted and not kept. */
  omittedCrossOrigin?: number;
  /** Set when the page had more tags than are parsed: only its first `readChars` characters were read. */
  readChars?: number;
}

export type AssetProblem =
  | { kind: 'transport' }
  | { kind: 'status' }
  /** `by`: the content-type said so, or the first bytes are HTML whatever the header says. */
  | { kind: 'html'; by: 'content-type' | 'sniffed' }
  | { kind: 'empty' }
  /**
   * A rate limiter or a protection wall answered instead of the file: the asset could not be checked,
   * which says nothing about whether it is there (the run is inconclusive on it, not failed).
   */
  | { kind: 'blocked'; cause: CauseId }
  /** A content type the browser refuses for this use (strict MIME checks). */
  | { kind: 'type'; contentType: string; needs: string };

/** One checked page: the route, where its final answer came from, and what it references. */
export interface PageInput extends PageRefs {
  route: string;
  page: string;
}

export interface PageAssets {
  /** The route's label. */
  route: string;
  /** The page's final URL (after redirects). */
  page: string;
  base?: string;
  /** Same-origin assets the page names. */
  found: number;
  /** URLs that were fetched (once for the whole run) and their outcome is in `assets`. */
  checked: string[];
  failed: string[];
  /** Same-origin URLs past the run's cap or the stage's time, not fetched. */
  notChecked: string[];
  /** Other origins (CDNs): never fetched. */
  crossOrigin: string[];
  /** How many URLs each list had before the report kept only its first ones (set only when cut). */
  totals?: { notChecked?: number; crossOrigin?: number };
  /** Same-origin references past the per-page cap (not kept, not fetched; counted in `notChecked` totals). */
  omitted?: number;
  /** Other-origin references past the per-page cap (counted in the run's `crossOrigin`). */
  omittedCrossOrigin?: number;
  /** Only the first `readChars` characters of the page were parsed (it has more tags than are read). */
  readChars?: number;
}

export interface AssetResult {
  url: string;
  kinds: AssetKind[];
  /** How the first page that names it does so (`script type=module src`, …) and as what it was written. */
  via: string;
  written: string;
  /** Route labels of the pages that name it. */
  routes: string[];
  passed: boolean;
  /** Passed only after a retry. */
  flaky: boolean;
  attempts: number;
  earlier: string[];
  problem?: AssetProblem;
  /** The last answer, with at most a short excerpt of its body. */
  observation: Observation;
}

export interface AssetCheck {
  limit: number;
  pages: PageAssets[];
  /** One entry per fetched URL, in the order they were first named. */
  assets: AssetResult[];
  /** Same-origin URLs not fetched: over the cap, or the stage ran out of time. */
  notChecked: number;
  /** Distinct URLs on other origins, not fetched. */
  crossOrigin: number;
}
