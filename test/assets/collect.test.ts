import { describe, expect, it, vi } from 'vitest';
import { collectAssetRefs } from '../../src/assets/collect.js';
import { visitInsertedElements } from '../../src/html/inserted.js';
import { judgeAsset, looksLikeHtml } from '../../src/assets/judge.js';
import { emptyObservation, type Observation } from '../../src/http/observation.js';

// Counted, so a test can tell a page that was parsed from one that was not.
vi.mock('../../src/html/inserted.js', async (original) => {
  const real = await original<typeof import('../../src/html/inserted.js')>();
  return { ...real, visitInsertedElements: vi.fn(real.visitInsertedElements) };
});

const page = new URL('https://shop.example.com/app/index.html?x=1');
const refs = (html: string, at = page) => collectAssetRefs(html, at).refs.map((r) => `${r.kind} ${r.url}`);

describe('asset references, as the browser reads them', () => {
  it('finds classic and module scripts, stylesheets, modulepreload and script/style preloads', () => {
    expect(
      refs(`<!doctype html><head>
        <script src="/a.js"></script>
        <script type="module" src="/m.js"></script>
        <script type="text/javascript" src="/t.js"></script>
        <link rel="stylesheet" href="/s.css">
        <link rel="modulepreload" href="/chunk.js">
        <link rel="preload" as="script" href="/p.js">
        <link rel="preload" as="style" href="/p.css">
        <link rel="preload" as="font" href="/f.woff2">
        <link rel="icon" href="/favicon.ico">
      </head>`),
    ).toEqual([
      'script https://shop.example.com/a.js',
      'module https://shop.example.com/m.js',
      'script https://shop.example.com/t.js',
      'stylesheet https://shop.example.com/s.css',
      'module https://shop.example.com/chunk.js',
      'script https://shop.example.com/p.js',
      'stylesheet https://shop.example.com/p.css',
    ]);
  });

  it('resolves relative paths against the page and keeps query strings, not fragments', () => {
    expect(refs(`<script src="assets/a.js?v=3#x"></script><link rel=stylesheet href="../s.css?h=1">`)).toEqual([
      'script https://shop.example.com/app/assets/a.js?v=3',
      'stylesheet https://shop.example.com/s.css?h=1',
    ]);
  });

  it('resolves against the first <base href>, relative to the page', () => {
    const found = collectAssetRefs(
      `<base href="/static/build/"><base href="/other/"><script src="main.js"></script><link rel="stylesheet" href="./css/x.css">`,
      page,
    );
    expect(found.base).toBe('/static/build/');
    expect(found.refs.map((r) => r.url)).toEqual([
      'https://shop.example.com/static/build/main.js',
      'https://shop.example.com/static/build/css/x.css',
    ]);
    expect(found.refs[0]!.written).toBe('main.js');
  });

  it('ignores inline scripts, data blocks, import maps, empty src and non-http schemes', () => {
    expect(
      refs(`<script>var s = '<script src="/in-inline.js"><\\/script>';</script>
        <script type="importmap">{"imports":{}}</script>
        <script type="application/ld+json" src="/data.json"></script>
        <script src=""></script>
        <script src="data:text/javascript,1"></script>
        <link rel="stylesheet" href="">`),
    ).toEqual([]);
  });

  it('skips what the browser does not load: comments, <template>, <noscript>, SVG scripts, alternate or disabled stylesheets', () => {
    expect(
      refs(`<!doctype html><!-- <script src="/commented.js"></script> -->
        <template><script src="/template.js"></script></template>
        <noscript><link rel="stylesheet" href="/noscript.css"></noscript>
        <svg><script src="/svg.js"></script><link rel="stylesheet" href="/svg.css"></svg>
        <link rel="alternate stylesheet" href="/alt.css">
        <link rel="stylesheet" href="/off.css" disabled>
        <script src="/real.js"></script>`),
    ).toEqual(['script https://shop.example.com/real.js']);
  });

  it('keeps cross-origin references (the check decides not to fetch them) and names each once per kind', () => {
    expect(
      refs(`<script src="https://cdn.example.net/lib.js"></script><script src="//cdn.example.net/lib.js"></script>
        <link rel="modulepreload" href="/m.js"><script type="module" src="/m.js"></script>`),
    ).toEqual(['script https://cdn.example.net/lib.js', 'module https://shop.example.com/m.js']);
  });

  it('tells quirks mode (no doctype) from standards mode', () => {
    const sheet = '<link rel=stylesheet href=/s.css><p>hi';
    expect(collectAssetRefs(sheet, page).quirks).toBe(true);
    expect(collectAssetRefs(`<!doctype html>${sheet}`, page).quirks).toBe(false);
  });

  it('parses only a page that could name an asset, whatever the case of its tag names', () => {
    const parses = vi.mocked(visitInsertedElements);
    parses.mockClear();
    const plain = collectAssetRefs('<!doctype html><title>Shop</title><h1>Scripts &amp; links</h1><p>base', page);
    expect(plain).toEqual({ refs: [], quirks: false });
    expect(parses).not.toHaveBeenCalled();
    expect(refs('<SCRIPT SRC=/a.js></SCRIPT><LiNk ReL=stylesheet HREF=/s.css>')).toEqual([
      'script https://shop.example.com/a.js',
      'stylesheet https://shop.example.com/s.css',
    ]);
    const based = collectAssetRefs('<BASE HREF=/static/>', page);
    expect(based.base).toBe('/static/');
    expect(parses).toHaveBeenCalledTimes(2);
  });
});

