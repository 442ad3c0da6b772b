import type { Nodes, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/**
 * GitHub Flavored Markdown the way GitHub reads it: micromark with its GFM extension (tables,
 * autolink literals, strikethrough, task lists, footnotes) passes the CommonMark and GFM spec suites,
 * as GitHub's cmark-gfm does. HTML for "what a person sees", the mdast tree for structure.
 */

export function gfmTree(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

/** Raw HTML is kept (GitHub keeps <details>, <sub>): a test can then see any tag that came through. */
export function gfmHtmlOf(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

export function textOf(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join('');
  return '';
}

export function nodesOf<T extends RootContent['type']>(tree: Nodes, type: T): Array<Extract<Nodes, { type: T }>> {
  const found: Nodes[] = [];
  const walk = (node: Nodes) => {
    if (node.type === type) found.push(node);
    if ('children' in node) for (const child of node.children as Nodes[]) walk(child);
  };
  walk(tree);
  return found as Array<Extract<Nodes, { type: T }>>;
}

/** The rendered page's text, with tags dropped and entities read back. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/**
 * What a reader sees before scrolling: the blocks before the first table, fold or chart, which on
 * GitHub's job summary page is about one screen. The blocks' text, in order.
 */
export function firstScreen(markdown: string): string {
  const tree = gfmTree(markdown);
  const blocks: string[] = [];
  for (const node of tree.children) {
    if (node.type === 'table' || node.type === 'code' || (node.type === 'html' && /<details/i.test(node.value))) break;
    blocks.push(textOf(node));
  }
  return blocks.join('\n');
}

/**
 * Raw text outside fenced blocks and code spans: the gate's own words and escaped deployment text,
 * which must read cleanly in a plain-text e-mail.
 */
export function rawProse(markdown: string): string {
  const fences = markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '');
  return fences.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}

/** HTML character references (`&#95;`, `&#39;`, `&amp;`): none may appear in the gate's own text. */
export const ENTITY = /&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i;
