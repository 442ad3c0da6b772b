import { cell, codeSpan, prose } from '../report/markdown.js';
import type { Discovery } from './types.js';

/**
 * The "Discovered routes" words of the renderers: one line a reader takes in at a glance, and the lists
 * behind it (templates, what was skipped, what was read) folded away. Everything from the site (paths,
 * URLs, hosts) is escaped for where it lands.
 */

const MAX_TEMPLATE_ROWS = 50;
const MAX_SOURCE_LINES = 30;

/** "12 of 240 discovered routes checked (sitemap 230, links 10) in 5 templates". */
export function discoveryLine(d: Discovery): string {
  const from = { sitemap: 0, links: 0 };
  for (const route of d.routes) from[route.from]++;
  const origins = [
    from.sitemap ? `${from.sitemap} from the sitemap` : '',
    from.links ? `${from.links} from links` : '',
  ].filter(Boolean);
  const templates = `${d.templates.length} template${d.templates.length === 1 ? '' : 's'}`;
  const checked = `${d.routes.length} of ${d.found} discovered route${d.found === 1 ? '' : 's'} checked`;
  return `${checked}${origins.length ? ` (${origins.join(', ')})` : ''}, ${templates}, discover-limit ${d.limit}`;
}

/** The sources that were refused or cut, in words: what a reader must see without unfolding anything. */
export function refusedSources(d: Discovery): Array<{ url: string; note: string }> {
  return d.sources
    .filter((s) => s.note && !/^(links not read|no robots\.txt)/.test(s.note))
    .map((s) => ({ url: s.url, note: s.note! }));
}

export function discoverySection(d: Discovery): string {
  const lines = ['### Discovered routes', ''];
  lines.push(
    `**${prose(discoveryLine(d))}** on ${codeSpan(d.base)} (${prose(d.mode)}, sample ordered by ${codeSpan(d.seed)}).`,
  );
  const refused = refusedSources(d);
  if (refused.length) lines.push('', ...refused.slice(0, 5).map((r) => `- ${codeSpan(r.url)}: ${prose(r.note)}`));
  if (refused.length > 5) lines.push(`- ${refused.length - 5} more in the JSON report`);
  const fold: string[] = [];
  if (d.templates.length) {
    fold.push('| Template | Found | Checked |', '|---|---|---|');
    for (const t of d.templates.slice(0, MAX_TEMPLATE_ROWS)) {
      const sampled = t.sampled.length
        ? `${t.sampled.length}: ${t.sampled.slice(0, 3).map(codeSpan).join(', ')}${t.sampled.length > 3 ? ', …' : ''}`
        : '0';
      fold.push(`| ${cell(codeSpan(t.template))} | ${t.found} | ${cell(sampled)} |`);
    }
    if (d.templates.length > MAX_TEMPLATE_ROWS)
      fold.push(`| … | | ${d.templates.length - MAX_TEMPLATE_ROWS} more templates in the JSON report |`);
  }
  if (d.skipped.length) fold.push('', '**Skipped**', '', ...d.skipped.map((s) => `- ${prose(s)}`));
  if (d.otherHosts.hosts.length)
    fold.push('', `**Other origins** (listed, never requested): ${d.otherHosts.hosts.map(codeSpan).join(', ')}`);
  const read = d.sources.filter((s) => s.kind !== 'page');
  const pages = d.sources.length - read.length;
  if (read.length || pages) {
    fold.push('', '**Read**', '');
    for (const s of read.slice(0, MAX_SOURCE_LINES))
      fold.push(
        `- ${codeSpan(s.url)} ${s.status ?? 'no answer'}: ${countOf(s.entries, s.kind)}${s.note ? ` · ${prose(s.note)}` : ''}`,
      );
    if (pages) fold.push(`- ${pages} page${pages === 1 ? '' : 's'} read for their links (depth ${d.depth})`);
  }
  if (fold.length)
    lines.push(
      '',
      `<details><summary>Templates (${d.templates.length}), skipped (${d.skipped.length}), sources (${d.sources.length})</summary>`,
      '',
      ...fold,
      '',
      '</details>',
    );
  return lines.join('\n');
}

/** "3 sitemap lines", "1 sitemap", "240 entries". */
function countOf(n: number, kind: string): string {
  const [one, many] =
    kind === 'robots'
      ? ['sitemap line', 'sitemap lines']
      : kind === 'sitemap-index'
        ? ['sitemap', 'sitemaps']
        : ['entry', 'entries'];
  return `${n} ${n === 1 ? one : many}`;
}
