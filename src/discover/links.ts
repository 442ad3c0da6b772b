import { parse } from 'parse5';
import { MAX_PARSED_TAGS } from '../assets/limits.js';
import { attr, htmlElements } from '../html/elements.js';
import { headOfTags } from '../html/tags.js';

/**
 * The links a person can follow from a page: `<a href>` and `<area href>` in the HTML namespace,
 * resolved as the browser does (the first `<base href>`, else the page's URL), without their fragment.
 * parse5 is the WHATWG parsing algorithm, so a link in a comment or a `<template>` is not taken for one.
 * `download` links and `rel=nofollow` are left alone: one fetches a file, the other asks robots not to.
 */

export function pageLinks(page: string, pageUrl: URL): URL[] {
  // The same bound on what is parsed as the asset check's: links past it are not followed.
  const document = parse(headOfTags(page, MAX_PARSED_TAGS));
  const elements = htmlElements(document);
  const base = elements.find((e) => e.tagName === 'base' && attr(e, 'href') !== undefined);
  const baseUrl = (base && absolute(attr(base, 'href')!, pageUrl)) || pageUrl;
  const links: URL[] = [];
  const seen = new Set<string>();
  for (const element of elements) {
    if (element.tagName !== 'a' && element.tagName !== 'area') continue;
    const href = attr(element, 'href');
    if (href === undefined || href.trim() === '' || attr(element, 'download') !== undefined) continue;
    if (/(^|\s)nofollow(\s|$)/i.test(attr(element, 'rel') ?? '')) continue;
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
