import type { AssetCheck, PageAssets } from './check.js';

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
  if (page.notChecked.length) parts.push(`${page.notChecked.length} not checked`);
  if (page.crossOrigin.length) parts.push(`${page.crossOrigin.length} cross-origin not fetched`);
  return parts.length ? parts.join(', ') : 'no scripts or stylesheets';
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
      `${check.notChecked} same-origin asset${check.notChecked === 1 ? ' was' : 's were'} not checked: the gate loads at most ${check.limit} per run (the first of every page come first)`,
    );
  return warnings;
}
