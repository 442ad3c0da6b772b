import { html, parse, type Token, type TreeAdapter, type TreeAdapterTypeMap } from 'parse5';

/**
 * The elements the WHATWG parser inserts into a page's document, handed over one at a time as they are
 * inserted, without building the tree. parse5 runs the full tree-construction algorithm (comments,
 * `<template>` contents, `<noscript>` as text with scripting on, raw-text elements, foreign content), but
 * through a tree adapter that keeps only what the algorithm itself reads: each element's tag, namespace,
 * attributes and parent. A parent never holds its children and text is dropped, so an element the parser
 * has closed is garbage at once.
 *
 * Why not the default tree: kept whole, 10,000 elements of a page survive the whole parse, and on a run
 * over 20 such pages V8 grew its young generation and old space to hold them (a check-assets run of 1 MiB
 * pages peaked 150–190 MB; see issue 23). The asset check and discovery need the elements in order, not
 * the tree.
 */

/** An element as the parser inserted it, in the HTML namespace and outside any `<template>` content. */
export interface InsertedElement {
  readonly tagName: string;
  readonly attrs: readonly Token.Attribute[];
}

export interface InsertedPage {
  /** The document's mode: a quirks-mode page is rendered by other rules (no or an old doctype). */
  quirks: boolean;
}

interface DocumentNode {
  kind: 'document';
  mode: html.DOCUMENT_MODE;
}
interface FragmentNode {
  kind: 'fragment';
}
interface ElementNode {
  kind: 'element';
  tagName: string;
  namespaceURI: html.NS;
  attrs: Token.Attribute[];
  parent: ParentNode | null;
  /** Inside a `<template>`'s content: never rendered, never fetched. */
  inert: boolean;
  /**
   * Found in the document already (and, in the HTML namespace, handed to the visitor): an element the
   * adoption agency moves is inserted again, and is not handed over twice.
   */
  seen: boolean;
  content?: FragmentNode;
}
interface OtherNode {
  kind: 'comment' | 'text' | 'doctype';
}
type ParentNode = DocumentNode | FragmentNode | ElementNode;
type AnyNode = ParentNode | OtherNode;

interface Map extends TreeAdapterTypeMap {
  node: AnyNode;
  parentNode: ParentNode;
  childNode: ElementNode | OtherNode;
  document: DocumentNode;
  documentFragment: FragmentNode;
  element: ElementNode;
  commentNode: OtherNode;
  textNode: OtherNode;
  template: ElementNode;
  documentType: OtherNode;
}

const NO_CHILDREN: never[] = [];

/** Parses `page`, calling `visit` for each element as it is inserted, in the order a browser inserts them. */
export function visitInsertedElements(page: string, visit: (element: InsertedElement) => void): InsertedPage {
  let document: DocumentNode | undefined;
  const attach = (parent: ParentNode, node: ElementNode | OtherNode) => {
    if (node.kind !== 'element') return;
    node.parent = parent;
    node.inert = parent.kind === 'fragment' || (parent.kind === 'element' && parent.inert);
    if (node.seen || node.inert) return;
    // Under an element not yet in the document (the adoption agency builds a clone, then inserts it), it
    // is not handed over: it was when it was first inserted.
    if (!connected(node)) return;
    node.seen = true;
    if (node.namespaceURI === html.NS.HTML) visit(node);
  };
  const adapter: TreeAdapter<Map> = {
    createDocument: () => (document = { kind: 'document', mode: html.DOCUMENT_MODE.NO_QUIRKS }),
    createDocumentFragment: () => ({ kind: 'fragment' }),
    createElement: (tagName, namespaceURI, attrs) => ({
      kind: 'element',
      tagName,
      namespaceURI,
      attrs,
      parent: null,
      inert: false,
      seen: false,
    }),
    createCommentNode: () => ({ kind: 'comment' }),
    createTextNode: () => ({ kind: 'text' }),
    appendChild: attach,
    insertBefore: (parent, node) => attach(parent, node),
    detachNode: (node) => {
      if (node.kind === 'element') node.parent = null;
    },
    setTemplateContent: (template, content) => {
      template.content = content;
    },
    getTemplateContent: (template) => (template.content ??= { kind: 'fragment' }),
    setDocumentType: () => undefined,
    setDocumentMode: (doc, mode) => {
      doc.mode = mode;
    },
    getDocumentMode: (doc) => doc.mode,
    insertText: () => undefined,
    insertTextBefore: () => undefined,
    adoptAttributes: (recipient, attrs) => {
      // `<html>` or `<body>` named twice: the second one's new attributes join the first's.
      const names = new Set(recipient.attrs.map((a) => a.name));
      for (const a of attrs) if (!names.has(a.name)) recipient.attrs.push(a);
    },
    getFirstChild: () => null,
    getChildNodes: () => NO_CHILDREN,
    getParentNode: (node) => (node.kind === 'element' ? node.parent : null),
    getAttrList: (element) => element.attrs,
    getTagName: (element) => element.tagName,
    getNamespaceURI: (element) => element.namespaceURI,
    getTextNodeContent: () => '',
    getCommentNodeContent: () => '',
    getDocumentTypeNodeName: () => '',
    getDocumentTypeNodePublicId: () => '',
    getDocumentTypeNodeSystemId: () => '',
    isTextNode: (node): node is OtherNode => node.kind === 'text',
    isCommentNode: (node): node is OtherNode => node.kind === 'comment',
    isDocumentTypeNode: (node): node is OtherNode => node.kind === 'doctype',
    isElementNode: (node): node is ElementNode => node.kind === 'element',
    setNodeSourceCodeLocation: () => undefined,
    getNodeSourceCodeLocation: () => undefined,
    updateNodeSourceCodeLocation: () => undefined,
  };
  parse(page, { treeAdapter: adapter });
  return { quirks: document?.mode === html.DOCUMENT_MODE.QUIRKS };
}

/**
 * Whether an element's ancestors reach the document. Only an element the adoption agency re-creates is
 * ever attached under a parent not yet inserted, so the walk is short: it stops at the first ancestor
 * already found in the document.
 */
function connected(node: ElementNode): boolean {
  for (let at: ParentNode | null = node.parent; at; at = at.kind === 'element' ? at.parent : null) {
    if (at.kind === 'document') return true;
    if (at.kind === 'fragment') return false;
    if (at.seen) return true;
  }
  return false;
}
