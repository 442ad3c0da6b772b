import type { HealthAttempt } from '../readiness.js';
import { formatDuration } from '../config/duration.js';
import { describeObservation } from '../http/describe.js';
import { cell, prose } from './markdown.js';
import type { Report } from './report.js';
import type { WatchResult } from '../watch.js';

/**
 * The run as a picture: a Mermaid gantt chart (GitHub renders ```mermaid blocks) of the deployment
 * wait, the health polls grouped into runs of the same answer, and each route's request, on one time
 * axis. Bounded: a fixed number of bars whatever the run did, the rest counted in one bar. Labels come
 * from config and the deployment, so they are cut down to characters Mermaid takes as plain text.
 */

export const MAX_HEALTH_BARS = 12;
export const MAX_ROUTE_BARS = 15;
export const MAX_WATCH_BARS = 12;
/** Runs of answers drawn for one sampled route; more are counted in its last bar. */
const MAX_RUNS_PER_ROUTE = 6;

export interface Run {
  label: string;
  first: number;
  last: number;
  count: number;
  healthy: boolean;
}

/** Consecutive health answers that were the same become one run. */
export function compress(attempts: HealthAttempt[]): Run[] {
  const runs: Run[] = [];
  for (const a of attempts) {
    const label = `${a.error ?? a.status}${a.healthy ? (a.versionFound === false ? ' (healthy, old version)' : ' (healthy)') : ''}${a.retryAfterMs !== undefined ? `, Retry-After ${formatDuration(a.retryAfterMs)}` : ''}`;
    const last = runs.at(-1);
    if (last && last.label === label) {
      last.last = a.atMs;
      last.count++;
    } else runs.push({ label, first: a.atMs, last: a.atMs, count: 1, healthy: a.healthy && a.versionFound !== false });
  }
  return runs;
}

/**
 * Worth a picture: the wait changed answers, a route needed more than one try, or a deployment was
 * waited for before health was polled. One bar alone is not a timeline.
 */
export function hasStory(report: Report): boolean {
  const runs = compress(report.readiness?.attempts ?? []);
  const waited = report.deployment?.waitedMs !== undefined && runs.length > 0;
  return runs.length > 1 || report.routes.some((r) => r.attempts > 1) || waited || report.watch !== undefined;
}

interface Bar {
  label: string;
  tag: 'crit' | 'done' | 'active';
  start: number;
  end: number;
}

export function mermaidChart(report: Report): string {
  const sections: Array<[string, Bar[]]> = [];
  const d = report.deployment;
  if (d?.waitedMs !== undefined) {
    const ok = d.state === 'success';
    sections.push([
      'Deployment',
      [{ label: `${d.environment || 'deployment'} ${d.state}`, tag: ok ? 'done' : 'crit', start: 0, end: d.waitedMs }],
    ]);
  }
  const attempts = report.readiness?.attempts ?? [];
  if (attempts.length) sections.push(['Wait for health', healthBars(attempts, report.readiness?.readyAtMs)]);
  if (report.routes.length) sections.push(['Routes', routeBars(report)]);
  if (report.watch) sections.push(['Watch', watchBars(report.watch)]);

  const all = sections.flatMap(([, bars]) => bars);
  const span = Math.max(1, ...all.map((b) => b.end));
  // A bar shorter than this would not show; every bar stays visible at 1/150 of the axis.
  const minWidth = Math.max(1, Math.round(span / 150));
  const lines = [
    'gantt',
    '  title Minutes and seconds since the gate started',
    '  dateFormat x',
    '  axisFormat %M:%S',
    `  tickInterval ${tickInterval(span)}`,
  ];
  for (const [name, bars] of sections) {
    lines.push(`  section ${name}`);
    for (const bar of bars) {
      const start = Math.round(bar.start);
      const end = Math.max(Math.round(bar.end), start + minWidth);
      lines.push(`  ${chartLabel(bar.label)} :${bar.tag}, ${start}, ${end}`);
    }
  }
  return '```mermaid\n' + lines.join('\n') + '\n```';
}

