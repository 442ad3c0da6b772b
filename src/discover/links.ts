import { MAX_PARSED_TAGS } from '../assets/limits.js';
import { attr } from '../html/elements.js';
import { visitInsertedElements } from '../html/inserted.js';
import { headOfTags } from '../html/tags.js';

/**
 * The links a person can follow from a page: `<a href>` and `<area href>` in the HTML namespace,
 * resolved as the browser does (the first `<base href>`, else the page's URL), without their fragment.
 * parse5 is the WHATWG parsing algorithm, so a link in a comment or a `<template>` is not taken for one.
 * `download` links and `rel=nofollow` are left alone: one fetches a file, the other asks robots not to.
 */

export function pageLinks(page: string, pageUrl: URL): URL[] {
  // A link is followed against the document's base when it is clicked: the first `<base href>` wherever it
  // stands. The hrefs are kept until the page is read, then resolved.
  let base: string | undefined;
  const hrefs: string[] = [];
  // The same bound on what is parsed as the asset check's: links past it are not followed.
  visitInsertedElements(headOfTags(page, MAX_PARSED_TAGS), (element) => {
    if (element.tagName === 'base') {
      base ??= attr(element, 'href');
      return;
    }
    if (element.tagName !== 'a' && element.tagName !== 'area') return;
    const href = attr(element, 'href');
    if (href === undefined || href.trim() === '' || attr(element, 'download') !== undefined) return;
    if (/(^|\s)nofollow(\s|$)/i.test(attr(element, 'rel') ?? '')) return;
    hrefs.push(href);
  });
  const baseUrl = (base !== undefined && absolute(base, pageUrl)) || pageUrl;
  const links: URL[] = [];
  const seen = new Set<string>();
  for (const href of hrefs) {
    const url = absolute(href, baseUrl);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) continue;
    url.hash = '';
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    links.push(url);
  }
  return links;
}

function absolute(reference: string, base: URL): URL | undefined {
  try {
    return new URL(reference.trim(), base);
  } catch {
    return undefined;
  }
}
