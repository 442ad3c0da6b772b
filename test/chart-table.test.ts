import { describe, expect, it } from 'vitest';
import { mermaidChart, timelineTable } from '../src/report/chart.js';
import { healthOk, readyHealth, reportOf } from './support/reports.js';

/** Issue 22 item 6: the wait as a table says the same spans as the chart's bars. */

describe('the wait table and the chart', () => {
  it('give each run of health answers the same start and end', () => {
    const report = reportOf(readyHealth(healthOk()), []);
    const chart = mermaidChart(report);
    const section = chart.slice(
      chart.indexOf('section Wait for health'),
      chart.indexOf('section', chart.indexOf('section Wait for health') + 8),
    );
    const bars = [...section.matchAll(/:(?:done|crit), (\d+), (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const table = timelineTable(report)!;
    const seconds = (t: string) => (t.endsWith('ms') ? Number(t.slice(0, -2)) / 1000 : Number(t.slice(0, -1)));
    const spans = [...table.matchAll(/^\| ([\d.]+m?s)(?: – ([\d.]+m?s))? \| health/gm)].map((m) => [
      seconds(m[1]!),
      seconds(m[2] ?? m[1]!),
    ]);
    expect(bars.length).toBe(3);
    expect(spans.length).toBe(bars.length);
    bars.forEach(([start, end], i) => {
      expect(spans[i]![0]).toBeCloseTo(start! / 1000, 1);
      expect(spans[i]![1]).toBeCloseTo(end! / 1000, 1);
    });
  });
});