function healthBars(attempts: HealthAttempt[], readyAtMs: number | undefined): Bar[] {
  const runs = compress(attempts);
  const bars = runs.map((run, i): Bar => ({
    label: `${run.label}${run.count > 1 ? ` ×${run.count}` : ''}`,
    tag: run.healthy ? 'done' : 'crit',
    start: run.first,
    // A run lasts until the next one began (or, for the last, until ready).
    end: runs[i + 1]?.first ?? readyAtMs ?? run.last,
  }));
  if (bars.length <= MAX_HEALTH_BARS) return bars;
  const head = bars.slice(0, MAX_HEALTH_BARS / 2);
  const tail = bars.slice(bars.length - (MAX_HEALTH_BARS / 2 - 1));
  const middle = bars.slice(head.length, bars.length - tail.length);
  const merged: Bar = {
    label: `${middle.length} more changes of answer`,
    tag: 'active',
    start: middle[0]!.start,
    end: middle.at(-1)!.end,
  };
  return [...head, merged, ...tail];
}

/** The watch: healthy stretches and the bad episodes between them, at most MAX_WATCH_BARS. */
function watchBars(w: WatchResult): Bar[] {
  const bars: Bar[] = [];
  let cursor = w.startedAtMs;
  for (const episode of w.episodes.slice(0, MAX_WATCH_BARS / 2)) {
    if (episode.fromMs > cursor) bars.push({ label: 'healthy', tag: 'done', start: cursor, end: episode.fromMs });
    const label = `failing ×${episode.rounds}`;
    bars.push({ label, tag: 'crit', start: episode.fromMs, end: episode.toMs });
    cursor = episode.toMs;
  }
  const more = w.episodes.length - MAX_WATCH_BARS / 2;
  if (more > 0) {
    const rest = w.episodes.slice(MAX_WATCH_BARS / 2);
    bars.push({ label: `${more} more failing episodes`, tag: 'crit', start: rest[0]!.fromMs, end: rest.at(-1)!.toMs });
    cursor = rest.at(-1)!.toMs;
  }
  if (w.endedAtMs > cursor && (w.episodes.length === 0 || w.ended !== 'degraded')) {
    const label = w.ended === 'cancelled' ? 'healthy until cancelled' : 'healthy';
    bars.push({ label, tag: 'done', start: cursor, end: w.endedAtMs });
  }
  if (w.ended === 'degraded') bars.at(-1)!.label += ` (watch ended: ${w.pattern})`;
  return bars;
}

/** A route's answers as runs of the same answer ("/checkout/ → 500 ×3"), at most `max` bars. */
function sampleBars(r: Report['routes'][number], max: number): Bar[] {
  if (max < 2) return [];
  const runs: Array<{ answer: string; good: boolean; first: number; count: number }> = [];
  for (const s of r.samples) {
    const answer = s.status !== undefined ? String(s.status) : s.outcome.split(' (')[0]!;
    const last = runs.at(-1);
    if (last && last.answer === answer && last.good === s.good) last.count++;
    else runs.push({ answer, good: s.good, first: s.atMs, count: 1 });
  }
  const end = r.observation.timings.startMs + r.observation.timings.totalMs;
  const bars = runs.map((run, i): Bar => ({
    label: `${r.route.label} → ${run.answer}${run.count > 1 ? ` ×${run.count}` : ''}`,
    tag: run.good ? 'done' : 'crit',
    start: run.first,
    end: runs[i + 1]?.first ?? end,
  }));
  if (bars.length <= max) return bars;
  const kept = bars.slice(0, max - 1);
  const rest = runs.slice(max - 1);
  const bad = rest.filter((run) => !run.good).reduce((n, run) => n + run.count, 0);
  const total = rest.reduce((n, run) => n + run.count, 0);
  kept.push({
    label: `${r.route.label} → ${total} more answers, ${bad} bad`,
    tag: bad ? 'crit' : 'done',
    start: rest[0]!.first,
    end,
  });
  return kept;
}

