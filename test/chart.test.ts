import { describe, expect, it } from 'vitest';
import type { HealthAttempt } from '../src/readiness.js';
import { chartLabel, hasStory, MAX_HEALTH_BARS, MAX_ROUTE_BARS, mermaidChart } from '../src/report/chart.js';
import { renderSummary } from '../src/report/summary.js';
import { observe } from './support/fixtures.js';
import { gfmTree, nodesOf } from './support/gfm.js';
import { healthOk, readyHealth, reportOf, routeResult } from './support/reports.js';

/** The run as a Mermaid gantt chart: bounded whatever the run did, labels Mermaid reads as text. */

const TASK = /^ {2}[^:;#%"'<>[\]{}]+ :(crit|done|active), (\d+), (\d+)$/;

function taskLines(chart: string): string[] {
  return chart.split('\n').filter((l) => / :(crit|done|active), /.test(l));
}

describe('the Mermaid chart', () => {
  it('draws the wait, one bar per run of the same answer, and each route, every line a valid task', () => {
    const report = reportOf(readyHealth(healthOk()), [
      routeResult('/', observe('django-400-disallowed-host', { path: '/' })),
      routeResult('/ok/', observe('django-health-bypass', { path: '/ok/' })),
    ]);
    const chart = mermaidChart(report);
    expect(chart.split('\n').slice(0, 6)).toEqual([
      '```mermaid',
      'gantt',
      '  title Minutes and seconds since the gate started',
      '  dateFormat x',
      '  axisFormat %M:%S',
      '  tickInterval 1second',
    ]);
    const tasks = taskLines(chart);
    expect(tasks).toHaveLength(3 + 2);
    for (const line of tasks) {
      const [, , start, end] = TASK.exec(line) ?? [];
      expect(line, line).toMatch(TASK);
      expect(Number(end)).toBeGreaterThan(Number(start));
    }
    expect(tasks[0]).toMatch(/^ {2}refused \(ECONNREFUSED\) ×2 :crit, 0, 470$/);
    expect(tasks[3]).toMatch(/^ {2}\/ → 400 :crit/);
    expect(tasks[4]).toMatch(/^ {2}\/ok\/ → 200 :done/);
  });

  it('stays bounded: a long flapping wait and many routes become a fixed number of bars', () => {
    const attempts: HealthAttempt[] = Array.from({ length: 400 }, (_, i) => ({
      atMs: i * 250,
      status: i % 2 ? 503 : 502,
      healthy: false,
    }));
    const readiness = { ...readyHealth(healthOk()), attempts, readyAtMs: 100_000 };
    const routes = Array.from({ length: 60 }, (_, i) =>
      routeResult(`/r${i}/`, observe(i < 3 ? 'django-500' : 'django-health-bypass', { path: `/r${i}/` })),
    );
    const chart = mermaidChart(reportOf(readiness, routes));
    const tasks = taskLines(chart);
    expect(tasks.length).toBeLessThanOrEqual(MAX_HEALTH_BARS + 1 + MAX_ROUTE_BARS);
    expect(chart).toContain('more changes of answer');
    expect(chart).toMatch(/46 more routes, all OK :done/);
    // The failing routes are the ones drawn, not hidden in the count.
    for (const failing of ['/r0/', '/r1/', '/r2/']) expect(chart).toContain(`  ${failing} → 500`);
    expect(chart.length).toBeLessThan(4_000);
  });

  it('keeps route labels from the config as plain text', () => {
    expect(chartLabel('/a:b;c#d%%e "f" <script> [x] {y}')).toBe('/a b c d e f script x y');
    expect(chartLabel('x'.repeat(200))).toHaveLength(48);
    expect(chartLabel(':::')).toBe('route');
  });

  it('is drawn only when there is a story, and then beside its table', () => {
    const quick = { ...readyHealth(healthOk()), readyAtMs: 5, attempts: [{ atMs: 0, status: 200, healthy: true }] };
    const plain = reportOf(quick, [routeResult('/', observe('django-health-bypass', { path: '/' }))]);
    expect(hasStory(plain)).toBe(false);
    const waited = reportOf(readyHealth(healthOk()), [routeResult('/', observe('django-health-bypass'))]);
    expect(hasStory(waited)).toBe(true);
    const tree = gfmTree(renderSummary(waited));
    expect(nodesOf(tree, 'code').filter((c) => c.lang === 'mermaid')).toHaveLength(1);
    // health, the passing routes (folded), and the wait for screen readers
    expect(nodesOf(tree, 'table')).toHaveLength(3);
  });
});