function answer(status: number, headers: Record<string, string>, body: string): Observation {
  return { ...emptyObservation('GET', 'https://x/a.js', 0), status, headers, body, bodyBytes: Buffer.byteLength(body) };
}

describe('judging an asset answer', () => {
  const standards = { quirks: false };
  it('fails error statuses and transport errors', () => {
    expect(judgeAsset('script', answer(404, {}, 'nope'), standards)).toEqual({ kind: 'status' });
    expect(judgeAsset('stylesheet', answer(503, {}, 'x'), standards)).toEqual({ kind: 'status' });
    const refused = {
      ...emptyObservation('GET', 'https://x/a.js', 0),
      error: { kind: 'refused' as const, phase: 'connect' as const, code: 'ECONNREFUSED', message: '' },
    };
    expect(judgeAsset('script', refused, standards)).toEqual({ kind: 'transport' });
  });

  it('fails HTML where a script or stylesheet belongs, by content-type and by its first bytes', () => {
    expect(
      judgeAsset('module', answer(200, { 'content-type': 'text/html; charset=utf-8' }, '<!doctype html>'), standards),
    ).toEqual({ kind: 'html', by: 'content-type' });
    expect(
      judgeAsset(
        'script',
        answer(200, { 'content-type': 'application/javascript' }, '\n  <!DOCTYPE html>\n<html>'),
        standards,
      ),
    ).toEqual({ kind: 'html', by: 'sniffed' });
    expect(judgeAsset('stylesheet', answer(200, {}, '<!-- build 7 --><html lang="en">'), { quirks: true })).toEqual({
      kind: 'html',
      by: 'sniffed',
    });
  });

  it('fails an empty body, passes real scripts and stylesheets', () => {
    expect(judgeAsset('script', answer(200, { 'content-type': 'text/javascript' }, ''), standards)).toEqual({
      kind: 'empty',
    });
    expect(
      judgeAsset('module', answer(200, { 'content-type': 'text/javascript' }, 'import"./a.js"'), standards),
    ).toBeUndefined();
    expect(
      judgeAsset('stylesheet', answer(200, { 'content-type': 'text/css' }, '<!-- legacy CDO -->body{}'), standards),
    ).toBeUndefined();
    expect(judgeAsset('script', answer(200, {}, 'if (a < b) x()'), standards)).toBeUndefined();
  });

  it('fails only the content types browsers refuse for certain', () => {
    const octet = { 'content-type': 'application/octet-stream' };
    expect(judgeAsset('module', answer(200, octet, 'export{}'), standards)).toMatchObject({
      kind: 'type',
      needs: 'text/javascript',
    });
    expect(judgeAsset('script', answer(200, octet, 'x()'), standards)).toBeUndefined();
    expect(
      judgeAsset('script', answer(200, { ...octet, 'x-content-type-options': 'nosniff' }, 'x()'), standards),
    ).toMatchObject({ kind: 'type' });
    expect(judgeAsset('stylesheet', answer(200, { 'content-type': 'text/plain' }, 'a{}'), standards)).toMatchObject({
      kind: 'type',
      needs: 'text/css',
    });
    expect(
      judgeAsset('stylesheet', answer(200, { 'content-type': 'text/plain' }, 'a{}'), { quirks: true }),
    ).toBeUndefined();
  });

  it('sniffs only the WHATWG HTML signatures', () => {
    expect(looksLikeHtml('\ufeff<html>')).toBe(true);
    expect(looksLikeHtml('<body class="x">')).toBe(true);
    expect(looksLikeHtml('<bodyguard>')).toBe(false);
    expect(looksLikeHtml('"use strict";<div>')).toBe(false);
    expect(looksLikeHtml('<!-- unterminated')).toBe(false);
  });
});