function routeBars(report: Report): Bar[] {
  // Failing routes first: they are the story; passing ones are counted when there is no room.
  const ordered = [...report.routes].sort((a, b) => Number(a.passed) - Number(b.passed));
  const bar = (r: (typeof ordered)[number]): Bar => {
    const o = r.observation;
    const answer = o.error ? o.error.kind : String(o.status);
    return {
      label: `${r.route.label} → ${answer}`,
      tag: r.passed ? 'done' : 'crit',
      start: o.timings.startMs,
      end: o.timings.startMs + o.timings.totalMs,
    };
  };
  // Routes sampled more than once (warm-up, alternating answers) show their runs of answers, while
  // there is room; a route answered once is one bar.
  const bars: Bar[] = [];
  let room = MAX_ROUTE_BARS;
  const expanded = new Set<(typeof ordered)[number]>();
  for (const r of ordered) {
    if (r.samples.length < 2) continue;
    const runs = sampleBars(r, Math.min(MAX_RUNS_PER_ROUTE, room - (ordered.length - expanded.size - 1)));
    if (runs.length === 0) continue;
    bars.push(...runs);
    room -= runs.length;
    expanded.add(r);
  }
  const single = ordered.filter((r) => !expanded.has(r));
  if (single.length <= room) return [...bars, ...single.map(bar)];
  const shown = [...bars, ...single.slice(0, room - 1).map(bar)];
  const rest = single.slice(room - 1).map(bar);
  const failing = single.slice(room - 1).filter((r) => !r.passed).length;
  shown.push({
    label: `${rest.length} more routes${failing ? `, ${failing} failing` : ', all OK'}`,
    tag: failing ? 'crit' : 'done',
    start: Math.min(...rest.map((b) => b.start)),
    end: Math.max(...rest.map((b) => b.end)),
  });
  return shown;
}

/** About five to fifteen ticks on the axis, at whole seconds or minutes (the axis shows mm:ss). */
function tickInterval(spanMs: number): string {
  const steps: Array<[number, string]> = [
    [15_000, '1second'],
    [75_000, '5second'],
    [225_000, '15second'],
    [900_000, '1minute'],
    [4_500_000, '5minute'],
  ];
  return steps.find(([limit]) => spanMs <= limit)?.[1] ?? '15minute';
}

/**
 * A task name Mermaid reads as plain text: no `:` (it starts the task's data), `;`, `#`, `%` (comments),
 * quotes, brackets or HTML; one line, at most 48 characters.
 */
export function chartLabel(text: string): string {
  const safe = text
    .replace(/[^\p{L}\p{N} ./_+×→,()=-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = safe.length > 48 ? `${safe.slice(0, 47)}…` : safe;
  return cut || 'route';
}

/** The chart's data as a table, for screen readers and plain-text readers. */
export function timelineTable(report: Report): string | undefined {
  const rows = ['| When | What | Answer |', '|---|---|---|'];
  const d = report.deployment;
  if (d?.waitedMs !== undefined)
    rows.push(`| 0s – ${formatDuration(d.waitedMs)} | deployment | ${cell(prose(d.state))} |`);
  const runs = compress(report.readiness?.attempts ?? []);
  for (const [i, run] of runs.entries()) {
    // The same span as the run's bar in the chart: until the next answer began, or until ready.
    const end = runs[i + 1]?.first ?? report.readiness?.readyAtMs ?? run.last;
    const when =
      end === run.first ? formatDuration(run.first) : `${formatDuration(run.first)} – ${formatDuration(end)}`;
    rows.push(`| ${when} | health (${run.count} request${run.count === 1 ? '' : 's'}) | ${cell(prose(run.label))} |`);
  }
  const w = report.watch;
  for (const bar of w ? watchBars(w) : []) {
    const failing =
      bar.tag === 'crit' && w!.failing ? `: ${describeObservation(w!.failing.observation)} (${w!.failing.label})` : '';
    rows.push(
      `| ${formatDuration(bar.start)} – ${formatDuration(bar.end)} | watch | ${cell(prose(`${bar.label}${failing}`))} |`,
    );
  }
  return rows.length > 3 ? rows.join('\n') : undefined;
}
