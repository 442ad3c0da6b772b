import { html, type DefaultTreeAdapterMap } from 'parse5';

/** The walk over a parse5 tree that the asset check and route discovery share. */

export type HtmlNode = DefaultTreeAdapterMap['node'];
export type HtmlElement = DefaultTreeAdapterMap['element'];

/** Elements in the HTML namespace, in document order (an SVG `<script>` or `<a>` is another element). */
export function htmlElements(root: HtmlNode): HtmlElement[] {
  const found: HtmlElement[] = [];
  const stack: HtmlNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if ('tagName' in node && node.namespaceURI === html.NS.HTML) found.push(node);
    // A <template>'s content is a separate fragment (not in childNodes): never rendered on load.
    if ('childNodes' in node) for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]!);
  }
  return found;
}

export function attr(element: HtmlElement, name: string): string | undefined {
  return element.attrs.find((a) => a.name === name)?.value;
}

/**
 * The page up to its `limit`-th tag (a `<` that starts a tag, comment or doctype): what is handed to the
 * parser. A hostile page (a megabyte of unclosed `<b>`) grows parse5's tree to hundreds of MB; a page
 * a person reads has far fewer tags than this.
 */
export function headOfTags(page: string, limit: number): string {
  const tag = /<[A-Za-z!/?]/g;
  for (let count = 0; tag.exec(page);) if (++count > limit) return page.slice(0, tag.lastIndex - 2);
  return page;
}
