import { describe, expect, it } from 'vitest';
import { renderComment } from '../src/report/comment.js';
import { cell, codeSpan, own, prose } from '../src/report/markdown.js';
import { renderSummary } from '../src/report/summary.js';
import { observe } from './support/fixtures.js';
import { ENTITY, firstScreen, gfmHtmlOf, gfmTree, nodesOf, rawProse, textOf } from './support/gfm.js';
import { healthOk, readyHealth, reportOf, routeResult } from './support/reports.js';

/** The summary and the comment as GitHub renders them (a spec-compliant GFM parser), and as raw text. */

const mixed = () =>
  reportOf(readyHealth(healthOk()), [
    routeResult('/', observe('django-400-disallowed-host', { path: '/' })),
    routeResult('/products/', observe('django-400-disallowed-host', { path: '/products/' })),
    routeResult('/static/app.css', observe('django-404', { path: '/static/app.css' })),
    routeResult('/about/', observe('django-health-bypass', { path: '/about/' })),
    routeResult('/contact/', observe('django-health-bypass', { path: '/contact/' })),
  ]);

const hostile = [
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '@octocat see #1 and https://evil.example/phish or www.evil.example',
  '| a | table | row |',
  '**bold** _em_ ~~gone~~ [link](https://evil.example) ![img](https://evil.example/x.png)',
  '&#95; &amp; `tick` ``` fence',
].join(' ');

