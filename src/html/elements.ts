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
