import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mermaidChart } from '../../src/report/chart.js';
import { renderComment } from '../../src/report/comment.js';
import { renderJson } from '../../src/report/json.js';
import type { Report } from '../../src/report/report.js';
import { renderSummary } from '../../src/report/summary.js';
import { renderTerminal } from '../../src/report/terminal.js';
import { BASELINE_SITE, gateRun } from '../support/gate.js';
import { gfmTree, nodesOf, textOf } from '../support/gfm.js';
import { startServer, text, type TestServer } from '../support/servers.js';

/** How a comparison with a baseline reads: side by side, regressions counted apart from old breakage. */

const ok = text(200, '<h1>shop</h1>');
const appError = text(500, '<h1>Server Error (500)</h1>');
let here: TestServer;
let there: TestServer;
let report: Report;

beforeAll(async () => {
  here = await startServer({ '/health': ok, '/': ok, '/cart': appError, '/legacy': appError, '/new': ok });
  // The deployment's own text lands in the table: it must stay inert (a mention, a link, a pipe).
  const hostile = text(500, '@octocat [x](https://evil.example) | boom', { server: 'nginx' });
  there = await startServer({ '/health': ok, '/': ok, '/cart': ok, '/legacy': appError, '/new': hostile });
  report = await gateRun(here, {
    routes: '/\n/cart\n/legacy\n/new',
    'baseline-url': `http://${BASELINE_SITE}:${there.port}`,
    retries: '0',
  });
});
afterAll(async () => {
  await Promise.all([here.close(), there.close()]);
});

describe('a report with a baseline', () => {
  it('the headline counts the regression apart from the old breakage', () => {
    expect(report.verdict).toBe('fail');
    expect(report.summary).toMatch(
      /^Health is fine, but 1 of 3 routes fails: .*\. Against the baseline: 1 regression, 1 already broken on the baseline \(not counted\), 1 fixed\.$/,
    );
  });

  it('the job summary has one side-by-side table: route · here · baseline · verdict', () => {
    const summary = renderSummary(report);
    const tree = gfmTree(summary);
    const tables = nodesOf(tree, 'table');
    const side = tables.find((t) => textOf(t.children[0]!).includes('Baseline'))!;
    expect(side.children[0]!.children.map(textOf)).toEqual(['', 'Route', 'Here', 'Baseline', 'Verdict']);
    const rows = side.children.slice(1).map((r) => r.children.map(textOf));
    expect(rows.map((r) => [r[1], r[4]!.split(':')[0]])).toEqual([
      ['health', 'same'],
      ['/', 'same'],
      ['/cart', 'regressed'],
      ['/legacy', 'already broken'],
      ['/new', 'fixed'],
    ]);
    expect(rows[2]![2]).toMatch(/^500 in/);
    expect(rows[2]![3]).toMatch(/^200 in/);
    expect(summary).toContain('1 regression · 1 already broken there too (not counted) · 1 fixed');
    // Nothing from the baseline's answer became a link or a mention.
    expect(nodesOf(tree, 'link')).toHaveLength(0);
    expect(summary).not.toContain('@octocat');
  });

  it('the PR comment carries the same table', () => {
    const comment = renderComment(report, { key: 'default' });
    expect(comment).toContain('#### Compared with the baseline');
    expect(comment).toMatch(/\| ❌ \| `\/cart` \| 500 in .* \| 200 in .* \| regressed \|/);
  });

  it('the JSON report carries both sides and the test statistics', () => {
    const json = JSON.parse(renderJson(report)) as Report;
    expect(json.baseline?.baselineRoutes.map((r) => r.route.label)).toEqual(['/', '/cart', '/legacy', '/new']);
    const root = json.baseline?.routes.find((r) => r.route === '/');
    expect(root?.latency).toMatchObject({ nHere: 12, nBaseline: 12 });
    expect(Object.keys(root!.latency!)).toEqual(
      expect.arrayContaining(['u', 'p', 'z', 'shiftMs', 'ratio', 'commonLanguage', 'medianHereMs', 'medianBaselineMs']),
    );
  });

  it('the chart shows both sides', () => {
    const chart = mermaidChart(report);
    expect(chart).toContain('section Routes');
    expect(chart).toContain('section Baseline routes');
    expect(chart).toMatch(/section Baseline routes\n(?:.*\n)*?\s+\/cart → 200 :done/);
  });

  it('the terminal lists the comparison', () => {
    const out = renderTerminal(report, { color: false });
    expect(out).toMatch(/baseline http:\/\/prod\.example\.com:\d+\/: 1 regression · 1 already broken/);
    expect(out).toMatch(/❌ \/cart {2}here 500 in .* {2}baseline 200 in .* {2}regressed/);
  });
});

describe('the route table', () => {
  it('says which failing route is old breakage', () => {
    const summary = renderSummary(report);
    expect(summary).toMatch(
      /\| ❌ \| `\/legacy` \| 500 \| .* \| answered 500 · already broken on the baseline too \(not counted\) \|/,
    );
    expect(summary).not.toMatch(/`\/cart` .*already broken/);
  });
});
