import { html, parse } from 'parse5';
import { attr, htmlElements } from '../html/elements.js';
import { JAVASCRIPT_TYPES } from './judge.js';
import type { AssetKind, AssetRef, PageRefs } from './types.js';

/**
 * What a browser fetches to render a page: its scripts, stylesheets and the preloads that name them,
 * resolved the way the browser resolves them (the first `<base href>`, else the page's own URL).
 * parse5 implements the WHATWG parsing algorithm, so a `<script>` inside a comment, a `<template>`, a
 * `<noscript>` (scripting on) or an inline script's text is not taken for a reference, as it is not by
 * the browser.
 */

export function collectAssetRefs(page: string, pageUrl: URL): PageRefs {
  const document = parse(page);
  const elements = htmlElements(document);
  const baseElement = elements.find((e) => e.tagName === 'base' && attr(e, 'href') !== undefined);
  const base = baseElement ? attr(baseElement, 'href')! : undefined;
  const baseUrl = (base !== undefined && absolute(base, pageUrl)) || pageUrl;
  const refs: AssetRef[] = [];
  const seen = new Set<string>();
  const add = (written: string | undefined, kind: AssetKind, via: string) => {
    // An empty reference fetches nothing (the element only fires an error event).
    if (written === undefined || written.trim() === '') return;
    const url = absolute(written, baseUrl);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return;
    url.hash = '';
    const key = `${kind} ${url.href}`;
    if (seen.has(key)) return;
    seen.add(key);
    refs.push({ url: url.href, kind, via, written });
  };
  for (const element of elements) {
    if (element.tagName === 'script') {
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
  }
  return { refs, base, quirks: document.mode === html.DOCUMENT_MODE.QUIRKS };
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
