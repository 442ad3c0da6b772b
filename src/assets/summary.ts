import { describeObservation } from '../http/describe.js';
import type { AssetCheck, AssetResult, PageAssets } from './types.js';
import { MAX_REFS_PER_PAGE } from './limits.js';

/** Short words about a run's assets, shared by the renderers: per page, and the warnings. */

/** "5 assets OK", "1 of 5 assets failing", with what was not fetched. */
export function pageAssetsLine(page: PageAssets): string {
  const parts: string[] = [];
  const n = page.checked.length;
  if (n > 0)
    parts.push(
      page.failed.length
        ? `${page.failed.length} of ${n} asset${n === 1 ? '' : 's'} failing`
        : `${n} asset${n === 1 ? '' : 's'} OK`,
    );
  const omitted = (page.omitted ?? 0) + (page.omittedCrossOrigin ?? 0);
  const notChecked = (page.totals?.notChecked ?? page.notChecked.length) + (page.omitted ?? 0);
  const crossOrigin = (page.totals?.crossOrigin ?? page.crossOrigin.length) + (page.omittedCrossOrigin ?? 0);
  if (notChecked) parts.push(`${notChecked} not checked`);
  if (crossOrigin) parts.push(`${crossOrigin} cross-origin not fetched`);
  if (omitted) parts.push(`${omitted} of them past the first ${MAX_REFS_PER_PAGE} references, counted only`);
  if (page.readChars !== undefined) parts.push(`only the first ${page.readChars} characters read`);
  return parts.length ? parts.join(', ') : 'no scripts or stylesheets';
}

/** The cause a page's failing assets stand for in the route table: missing, unless all were blocked. */
export function pageAssetsCause(page: PageAssets, check: AssetCheck): string | undefined {
  const failing = page.failed.map((url) => check.assets.find((a) => a.url === url)?.problem);
  if (failing.length === 0) return undefined;
  const missing = failing.some((p) => p?.kind !== 'blocked');
  return missing ? 'static-assets-missing' : (failing[0] as { cause: string }).cause;
}

export function assetWarnings(check: AssetCheck | undefined): string[] {
  if (!check) return [];
  const warnings = check.assets
    .filter((a) => a.flaky)
    .map(
      (a) =>
        `asset ${new URL(a.url).pathname} passed only after ${a.attempts - 1} retr${a.attempts === 2 ? 'y' : 'ies'} (${a.earlier.join(', ')})`,
    );
  if (check.notChecked > 0)
    warnings.push(
      check.assets.length >= check.limit
        ? `${check.notChecked} same-origin asset${check.notChecked === 1 ? ' was' : 's were'} not checked: the gate loads at most ${check.limit} per run (every page's first assets come first)`
        : `${check.notChecked} same-origin asset${check.notChecked === 1 ? ' was' : 's were'} not checked: the stage ran out of time`,
    );
  return warnings;
}

/** `/assets/app.js?v=1`: what a reader looks for, without the origin every asset shares. */
export function assetPath(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** "404", "200 text/html", "200, empty body", "connection refused (ECONNREFUSED)". */
export function assetAnswer(a: AssetResult): string {
  const o = a.observation;
  if (o.error) return describeObservation(o);
  const type = o.headers['content-type']?.split(';')[0]?.trim();
  // 206: the server sent the first bytes the gate asked for (a range), which is all it reads.
  return `${o.status}${o.status === 206 ? ' partial' : ''}${type ? ` ${type}` : ''}${o.bodyBytes === 0 ? ', empty body' : ''}`;
}

export function assetMeaning(a: AssetResult): string {
  const p = a.problem;
  if (!p) return 'OK';
  switch (p.kind) {
    case 'html':
      return 'HTML instead of the file: the SPA fallback (assets not uploaded, or HTML and assets from different builds)';
    case 'status':
      return a.observation.status === 404 || a.observation.status === 410
        ? /(^|\/)static\//.test(new URL(a.url).pathname)
          ? 'not found: static files not collected or not served'
          : 'not found: not uploaded with this build, or the page is from another build'
        : 'the server fails to serve it';
    case 'empty':
      return 'empty: a zero-byte upload or an interrupted build';
    case 'type':
      return `served as ${p.contentType}; the browser needs ${p.needs}`;
    case 'blocked':
      return `not checked: ${p.cause === 'rate-limited' ? 'rate limited' : 'a protection wall answered'}`;
    case 'transport':
      return 'no answer';
  }
}

/** The run's totals in one line: checked, failing, cut by the cap, other origins. */
export function assetTotals(check: AssetCheck): string {
  const failed = check.assets.filter((a) => !a.passed).length;
  const parts = [
    `${check.assets.length} asset${check.assets.length === 1 ? '' : 's'} checked on ${check.pages.length} page${check.pages.length === 1 ? '' : 's'}`,
    `${failed} failing`,
  ];
  if (check.notChecked) parts.push(`${check.notChecked} not checked (at most ${check.limit} per run)`);
  if (check.crossOrigin) parts.push(`${check.crossOrigin} on other origins not fetched`);
  return parts.join(' · ');
}
