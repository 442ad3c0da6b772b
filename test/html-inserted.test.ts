import { html, parse, type DefaultTreeAdapterMap } from 'parse5';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { visitInsertedElements, type InsertedElement } from '../src/html/inserted.js';

type Node = DefaultTreeAdapterMap['node'];

/** The oracle: the HTML-namespace elements of parse5's full tree, in document order, outside templates. */
function treeElements(page: string): string[] {
  const found: string[] = [];
  const walk = (node: Node) => {
    if ('tagName' in node && node.namespaceURI === html.NS.HTML) found.push(describeElement(node));
    if ('childNodes' in node) for (const child of node.childNodes) walk(child);
  };
  walk(parse(page));
  return found;
}

function visited(page: string): { elements: string[]; quirks: boolean } {
  const elements: string[] = [];
  const { quirks } = visitInsertedElements(page, (e) => elements.push(describeElement(e)));
  return { elements, quirks };
}

function describeElement(e: InsertedElement): string {
  return [e.tagName, ...e.attrs.map((a) => `${a.name}=${a.value}`)].join(' ');
}

/** Pages where what the parser does is not what a tokenizer would guess. */
const PAGES = {
  plain: '<!doctype html><html lang=en><head><base href=/x/><script src=a.js></script></head><body><a href=b>b</a>',
  comments: '<!-- <script src=c.js></script> --><p>x<!--<link rel=stylesheet href=d.css>--></p>',
  template:
    '<template><script src=t.js></script><template><a href=n></a></template></template><script src=ok.js></script>',
  noscript: '<noscript><link rel=stylesheet href=n.css></noscript><script src=s.js>"<script src=inline.js>"</script>',
  rawText: '<textarea><a href=t></a></textarea><title><script src=x></script></title><style><link href=y></style><i>',
  foreign:
    '<svg><script href=svg.js></script><a href=svg-link></a><foreignObject><a href=html-link></a></foreignObject></svg>' +
    '<math><mi><script src=math-html.js></script></mi></math><p>after',
  breakout: '<svg><g><div><script src=broke-out.js></script></div></g></svg>',
  misnested: '<a href=1><p>x</a>y<b><i>z</b>w</i><script src=after.js></script>',
  duplicates: '<html a=1 a=2><body b=2><script src=a.js src=b.js></script>',
  unclosed: '<b>'.repeat(300) + '<script src=deep.js></script>',
  select: '<select><option><script src=in-select.js></script><a href=dropped></a></select>',
  quirks: '<html><script src=q.js></script>',
} as const;

describe('the elements the parser inserts, without the tree', () => {
  it('are the elements of the full tree, one for one, on pages a tokenizer gets wrong', () => {
    for (const [name, page] of Object.entries(PAGES)) {
      expect(visited(page).elements, name).toEqual(treeElements(page));
    }
  });

  it('come in the order the parser inserts them: a foster-parented element after its table', () => {
    const page = '<table><a href=fostered></a><tr><td>cell</td></tr></table>';
    // The tree puts the <a> before the <table> it was moved out of; the browser inserted it after.
    expect(treeElements(page).slice(3)).toEqual(['a href=fostered', 'table', 'tbody', 'tr', 'td']);
    expect(visited(page).elements.slice(3)).toEqual(['table', 'a href=fostered', 'tbody', 'tr', 'td']);
  });

  it('say whether the document is in quirks mode', () => {
    expect(visited(PAGES.quirks).quirks).toBe(true);
    expect(visited(PAGES.plain).quirks).toBe(false);
    expect(visited('<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">').quirks).toBe(true);
  });

  it('keep nothing of a closed element: mid-way through 10,000 closed scripts, no tree is held', () => {
    const page = '<!doctype html>' + '<script src=/s.js></script>'.repeat(10_000);
    gc();
    const before = process.memoryUsage().heapUsed;
    let during = 0;
    let count = 0;
    visitInsertedElements(page, () => {
      if (++count === 10_003) {
        gc();
        during = process.memoryUsage().heapUsed;
      }
    });
    expect(count).toBe(10_003);
    // parse5's own tree of these elements holds 4.5 MB at this point (children, attributes, text).
    expect((during - before) / 1024 / 1024).toBeLessThan(1.5);
  });
});

/** V8's collector, for a test of what stays reachable. */
function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
