/**
 * Paths grouped by the page template that most likely renders them, so a sample can cover every kind of
 * page: `/products/123` and `/products/456` are `/products/:id`. Two passes: a segment that looks like an
 * identifier (a number, a UUID, a long hex hash, a slug with a run of digits) is `:id`; then, below the top
 * level, more than SIBLINGS_FOR_SLUG distinct last segments under one parent are one `:slug` template
 * (`/blog/hello-world`, `/blog/launch-notes`, …), since a site with that many siblings generates them.
 * Top-level pages are never merged: `/pricing` and `/about` are different pages.
 */

export const SIBLINGS_FOR_SLUG = 10;

const NUMBER = /^\d+$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const HEX_HASH = /^(?=.*\d)[0-9a-f]{12,}$/i;
/** `iphone-15-pro`, `2024-05-01-launch`, `item42`: a slug carrying an id or a date. */
const SLUG_WITH_DIGITS = /^(?=.*[a-z])[a-z0-9_.~-]*\d{2,}[a-z0-9_.~-]*$/i;

export function segmentTemplate(segment: string): string {
  if (NUMBER.test(segment) || UUID.test(segment) || HEX_HASH.test(segment) || SLUG_WITH_DIGITS.test(segment))
    return ':id';
  return segment;
}

/** The first pass: every identifier-like segment as `:id` (the trailing slash, if any, kept). */
export function pathTemplate(path: string): string {
  return path
    .split('/')
    .map((segment, i) => (i === 0 || segment === '' ? segment : segmentTemplate(segment)))
    .join('/');
}

/** Template → its paths (in the order found), for a list of distinct paths. */
export function groupByTemplate(paths: readonly string[]): Map<string, string[]> {
  const first = new Map<string, string[]>();
  for (const path of paths) push(first, pathTemplate(path), path);
  // Second pass: siblings under one parent template (below the top level) become one `:slug` template.
  const siblings = new Map<string, string[]>();
  for (const template of first.keys()) {
    const parent = parentOf(template);
    if (parent) push(siblings, parent.key, template);
  }
  const merged = new Map<string, string>();
  for (const [key, templates] of siblings) {
    const literal = templates.filter((t) => !lastSegment(t).startsWith(':'));
    if (literal.length <= SIBLINGS_FOR_SLUG) continue;
    for (const t of literal) merged.set(t, key);
  }
  const grouped = new Map<string, string[]>();
  for (const [template, members] of first) {
    const key = merged.get(template) ?? template;
    for (const path of members) push(grouped, key, path);
  }
  return grouped;
}

/** `/blog/:slug/` for `/blog/hello/` (the trailing slash kept), or undefined at the top level. */
function parentOf(template: string): { key: string } | undefined {
  const trailing = template.endsWith('/') && template.length > 1;
  const parts = (trailing ? template.slice(0, -1) : template).split('/');
  if (parts.length <= 2) return undefined;
  return { key: `${parts.slice(0, -1).join('/')}/:slug${trailing ? '/' : ''}` };
}

function lastSegment(template: string): string {
  const parts = template.replace(/\/$/, '').split('/');
  return parts[parts.length - 1] ?? '';
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
