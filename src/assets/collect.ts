import { attr } from '../html/elements.js';
import { visitInsertedElements } from '../html/inserted.js';
import { headOfTags } from '../html/tags.js';
import { JAVASCRIPT_TYPES } from './judge.js';
import type { AssetKind, AssetRef, PageRefs } from './types.js';
import { MAX_PARSED_TAGS, MAX_REFS_PER_PAGE } from './limits.js';

export { MAX_PARSED_TAGS, MAX_REFS_PER_PAGE } from './limits.js';

/**
 * What a browser fetches to render a page: its scripts, stylesheets and the preloads that name them,
 * resolved the way the browser resolves them (against the first `<base href>` from where it stands, else
 * the page's own URL).
 * parse5 implements the WHATWG parsing algorithm, so a `<script>` inside a comment, a `<template>`, a
 * `<noscript>` (scripting on) or an inline script's text is not taken for a reference, as it is not by
 * the browser.
 */

/**
 * Whether a page could hold an element that names an asset. The parser makes a `<script>`, `<link>` or
 * `<base>` only from those letters right after a `<` (it lower-cases a tag name and decodes nothing in it),
 * so a page without them names nothing and is not parsed: a thousand small pages without scripts spent
 * ~50 ms in the parser on a cold run (issue 19).
 */
const MAY_NAME_ASSETS = /<(?:script|link|base)/i;

export function collectAssetRefs(page: string, pageUrl: URL): PageRefs {
  const parsed = headOfTags(page, MAX_PARSED_TAGS);
  const cut = parsed.length < page.length ? { readChars: parsed.length } : {};
  if (!MAY_NAME_ASSETS.test(parsed)) return { refs: [], quirks: false, ...cut };
  // A browser fetches a script or stylesheet as its element is inserted, against the base URL of that
  // moment: elements before the first `<base href>` resolve against the page's own URL.
  let base: string | undefined;
  let current = pageUrl;
  const refs: AssetRef[] = [];
  const seen = new Set<string>();
  // Past the cap a reference is only counted, by origin: same-origin ones are assets the run did not check.
  let omitted = 0;
  let omittedCrossOrigin = 0;
  const add = (written: string | undefined, kind: AssetKind, via: string) => {
    // An empty reference fetches nothing (the element only fires an error event).
    if (written === undefined || written.trim() === '') return;
    const url = absolute(written, current);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return;
    url.hash = '';
    const key = `${kind} ${url.href}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (refs.length >= MAX_REFS_PER_PAGE) {
      if (url.origin === pageUrl.origin) omitted++;
      else omittedCrossOrigin++;
      return;
    }
    // Copied out of the page: a slice would keep the whole page's string alive as long as the ref.
    refs.push({ url: url.href, kind, via, written: copied(written.slice(0, 500)) });
  };
  const { quirks } = visitInsertedElements(parsed, (element) => {
    if (element.tagName === 'base') {
      const href = attr(element, 'href');
      if (base !== undefined || href === undefined) return;
      base = copied(href.slice(0, 500));
      current = absolute(href, pageUrl) ?? pageUrl;
    } else if (element.tagName === 'script') {
      const kind = scriptKind(attr(element, 'type'));
      if (kind) add(attr(element, 'src'), kind, kind === 'module' ? 'script type=module src' : 'script src');
    } else if (element.tagName === 'link') {
      const rel = tokens(attr(element, 'rel'));
      const as = (attr(element, 'as') ?? '').trim().toLowerCase();
      const href = attr(element, 'href');
      // `alternate stylesheet` and `disabled` stylesheets are not applied on load.
      if (rel.has('stylesheet') && !rel.has('alternate') && attr(element, 'disabled') === undefined)
        add(href, 'stylesheet', 'link rel=stylesheet');
      if (rel.has('modulepreload')) add(href, 'module', 'link rel=modulepreload');
      if (rel.has('preload') && as === 'script') add(href, 'script', 'link rel=preload as=script');
      if (rel.has('preload') && as === 'style') add(href, 'stylesheet', 'link rel=preload as=style');
    }
  });
  return {
    refs,
    base,
    quirks,
    ...(omitted ? { omitted } : {}),
    ...(omittedCrossOrigin ? { omittedCrossOrigin } : {}),
    ...cut,
  };
}

/** A string of its own, not a view into the one it was cut from. */
function copied(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** `type` decides whether a script is fetched at all (an importmap or a data block is not). */
function scriptKind(type: string | undefined): AssetKind | undefined {
  const value = (type ?? '').trim().toLowerCase();
  if (value === '' || JAVASCRIPT_TYPES.has(value)) return 'script';
  if (value === 'module') return 'module';
  return undefined;
}

function tokens(value: string | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .toLowerCase()
      .split(/[\t\n\f\r ]+/)
      .filter(Boolean),
  );
}

function absolute(reference: string, base: URL): URL | undefined {
  try {
    return new URL(reference.trim(), base);
  } catch {
    return undefined;
  }
}
