import { renderAnnotations, type Annotation } from '../report/annotations.js';
import { forLog, plain } from '../report/escape.js';
import { cell, codeSpan, prose } from '../report/markdown.js';
import type { Report, TargetSection } from '../report/report.js';
import { ICON, limit, renderSummary, SUMMARY_LIMIT } from '../report/summary.js';
import { renderTerminal, type TerminalOptions } from '../report/terminal.js';
import { outcomeWords } from './combine.js';

/**
 * A run with several targets, for each place it lands: the job summary (the sum, a table of targets,
 * then each target's own summary a heading level down), annotations (each target's, named), the
 * terminal, and the `targets` output. Pure: Report → text. The PR comment is in comment-sections.ts.
 */

export function renderTargetsSummary(report: Report): string {
  const targets = report.targets ?? [];
  const cause = report.cause ? ` · ${codeSpan(report.cause)}` : '';
  const parts = [
    `## ${ICON[report.verdict]} post-deploy-gate: ${report.verdict}${cause}`,
    `**${prose(report.summary)}**`,
    targetTable(targets),
  ];
  // Each section gets its share of GitHub's limit, so one huge target cannot push the others out.
  const share = Math.floor((SUMMARY_LIMIT - 4096) / Math.max(1, targets.length));
  for (const t of targets) parts.push(limit(sectionOf(renderSummary(t.report), t, '##'), share).trimEnd());
  return limit(parts.join('\n\n') + '\n', SUMMARY_LIMIT);
}

/** | | Target | Verdict | What it found | URL | */
export function targetTable(targets: TargetSection[]): string {
  const rows = ['| | Target | Verdict | What it found |', '|---|---|---|---|'];
  for (const t of targets) {
    const r = t.report;
    rows.push(
      `| ${ICON[r.verdict]} | ${cell(codeSpan(t.name))} | ${r.verdict}${r.cause ? ` · ${cell(codeSpan(r.cause))}` : ''} | ${cell(prose(r.summary))} |`,
    );
  }
  return rows.join('\n');
}

/**
 * A target's own summary one heading level down, its first heading naming the target. Lines inside
 * fenced blocks (response bodies, the chart) are never touched.
 */
export function sectionOf(markdown: string, t: TargetSection, top: '##' | '###'): string {
  let fence: string | undefined;
  let first = true;
  return markdown
    .split('\n')
    .map((line) => {
      if (fence) {
        if (line === fence) fence = undefined;
        return line;
      }
      const opening = /^(`{3,})/.exec(line);
      if (opening) {
        fence = opening[1];
        return line;
      }
      const heading = /^(#{2,5}) /.exec(line);
      if (!heading) return line;
      if (first && heading[1] === top) {
        first = false;
        const r = t.report;
        return `${top}# ${ICON[r.verdict]} ${prose(t.name)}: ${r.verdict}${r.cause ? ` · ${codeSpan(r.cause)}` : ''}`;
      }
      return `#${line}`;
    })
    .join('\n');
}

/** Each target's annotations, titled with its name; within GitHub's ten errors and ten warnings per step. */
export function renderTargetsAnnotations(report: Report): Annotation[] {
  const all = (report.targets ?? []).flatMap((t) =>
    renderAnnotations(t.report).map((a) => ({
      ...a,
      title: a.title.replace(/^post-deploy-gate: /, `post-deploy-gate (${plain(t.name)}): `),
    })),
  );
  const keep = (level: Annotation['level']) => {
    const list = all.filter((a) => a.level === level && !/ more (errors|warnings)$/.test(a.title));
    if (list.length <= 10) return list;
    return [
      ...list.slice(0, 9),
      {
        level,
        title: `post-deploy-gate: ${list.length - 9} more`,
        message: 'See the job summary and the JSON report for the rest.',
      },
    ];
  };
  return [...keep('error'), ...keep('warning'), ...keep('notice')];
}

export function renderTargetsTerminal(report: Report, options: TerminalOptions): string {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const out = [
    `${paint(1, 'post-deploy-gate')}: ${paint(report.verdict === 'pass' ? 32 : 31, report.verdict.toUpperCase())}${report.cause ? ` (${report.cause})` : ''}`,
    plain(report.summary),
  ];
  for (const t of report.targets ?? []) {
    out.push(
      '',
      paint(1, `── ${forLog(t.name)}: ${outcomeWords(t.report)} ──`),
      renderTerminal(t.report, options).trimEnd(),
    );
  }
  return out.join('\n') + '\n';
}

/** The `targets` output: one entry per target, for a workflow to branch on. */
export function targetsOutput(report: Report): string {
  return JSON.stringify(
    (report.targets ?? []).map((t) => ({
      name: t.name,
      verdict: t.report.verdict,
      cause: t.report.cause ?? '',
      summary: t.report.summary,
      url: t.report.url ?? '',
      ...(t.environment ? { environment: t.environment } : {}),
    })),
  );
}
