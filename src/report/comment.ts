import { cell, codeSpan, markdownLink, prose } from './markdown.js';
import type { Report } from './report.js';
import { evidenceSection, firstScreen, limit, routeTable } from './summary.js';
import { baselineSection } from './baseline.js';

/**
 * The sticky PR comment: the summary's first screen, the route table and the evidence (folded), with a link
 * to the run.
 * No response bodies (those stay in the job summary). A hidden marker finds it again; another keeps the
 * earlier runs, so a pass after a failure says "fixed" instead of silently replacing the history.
 */

/** GitHub refuses comments over 65,536 characters; counted here in UTF-8 bytes, which is never fewer. */
export const COMMENT_LIMIT = 60_000;
const MAX_HISTORY = 10;

export interface RunEntry {
  at: string;
  verdict: Report['verdict'];
  cause?: string;
  sha?: string;
  runUrl?: string;
}

export interface CommentContext {
  key: string;
  sha?: string;
  runUrl?: string;
  /** The body of this gate's earlier comment on the PR, if any. */
  previousBody?: string;
}

export function commentMarker(key: string): string {
  return `<!-- post-deploy-gate:key=${encodeURIComponent(key)} -->`;
}

export function renderComment(report: Report, context: CommentContext): string {
  const previous = readHistory(context.previousBody);
  const current: RunEntry = {
    at: report.startedAt,
    verdict: report.verdict,
    cause: report.cause,
    sha: context.sha,
    runUrl: context.runUrl,
  };
  const earlier = previous ? [previous.current, ...previous.earlier].slice(0, MAX_HISTORY) : [];
  const fixed = report.verdict === 'pass' && earlier[0] && earlier[0].verdict !== 'pass';
  const scope = context.key === 'default' ? '' : ` (${prose(context.key)})`;
  const top = firstScreen(report, '###', scope);
  if (fixed)
    top[0] = `### ✅ post-deploy-gate${scope}: pass · fixed (was ${codeSpan(earlier[0]!.cause ?? earlier[0]!.verdict)})`;

  const parts = [commentMarker(context.key), ...top];
  if (report.routes.length || report.readiness) parts.push(routeTable(report));
  const baseline = baselineSection(report, '####');
  if (baseline) parts.push(baseline);
  if (report.diagnoses.length) {
    parts.push(`<details><summary>Evidence</summary>\n\n${evidenceSection(report)}\n\n</details>`);
  }
  const where = [
    context.runUrl ? markdownLink('workflow run', context.runUrl) : '',
    context.sha ? `commit ${codeSpan(context.sha.slice(0, 7))}` : '',
    report.url ? `checked ${codeSpan(report.url)}` : '',
    `${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ].filter(Boolean);
  parts.push(`<sub>${where.join(' · ')} · the job summary has the full details</sub>`);
  if (earlier.length) parts.push(historyTable(earlier));
  parts.push(
    `<!-- post-deploy-gate:history=${Buffer.from(JSON.stringify({ current, earlier })).toString('base64')} -->`,
  );
  return limit(parts.join('\n\n') + '\n', COMMENT_LIMIT);
}

function historyTable(entries: RunEntry[]): string {
  const rows = ['| When (UTC) | Verdict | Cause | Commit | Run |', '|---|---|---|---|---|'];
  for (const e of entries) {
    const run = e.runUrl ? markdownLink('run', e.runUrl) : '';
    rows.push(
      `| ${cell(prose(e.at.slice(0, 16).replace('T', ' ')))} | ${cell(prose(e.verdict))} | ${e.cause ? cell(codeSpan(e.cause)) : ''} | ${e.sha ? cell(codeSpan(e.sha.slice(0, 7))) : ''} | ${run} |`,
    );
  }
  return `<details><summary>Earlier runs (${entries.length})</summary>\n\n${rows.join('\n')}\n\n</details>`;
}

/** The runs recorded in an earlier comment; anything unreadable counts as no history. */
export function readHistory(body: string | undefined): { current: RunEntry; earlier: RunEntry[] } | undefined {
  const match = body && /<!-- post-deploy-gate:history=([A-Za-z0-9+/=]+) -->/.exec(body);
  if (!match) return undefined;
  try {
    const data = JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')) as {
      current?: unknown;
      earlier?: unknown;
    };
    const entry = (value: unknown): RunEntry | undefined => {
      const v = value as Partial<RunEntry> | null;
      if (!v || typeof v.at !== 'string' || !['pass', 'fail', 'inconclusive', 'error'].includes(String(v.verdict)))
        return undefined;
      const text = (x: unknown) => (typeof x === 'string' ? x.slice(0, 200) : undefined);
      return {
        at: v.at.slice(0, 40),
        verdict: v.verdict!,
        cause: text(v.cause),
        sha: text(v.sha),
        runUrl: text(v.runUrl),
      };
    };
    const current = entry(data.current);
    if (!current) return undefined;
    const earlier = (Array.isArray(data.earlier) ? data.earlier : []).map(entry).filter((e): e is RunEntry => !!e);
    return { current, earlier };
  } catch {
    return undefined;
  }
}
