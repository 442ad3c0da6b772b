import type { DiscoverMode, RobotsPolicy } from '../discover/types.js';
import type { Parsed } from './route-line.js';

/** The `discover` settings' own values. */

export const DISCOVER_MODES: readonly DiscoverMode[] = ['off', 'sitemap', 'links', 'sitemap+links'];
/** Most discovered routes one run checks (on top of the listed ones). */
export const MAX_DISCOVER_LIMIT = 500;

export function parseDiscoverMode(text: string): Parsed<DiscoverMode> {
  const value = text.trim().toLowerCase().replace(/\s+/g, '');
  const mode = value === 'links+sitemap' ? 'sitemap+links' : value;
  if ((DISCOVER_MODES as readonly string[]).includes(mode)) return { ok: true, value: mode as DiscoverMode };
  return { ok: false, message: `"${text}" is not accepted; use ${DISCOVER_MODES.join(', ')}` };
}

export function parseRobotsPolicy(text: string): Parsed<RobotsPolicy> {
  const value = text.trim().toLowerCase();
  if (value === 'respect' || value === 'ignore') return { ok: true, value };
  return {
    ok: false,
    message: `"${text}" is not accepted; use respect (robots.txt Disallow keeps a path out) or ignore`,
  };
}
