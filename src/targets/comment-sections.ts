import { COMMENT_LIMIT, commentMarker } from '../report/comment.js';
import { utf8Bytes } from '../report/escape.js';
import { codeSpan, markdownLink, prose } from '../report/markdown.js';
import type { Report, TargetSection } from '../report/report.js';
import { evidenceSection, firstScreen, ICON, limit, routeTable } from '../report/summary.js';
import type { Verdict } from '../verdict.js';
import { overall, targetsSentence, type TargetOutcome } from './combine.js';

/**
 * The one PR comment of a run with targets: a section per target between hidden markers, and a head
 * that sums up every section in the comment. A run rewrites only its own targets' sections and keeps
 * the others, so two workflows that each check one target share the comment without overwriting each
 * other. Read-modify-write: the publisher renders from the body it just read, and checks afterwards
 * that its sections are still there (another run may have written in between).
 */

export const TARGETS_KEY = 'targets';

interface SectionMeta extends TargetOutcome {
  /** Who wrote it: the run's start and URL, so a run can tell its own section from an older one. */
  at: string;
  run?: string;
}

interface Section {
  meta: SectionMeta;
  text: string;
}

const SECTION =
  /<!-- post-deploy-gate:section=([A-Za-z0-9%._~-]+) ([A-Za-z0-9+/=]+) -->\n[\s\S]*?\n<!-- post-deploy-gate:end=\1 -->/g;
const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'inconclusive', 'error'];

export interface SectionsContext {
  sha?: string;
  runUrl?: string;
}

export function renderTargetsComment(report: Report, context: SectionsContext, previousBody?: string): string {
  const sections = new Map(readSections(previousBody).map((s) => [s.meta.name, s]));
  const own = report.targets ?? [];
  // Each section gets its share of GitHub's limit, so one target's long table cannot push another out.
  const share = Math.floor(
    (COMMENT_LIMIT - 4096) / Math.max(1, new Set([...sections.keys(), ...own.map((t) => t.name)]).size),
  );
  for (const t of own) sections.set(t.name, renderSection(t, report, context, share));
  const all = [...sections.values()];
  const outcomes = all.map((s) => s.meta);
  const { verdict, lead } = overall(outcomes);
  const cause = lead?.cause ? ` · ${codeSpan(lead.cause)}` : '';
  const head = [
    commentMarker(TARGETS_KEY),
    `### ${ICON[verdict]} post-deploy-gate: ${verdict}${cause}`,
    `**${prose(targetsSentence(outcomes))}**`,
    [
      '| | Target | Verdict |',
      '|---|---|---|',
      ...all.map(
        (s) =>
          `| ${ICON[s.meta.verdict]} | ${codeSpan(s.meta.name)} | ${s.meta.verdict}${s.meta.cause ? ` · ${codeSpan(s.meta.cause)}` : ''} |`,
      ),
    ].join('\n'),
  ];
  return limit([...head, ...all.map((s) => s.text)].join('\n\n') + '\n', COMMENT_LIMIT);
}

/** Whether `body` still holds this run's sections (after a write that may have raced another run's). */
export function holdsSections(body: string | undefined, report: Report, context: SectionsContext): boolean {
  const found = new Map(readSections(body).map((s) => [s.meta.name, s.meta]));
  return (report.targets ?? []).every((t) => {
    const meta = found.get(t.name);
    return meta?.at === report.startedAt && meta.run === context.runUrl && meta.verdict === t.report.verdict;
  });
}

function renderSection(t: TargetSection, report: Report, context: SectionsContext, maxBytes: number): Section {
  const r = t.report;
  const meta: SectionMeta = {
    name: t.name,
    verdict: r.verdict,
    ...(r.cause ? { cause: r.cause } : {}),
    at: report.startedAt,
    ...(context.runUrl ? { run: context.runUrl } : {}),
  };
  const top = firstScreen(r, '###');
  top[0] = `#### ${ICON[r.verdict]} ${prose(t.name)}: ${r.verdict}${r.cause ? ` · ${codeSpan(r.cause)}` : ''}`;
  const parts = [...top];
  if (r.routes.length || r.readiness) parts.push(routeTable(r));
  if (r.diagnoses.length) parts.push(`<details><summary>Evidence</summary>\n\n${evidenceSection(r)}\n\n</details>`);
  const where = [
    context.runUrl ? markdownLink('workflow run', context.runUrl) : '',
    context.sha ? `commit ${codeSpan(context.sha.slice(0, 7))}` : '',
    r.url ? `checked ${codeSpan(r.url)}` : '',
    `${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
  ].filter(Boolean);
  parts.push(`<sub>${where.join(' · ')}</sub>`);
  const key = sectionKey(t.name);
  const open = `<!-- post-deploy-gate:section=${key} ${Buffer.from(JSON.stringify(meta)).toString('base64')} -->`;
  const close = `<!-- post-deploy-gate:end=${key} -->`;
  const body = limit(parts.join('\n\n'), Math.max(1024, maxBytes - utf8Bytes(open + close) - 2)).trimEnd();
  return { meta, text: `${open}\n${body}\n${close}` };
}

/** The sections of an earlier comment; anything unreadable is dropped (the next run writes it again). */
function readSections(body: string | undefined): Section[] {
  if (!body) return [];
  const sections: Section[] = [];
  for (const match of body.matchAll(SECTION)) {
    const meta = readMeta(match[2]!, match[1]!);
    if (meta) sections.push({ meta, text: match[0] });
  }
  return sections;
}

function readMeta(encoded: string, key: string): SectionMeta | undefined {
  try {
    const v = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Partial<SectionMeta> | null;
    const text = (x: unknown, max: number) => (typeof x === 'string' && x.length <= max ? x : undefined);
    const name = text(v?.name, 200);
    if (!v || !name || sectionKey(name) !== key || !VERDICTS.includes(v.verdict as Verdict)) return undefined;
    const cause = text(v.cause, 60);
    return {
      name,
      verdict: v.verdict!,
      ...(cause && /^[a-z-]+$/.test(cause) ? { cause } : {}),
      at: text(v.at, 40) ?? '',
      ...(text(v.run, 300) ? { run: v.run } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The name as it sits in a marker: percent-encoded, and nothing a comment or the pattern could trip on. */
function sectionKey(name: string): string {
  return encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
