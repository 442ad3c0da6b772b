import type { BaselineComparison, RouteComparison, RouteOutcome, SideAnswer } from '../baseline/types.js';
import { formatP } from '../baseline/latency.js';
import { formatDuration } from '../config/duration.js';
import { forLog } from './escape.js';
import { cell, codeSpan, prose } from './markdown.js';
import type { Report } from './report.js';

/**
 * The comparison with the baseline, side by side (route · here · baseline · verdict), for the job summary,
 * the PR comment and the terminal. Pure; rendered only for runs with a `baseline-url`, so every other
 * report is unchanged byte for byte.
 */

const MAX_ROWS = 300;

const WORDS: Record<RouteOutcome, string> = {
  regressed: 'regressed',
  'already-broken': 'already broken',
  fixed: 'fixed',
  slower: 'slower',
  changed: 'changed',
  same: 'same',
  'not-compared': 'not compared',
};

const ICONS: Record<RouteOutcome, string> = {
  regressed: '❌',
  'already-broken': '⚪',
  fixed: '🟢',
  slower: '🐢',
  changed: '🔸',
  same: '✅',
  'not-compared': '➖',
};

/** "1 regression · 1 slower · 1 already broken (not counted) · 1 fixed": regressions apart from old breakage. */
export function baselineCounts(comparison: BaselineComparison): string {
  const { regressed, slower, alreadyBroken, fixed, changed } = comparison.counts;
  const parts = [
    `${regressed} regression${regressed === 1 ? '' : 's'}`,
    slower ? `${slower} slower` : '',
    alreadyBroken
      ? `${alreadyBroken} already broken there too${comparison.failOnBreakage ? '' : ' (not counted)'}`
      : '',
    fixed ? `${fixed} fixed` : '',
    changed ? `${changed} changed` : '',
  ].filter(Boolean);
  return parts.join(' · ');
}

export function baselineSection(report: Report, level: '###' | '####' = '###'): string | undefined {
  const comparison = report.baseline;
  if (!comparison) return undefined;
  const lines = [`${level} Compared with the baseline`, ''];
  if (!comparison.available) {
    lines.push(
      `${codeSpan(comparison.url)} is unavailable: ${prose(comparison.unavailableReason ?? 'no answer')}. The deploy was judged on its own; nothing here is counted against it.`,
    );
    return lines.join('\n');
  }
  lines.push(
    `${codeSpan(comparison.url)} · ${baselineCounts(comparison)} · latency budget ${codeSpan(comparison.latencyBudget)} at p < ${comparison.alpha} (Mann–Whitney U)`,
    '',
    '| | Route | Here | Baseline | Verdict |',
    '|---|---|---|---|---|',
  );
  const health = comparison.health;
  if (health) {
    const same = health.here.passed === health.baseline.passed;
    lines.push(
      `| ${health.here.passed ? '✅' : '❌'} | health | ${cell(prose(side(health.here)))} | ${cell(prose(side(health.baseline)))} | ${same ? 'same' : health.here.passed ? 'works here, fails there' : 'fails here, works there'} |`,
    );
  }
  for (const route of comparison.routes.slice(0, MAX_ROWS)) {
    lines.push(
      `| ${ICONS[route.outcome]} | ${cell(codeSpan(route.route))} | ${cell(prose(side(route.here, route.latency?.medianHereMs)))} | ${cell(prose(route.baseline ? side(route.baseline, route.latency?.medianBaselineMs) : '—'))} | ${cell(prose(verdictWords(route)))} |`,
    );
  }
  if (comparison.routes.length > MAX_ROWS) {
    lines.push(`| | … | | | ${comparison.routes.length - MAX_ROWS} more routes in the JSON report |`);
  }
  const { baselineRequests, extraRequestsHere, latencyMs } = comparison.cost;
  lines.push(
    '',
    `<sub>${baselineRequests} requests to the baseline, ${extraRequestsHere} extra timing requests here, ${formatDuration(latencyMs)} of timing in simultaneous pairs; connection set-up is not counted in the times.</sub>`,
  );
  return lines.join('\n');
}

/** "200 in 12ms", or with timing "200 · median 412ms". */
function side(answer: SideAnswer, medianMs?: number): string {
  if (medianMs === undefined) return answer.outcome;
  return `${answer.status ?? answer.outcome} · median ${formatDuration(medianMs)}`;
}

export function verdictWords(route: RouteComparison): string {
  const l = route.latency;
  if (route.outcome === 'slower' && l)
    return `slower: +${formatDuration(l.shiftMs)} (${l.ratio}×), p ${pWords(l.p)}, n ${l.nHere}/${l.nBaseline}`;
  const detail = [
    ...route.differences.slice(0, 2),
    ...(route.note ? [route.note] : []),
    ...(l && route.outcome !== 'not-compared' ? [timing(l.shiftMs, l.p)] : []),
  ];
  return `${WORDS[route.outcome]}${detail.length ? `: ${detail.join('; ')}` : ''}`;
}

function timing(shiftMs: number, p: number): string {
  return `latency ${shiftMs >= 0 ? '+' : '−'}${formatDuration(Math.abs(shiftMs))}, p ${pWords(p)}`;
}

function pWords(p: number): string {
  const text = formatP(p);
  return text.startsWith('<') ? text : `= ${text}`;
}

/** The terminal's lines for the comparison. */
export function baselineLines(report: Report): string[] {
  const comparison = report.baseline;
  if (!comparison) return [];
  if (!comparison.available)
    return ['', `  baseline ${forLog(comparison.url)}: unavailable (${forLog(comparison.unavailableReason ?? '')})`];
  const out = ['', `  baseline ${forLog(comparison.url)}: ${baselineCounts(comparison)}`];
  for (const route of comparison.routes) {
    out.push(
      `    ${ICONS[route.outcome]} ${forLog(route.route)}  here ${forLog(side(route.here, route.latency?.medianHereMs))}  baseline ${forLog(route.baseline ? side(route.baseline, route.latency?.medianBaselineMs) : '—')}  ${forLog(verdictWords(route))}`,
    );
  }
  return out;
}

/** A note for the route table's row of a route the baseline excused (broken there too, not counted). */
export function excusedNote(report: Report, label: string): string {
  const comparison = report.baseline;
  if (!comparison?.available || comparison.failOnBreakage) return '';
  const route = comparison.routes.find((r) => r.route === label);
  return route?.outcome === 'already-broken' ? ' · already broken on the baseline too (not counted)' : '';
}