describe('the headline', () => {
  it('counts every failing route and what each cause covers', () => {
    const report = mixed();
    expect(report.summary).toBe(
      'Health is fine, but 3 of 5 routes fail: 2 rejected for their Host (Django), 1 stylesheet missing.',
    );
    const tree = gfmTree(renderSummary(report));
    const rows = nodesOf(tree, 'tableRow').map(textOf);
    expect(rows.filter((r) => r.startsWith('❌'))).toHaveLength(3);
  });

  it('names three causes and counts the rest, the numbers adding up to every failing route', () => {
    const report = reportOf(readyHealth(healthOk()), [
      routeResult('/', observe('django-400-disallowed-host', { path: '/' })),
      routeResult('/app.css', observe('django-404', { path: '/app.css' })),
      routeResult('/boom/', observe('django-500', { path: '/boom/' })),
      routeResult('/api/', observe('nginx-502-refused', { path: '/api/' })),
      routeResult('/gone/', observe('nginx-404', { path: '/gone/' })),
      routeResult('/ok/', observe('django-health-bypass', { path: '/ok/' })),
    ]);
    expect(report.diagnoses).toHaveLength(5);
    const [, lead, parts] = /^(Health is fine, but 5 of 6 routes fail): (.*)\.$/.exec(report.summary) ?? [];
    expect(lead, report.summary).toBeDefined();
    expect(parts).toMatch(/^1 rejected for its Host \(Django\), 1 where the proxy cannot reach the app, /);
    expect(parts).toMatch(/, 2 more for 2 other causes$/);
    const counts = [...parts!.matchAll(/(?:^|, )(\d+) /g)].map((m) => Number(m[1]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('uses the one cause own words when a single cause covers every failure', () => {
    const report = reportOf(readyHealth(healthOk()), [
      routeResult('/', observe('django-500', { path: '/' })),
      routeResult('/ok/', observe('django-health-bypass', { path: '/ok/' })),
      routeResult('/missing/', observe('django-500', { path: '/missing/' })),
    ]);
    expect(report.summary).toMatch(/^Health is fine, but 2 of 3 routes fail: /);
  });
});

describe('evidence', () => {
  it("never calls the app's own 500 page a routing decision", () => {
    const report = reportOf(readyHealth(healthOk()), [routeResult('/', observe('django-500', { path: '/' }))]);
    expect(report.cause).toBe('app-error');
    const all = report.diagnoses.flatMap((d) => d.evidence).join('\n');
    expect(all).not.toMatch(/routing decision|nothing tried to serve/);
    expect(renderSummary(report)).not.toMatch(/routing decision/);
  });

  it('keeps the timing note where it tells the layer: a proxy answering 502 at once', () => {
    const report = reportOf(readyHealth(healthOk()), [
      routeResult('/', {
        ...observe('django-500', { path: '/' }),
        status: 503,
        headers: { server: 'nginx' },
        body: 'x',
      }),
    ]);
    expect(report.diagnoses[0]!.layer).toBe('proxy');
    expect(report.diagnoses[0]!.evidence.join('\n')).toMatch(/routing decision/);
  });

  it('says each request once: the table has the rows, the evidence what the rows do not', () => {
    const summary = renderSummary(mixed());
    expect(summary.match(/GET \/products\/ → 400/g)).toBeNull();
    expect(summary.match(/<title>Bad Request \(400\)<\/title>/g)?.length).toBe(2); // evidence line + one excerpt
    const tree = gfmTree(summary);
    expect(nodesOf(tree, 'heading').filter((h) => textOf(h) === 'Evidence')).toHaveLength(1);
    // Two different failing answers, each excerpted once.
    expect(nodesOf(tree, 'code').filter((c) => c.lang === 'html')).toHaveLength(2);
  });

  it('has no one-row timeline and says in "What it means" more than the cause id', () => {
    const summary = renderSummary(
      reportOf({ ...readyHealth(healthOk()), readyAtMs: 10, attempts: [{ atMs: 0, status: 200, healthy: true }] }, [
        routeResult('/', observe('django-400-disallowed-host', { path: '/' })),
      ]),
    );
    expect(summary).not.toContain('Timeline');
    expect(summary).not.toContain('mermaid');
    const rows = nodesOf(gfmTree(summary), 'tableRow');
    const meaning = textOf(rows[2]!.children[4]!);
    expect(meaning).toBe('Django rejected the Host');
  });
});

describe('GFM structure and raw text', () => {
  it('renders the summary: heading with verdict and cause, failing rows first, passing folded, the chart, folds, no live links', () => {
    const summary = renderSummary(mixed());
    const tree = gfmTree(summary);
    const heading = tree.children[0]!;
    expect(heading.type).toBe('heading');
    expect(textOf(heading)).toBe('❌ post-deploy-gate: fail · host-rejected');
    const tables = nodesOf(tree, 'table');
    // Health and the three routes that did not pass come first; the two passing routes are folded below.
    expect(tables[0]!.children).toHaveLength(5); // header, health, three routes that did not pass
    expect(tables[1]!.children).toHaveLength(3); // header, two passing routes
    for (const row of [...tables[0]!.children, ...tables[1]!.children]) expect(row.children).toHaveLength(5);
    expect(nodesOf(tree, 'code').filter((c) => c.lang === 'mermaid')).toHaveLength(1);
    expect(nodesOf(tree, 'link')).toHaveLength(0);
    const screen = firstScreen(summary);
    // Other routes pass on the same Host: the Host fix is given on a condition (low confidence).
    expect(screen).toContain(
      "Fix: If the app's log names a rejected Host for these requests: add shop.example.com to ALLOWED_HOSTS",
    );
  });

  it('reads cleanly raw: no entities, no <code>, the words as written', () => {
    for (const text of [renderSummary(mixed()), renderComment(mixed(), { key: 'default' })]) {
      expect(rawProse(text)).not.toMatch(ENTITY);
      expect(text).not.toContain('<code>');
      expect(text).toContain('`ALLOWED_HOSTS`');
    }
  });

  it('keeps deployment text inert when rendered: no tags, links, mentions or broken tables', () => {
    const report = reportOf(readyHealth(healthOk()), [
      routeResult('/', { ...observe('django-500', { path: '/' }), body: hostile, headers: { server: hostile } }),
    ]);
    report.diagnoses[0]!.who = hostile;
    report.summary = `${report.summary} ${hostile}`;
    for (const markdown of [renderSummary(report), renderComment(report, { key: 'default' })]) {
      const html = gfmHtmlOf(markdown);
      // Tags GitHub would keep: only ours.
      const tags = [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1]!.toLowerCase());
      expect(new Set(tags)).not.toContain('script');
      expect(new Set(tags)).not.toContain('img');
      expect(html).not.toMatch(/<a href="https?:\/\/(evil|www)/);
      expect(html).not.toMatch(/<(strong|em|del)>(bold|em|gone)</);
      const tree = gfmTree(markdown);
      // Text GitHub would scan for @mentions and #references: everything outside code.
      const prose = nodesOf(tree, 'text')
        .map((t) => t.value)
        .join(' ');
      expect(prose).not.toMatch(/@octocat|#1\b|https:\/\/evil/);
      expect(prose).toContain('alert(1)'); // shown, as text
      // Raw HTML that reaches the page: only the gate's own folds, sub-lines and markers.
      for (const node of nodesOf(tree, 'html'))
        expect(node.value).toMatch(/^<\/?(details|summary|sub)>|^<!-- post-deploy-gate:/);
      for (const table of nodesOf(tree, 'table').slice(0, 1))
        for (const row of table.children) expect(row.children).toHaveLength(5);
      expect(rawProse(markdown)).not.toMatch(/&#\d+;/);
    }
  });

  it('code spans and cells: sized to the content, pipes kept in their cell, no autolink inside code', () => {
    const md = `| a | b |\n|---|---|\n| ${cell(codeSpan('x | `y` https://evil.example'))} | ${cell(prose('p|q'))} |\n`;
    const tree = gfmTree(md);
    const cells = nodesOf(tree, 'tableCell');
    expect(cells).toHaveLength(4);
    expect(textOf(cells[2]!)).toBe('x | `y` https://evil.example');
    expect(textOf(cells[3]!)).toBe('p|q');
    expect(gfmHtmlOf(md)).not.toContain('<a ');
    expect(textOf(gfmTree(own("Set `ALLOWED_HOSTS` and the app's `https://x.example` origin")))).toBe(
      "Set ALLOWED_HOSTS and the app's https://x.example origin",
    );
  });
});
