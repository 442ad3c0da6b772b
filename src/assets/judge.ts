import type { Observation } from '../http/observation.js';
import type { AssetKind, AssetProblem } from './types.js';

/**
 * Whether an asset's answer would work in the browser. Only what breaks the page for certain counts:
 * an error status, HTML where a script or stylesheet belongs (the SPA fallback's index.html), an empty
 * body, and the content types browsers refuse outright. Anything merely unusual passes.
 */

/** ASCII-case-insensitive names of the JavaScript MIME types (WHATWG MIME Sniffing §4.6). */
export const JAVASCRIPT_TYPES = new Set([
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
]);

export interface PageMode {
  /** The page that names the asset is in quirks mode (no doctype). */
  quirks: boolean;
}

export function judgeAsset(kind: AssetKind, seen: Observation, page: PageMode): AssetProblem | undefined {
  if (seen.error || seen.status === undefined) return { kind: 'transport' };
  // A redirect left unfollowed (to another origin) is not ours to judge.
  if (seen.status >= 300 && seen.status < 400) return undefined;
  if (seen.status === 429) return { kind: 'blocked', cause: 'rate-limited' };
  if (seen.status >= 400) return { kind: 'status' };
  const type = essence(seen.headers['content-type']);
  if (type === 'text/html' || type === 'application/xhtml+xml') return { kind: 'html', by: 'content-type' };
  if (looksLikeHtml(seen.body)) return { kind: 'html', by: 'sniffed' };
  if (seen.bodyBytes === 0) return { kind: 'empty' };
  if (type === undefined) return undefined;
  const nosniff = /(^|,)\s*nosniff\s*(,|$)/i.test(seen.headers['x-content-type-options'] ?? '');
  const javascript = JAVASCRIPT_TYPES.has(type);
  // HTML §4.12.1: a module script's response must have a JavaScript MIME type; with nosniff, classic too.
  if (kind === 'module' && !javascript) return { kind: 'type', contentType: type, needs: 'text/javascript' };
  if (kind === 'script' && nosniff && !javascript)
    return { kind: 'type', contentType: type, needs: 'text/javascript (the answer says nosniff)' };
  // CSSOM/HTML: outside quirks mode (or with nosniff) a stylesheet that is not text/css is not applied.
  if (kind === 'stylesheet' && type !== 'text/css' && (!page.quirks || nosniff))
    return { kind: 'type', contentType: type, needs: 'text/css' };
  return undefined;
}

/** A passing answer that is HTML, by its content type (or, without one, by its first bytes). */
export function mayBePage(seen: Observation): boolean {
  if (seen.status === undefined || seen.status < 200 || seen.status >= 300 || !seen.body) return false;
  return essence(seen.headers['content-type']) ? mayBePageType(seen.headers) : looksLikeHtml(seen.body);
}

/** Whether an answer with these headers can be a page, before its body is read: HTML, or no type at all. */
export function mayBePageType(headers: Readonly<Record<string, string>>): boolean {
  const type = essence(headers['content-type']);
  return type === undefined || type === 'text/html' || type === 'application/xhtml+xml';
}

/** The MIME type's essence: `Text/HTML; charset=utf-8` → `text/html`. */
function essence(contentType: string | undefined): string | undefined {
  const value = contentType?.split(';')[0]?.trim().toLowerCase();
  return value ? value : undefined;
}

/**
 * The HTML signatures of WHATWG MIME Sniffing §7.1 (after leading whitespace, case-insensitive, followed
 * by a space or `>`): what a browser itself would take for HTML. No script or stylesheet starts so.
 * The spec's `<!--` signature is looked through instead (CSS may legally open with `<!--`): HTML is
 * what follows the comments.
 */
const HTML_SIGNATURE =
  /^(?:<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p)[\t\n\f\r >]/i;
const LEADING = /^(?:[\t\n\f\r ]+|<!--[\s\S]*?-->)*/;

export function looksLikeHtml(body: string): boolean {
  const start = body.replace(/^\ufeff/, '').slice(0, 1024);
  return HTML_SIGNATURE.test(start.slice(LEADING.exec(start)![0].length));
}
