import { CAUSE_INFO } from '../diagnosis/catalogue/causes.js';
import { code, inline, ownMarkdown } from './escape.js';
import type { Report } from './report.js';
import { deploymentLine, diagnosisSection, ICON, limit, markdownLink, routeTable, whereLine } from './summary.js';

/**
 * The sticky PR comment: verdict, cause, fix, route table and evidence lines, with a link to the run.
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
  const scope = context.key === 'default' ? '' : ` (${inline(context.key)})`;
  const title = fixed
    ? `### ✅ post-deploy-gate${scope}: pass — fixed (was ${code(earlier[0]!.cause ?? earlier[0]!.verdict)})`
    : `### ${ICON[report.verdict]} post-deploy-gate${scope}: ${report.verdict}${report.cause ? ` — ${code(report.cause)}` : ''}`;

  const parts = [commentMarker(context.key), title, `**${ownMarkdown(report.summary)}**`];
  const primary = report.diagnoses[0];
  if (primary) parts.push(`**Fix:** ${ownMarkdown(primary.fix)}`);
  const whereText = primary ? whereLine(primary) : undefined;
  if (whereText) parts.push(whereText);
  if (report.configIssues?.length)
    parts.push(report.configIssues.map((i) => `- ${code(i.input)}: ${ownMarkdown(i.message)}`).join('\n'));
  if (report.deployment) parts.push(deploymentLine(report.deployment));
  if (report.routes.length || report.readiness) parts.push(routeTable(report));
  if (primary) {
    const sections = report.diagnoses.map((d, i) =>
      diagnosisSection(i === 0 ? 'Evidence' : `Also: ${CAUSE_INFO[d.cause].title}`, d),
    );
    parts.push(`<details><summary>Evidence</summary>\n\n${sections.join('\n\n')}\n\n</details>`);
  }
  const where = [
    context.runUrl ? markdownLink('workflow run', context.runUrl) : '',
    context.sha ? `commit ${code(context.sha.slice(0, 7))}` : '',
    report.url ? `checked ${ownMarkdown(`\`${report.url}\``)}` : '',
    `${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ].filter(Boolean);
  parts.push(`<sub>${where.join(' · ')} · the job summary has the response excerpts and the full timeline</sub>`);
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
      `| ${inline(e.at.slice(0, 16).replace('T', ' '))} | ${inline(e.verdict)} | ${e.cause ? code(e.cause) : ''} | ${e.sha ? code(e.sha.slice(0, 7)) : ''} | ${run} |`,
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
