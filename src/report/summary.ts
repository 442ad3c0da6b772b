import { CAUSE_INFO } from '../diagnosis/catalogue/causes.js';
import type { Diagnosis } from '../diagnosis/compare.js';
import { formatDuration } from '../config/duration.js';
import { describeObservation } from '../http/describe.js';
import type { HealthAttempt } from '../readiness.js';
import type { RouteResult } from '../smoke.js';
import { capped, code, fenced, headWithinBytes, inline, ownMarkdown, utf8Bytes } from './escape.js';
import type { DeploymentInfo } from '../deploy/deployment.js';
import type { Report } from './report.js';
import {
  assetAnswer,
  assetMeaning,
  assetPath,
  assetTotals,
  pageAssetsCause,
  pageAssetsLine,
} from '../assets/summary.js';

/**
 * The job summary (GitHub Markdown): verdict and cause first, the fix, a table of health and every
 * route, the evidence, the wait timeline, and response excerpts. Pure: Report → text, within limits.
 */

/** GitHub refuses a step summary over 1 MiB (of UTF-8 bytes); stay well inside, with room for other steps. */
export const SUMMARY_LIMIT = 512 * 1024;
const EXCERPT_LIMIT = 2 * 1024;
const MAX_EXCERPTS = 10;
const MAX_ROUTE_ROWS = 300;
const MAX_ASSET_ROWS = 50;

export const ICON: Record<Report['verdict'], string> = { pass: '✅', fail: '❌', inconclusive: '⚠️', error: '🛑' };

export function renderSummary(report: Report): string {
  const parts: string[] = [];
  const cause = report.cause ? ` — ${code(report.cause)}` : '';
  parts.push(`## ${ICON[report.verdict]} post-deploy-gate: ${report.verdict}${cause}`);
  parts.push(`**${ownMarkdown(report.summary)}**`);

  if (report.configIssues?.length) {
    parts.push(
      '### Configuration problems',
      report.configIssues.map((i) => `- ${code(i.input)}: ${ownMarkdown(i.message)}`).join('\n'),
    );
    parts.push('Nothing was requested: fix the inputs above and run again.');
  }
  if (report.fault) parts.push(`### Internal fault\n${fenced(report.fault)}`);

  const primary = report.diagnoses[0];
  if (primary) parts.push(`**Fix:** ${ownMarkdown(primary.fix)}`);
  const where = primary ? whereLine(primary) : undefined;
  if (where) parts.push(where);
  if (report.deployment) parts.push(deploymentLine(report.deployment));
  if (report.routes.length || report.readiness) parts.push(routeTable(report));
  const assets = assetSection(report);
  if (assets) parts.push(assets);
  if (primary) parts.push(diagnosisSection('Evidence', primary));
  for (const other of report.diagnoses.slice(1))
    parts.push(diagnosisSection(`Also: ${CAUSE_INFO[other.cause].title}`, other));
  if (report.warnings.length) parts.push('### Warnings\n' + report.warnings.map((w) => `- ${inline(w)}`).join('\n'));
  if (report.readiness?.attempts.length) parts.push(timeline(report));
  if (report.watch) parts.push(watchTimeline(report));
  const excerpts = excerptSection(report);
  if (excerpts) parts.push(excerpts);
  parts.push(footer(report));
  return limit(parts.join('\n\n') + '\n', SUMMARY_LIMIT);
}

export function routeTable(report: Report): string {
  const rows = ['| | Route | Answer | Time | What it means |', '|---|---|---|---|---|'];
  const health = report.readiness?.last;
  if (health && report.readiness) {
    const r = report.readiness;
    const meaning = r.ready
      ? `ready after ${formatDuration(r.readyAtMs!)} (${r.attempts.length} requests)`
      : r.versionMixed
        ? `healthy, but ${r.versionMixed.old} of ${r.versionMixed.total} answers without the expected version`
        : r.versionMissing
          ? 'healthy, but without the expected version'
          : r.gaveUp
            ? `not ready: the same answer for ${formatDuration(r.gaveUp.overMs)}, so the wait stopped (${r.attempts.length} requests)`
            : `not ready (${r.attempts.length} requests)`;
    rows.push(
      `| ${r.ready ? '✅' : '❌'} | ${code(`health ${new URL(health.url).pathname}`)} | ${answer(health)} | ${formatDuration(health.timings.totalMs)} | ${inline(meaning)} |`,
    );
  }
  const byRoute = causeByRoute(report.diagnoses);
  const pages = new Map(report.assets?.pages.map((p) => [p.route, p]));
  for (const result of report.routes.slice(0, MAX_ROUTE_ROWS)) {
    const page = result.passed ? pages.get(result.route.label) : undefined;
    const icon = result.passed && !page?.failed.length ? (result.flaky ? '⚠️' : '✅') : '❌';
    const meaning = result.passed
      ? (result.flaky
          ? `warmed up after ${formatDuration(result.warmedUpMs ?? 0)} (${result.attempts} answers)`
          : page?.failed.length
            ? 'page OK'
            : 'OK') +
        (page ? ` · ${pageAssetsLine(page)}` : '') +
        (page?.failed.length ? ` (${pageAssetsCause(page, report.assets!)})` : '')
      : `${byRoute.get(result.route.label) ?? 'failed'}${result.intermittent ? ` (${result.intermittent.bad} of ${result.intermittent.total} answers)` : ''}`;
    rows.push(
      `| ${icon} | ${code(result.route.label)} | ${answer(result.observation)} | ${formatDuration(result.observation.timings.totalMs)} | ${inline(meaning)} |`,
    );
  }
  if (report.watch) rows.push(watchRow(report));
  if (report.routes.length > MAX_ROUTE_ROWS) {
    rows.push(`| | … | | | ${report.routes.length - MAX_ROUTE_ROWS} more routes in the JSON report |`);
  }
  return rows.join('\n');
}

/** The failing and unchecked assets in full (passing ones are a count in the route table). */
function assetSection(report: Report): string | undefined {
  const check = report.assets;
  const failed = check?.assets.filter((a) => !a.passed) ?? [];
  if (!check || (failed.length === 0 && check.notChecked === 0)) return undefined;
  const lines = [`### Assets the pages load`];
  if (failed.length) {
    lines.push('| Page | Asset | Answer | What it means |', '|---|---|---|---|');
    for (const a of failed.slice(0, MAX_ASSET_ROWS)) {
      lines.push(
        `| ${code(a.routes.slice(0, 3).join(', '))}${a.routes.length > 3 ? ` and ${a.routes.length - 3} more` : ''} | ${inline(a.via)} ${code(assetPath(a.url))} | ${inline(assetAnswer(a))} | ${inline(assetMeaning(a))} |`,
      );
    }
    if (failed.length > MAX_ASSET_ROWS)
      lines.push(`| | … | | ${failed.length - MAX_ASSET_ROWS} more in the JSON report |`);
  }
  lines.push('', inline(assetTotals(check)));
  return lines.join('\n');
}

function causeByRoute(diagnoses: Diagnosis[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const d of diagnoses) for (const route of d.routes) if (!map.has(route)) map.set(route, d.cause);
  return map;
}

export function diagnosisSection(title: string, d: Diagnosis): string {
  const lines = [`### ${inline(title)}`];
  if (title !== 'Evidence') lines.push(ownMarkdown(d.headline), '', `**Fix:** ${ownMarkdown(d.fix)}`, '');
  const who = d.who ? ` · answered by ${inline(d.who)}` : '';
  lines.push(
    `Layer: **${d.layer}**${who} · confidence: ${d.confidence} · routes: ${d.routes.map((r) => code(r)).join(', ')}`,
    '',
  );
  lines.push(...d.evidence.map((e) => `- ${code(e)}`));
  if (d.alternative) lines.push('', `**Or:** ${ownMarkdown(d.alternative)}`);
  if (d.fingerprint)
    lines.push('', `<sub>Signature ${code(d.fingerprint.id)} — source: ${inline(d.fingerprint.source)}</sub>`);
  return lines.join('\n');
}

/** Where in the repository the fix goes, or that no candidate was found. */
export function whereLine(d: Diagnosis): string | undefined {
  if (d.where) {
    const more = d.where.others ? ` (and ${d.where.others} more like it)` : '';
    return `**Where:** ${ownMarkdown(`\`${d.where.file}:${d.where.line}\``)} — ${code(d.where.text)}${more}`;
  }
  return d.whereNote ? `**Where:** ${ownMarkdown(d.whereNote)}` : undefined;
}

/** Which deployment was waited for, how it ended, and where its log is. */
export function deploymentLine(d: DeploymentInfo): string {
  const what = d.source === 'deployment' ? 'GitHub deployment' : 'Commit status';
  const name = `${code(d.environment || 'deployment')}${d.id ? ` #${d.id}` : ''}`;
  const waited = d.waitedMs !== undefined ? ` after ${formatDuration(d.waitedMs)}` : '';
  const log = d.logUrl ? ` · ${markdownLink('deployment log', d.logUrl)}` : '';
  return `${what} ${name} of ${code(d.sha.slice(0, 7))}: **${inline(d.state)}**${waited}${log}`;
}

function timeline(report: Report): string {
  const runs = compress(report.readiness!.attempts);
  const rows = ['| When | Health answered | Requests |', '|---|---|---|'];
  for (const run of runs) {
    const when =
      run.first === run.last ? formatDuration(run.first) : `${formatDuration(run.first)} – ${formatDuration(run.last)}`;
    rows.push(`| ${when} | ${inline(run.label)} | ${run.count} |`);
  }
  const r = report.readiness!;
  const end = r.ready
    ? `ready at ${formatDuration(r.readyAtMs!)}`
    : r.ended === 'cancelled'
      ? 'cancelled'
      : r.ended === 'unchanging'
        ? 'stopped: waiting could not change the answer'
        : 'deadline reached';
  return `<details><summary>Wait timeline (${r.attempts.length} health requests, ${end})</summary>\n\n${rows.join('\n')}\n\n</details>`;
}

interface Run {
  label: string;
  first: number;
  last: number;
  count: number;
}

/** Consecutive attempts with the same answer become one row. */
export function compress(attempts: HealthAttempt[]): Run[] {
  const runs: Run[] = [];
  for (const a of attempts) {
    const label = `${a.error ?? a.status}${a.healthy ? (a.versionFound === false ? ' (healthy, old version)' : ' (healthy)') : ''}${a.retryAfterMs !== undefined ? `, Retry-After ${formatDuration(a.retryAfterMs)}` : ''}`;
    const last = runs.at(-1);
    if (last && last.label === label) {
      last.last = a.atMs;
      last.count++;
    } else runs.push({ label, first: a.atMs, last: a.atMs, count: 1 });
  }
  return runs;
}

function excerptSection(report: Report): string | undefined {
  const failed: RouteResult[] = report.routes.filter((r) => !r.passed && r.observation.body).slice(0, MAX_EXCERPTS);
  const health = report.readiness && !report.readiness.ready ? report.readiness.last : undefined;
  const blocks: string[] = [];
  if (health?.body) blocks.push(excerpt(`health ${new URL(health.url).pathname}`, health.status, health.body));
  for (const r of failed) blocks.push(excerpt(r.route.label, r.observation.status, r.observation.body));
  if (!blocks.length) return undefined;
  return `<details><summary>Response excerpts (first ${EXCERPT_LIMIT / 1024} KiB of each failing answer)</summary>\n\n${blocks.join('\n\n')}\n\n</details>`;
}

function excerpt(label: string, status: number | undefined, body: string): string {
  return `${code(label)} → ${status ?? '—'}\n\n${fenced(capped(body, EXCERPT_LIMIT, '\n… (cut)'), 'html')}`;
}

function footer(report: Report): string {
  const checked = report.url ? ` · checked ${ownMarkdown(`\`${report.url}\``)}` : '';
  return `<sub>post-deploy-gate ${inline(report.version)}${checked} · ${formatDuration(report.durationMs)} in all · full details in the JSON report</sub>`;
}

function answer(o: RouteResult['observation']): string {
  if (o.error) return inline(describeObservation(o));
  const redirects = o.redirects.length
    ? ` (after ${o.redirects.length} redirect${o.redirects.length === 1 ? '' : 's'})`
    : '';
  return `${o.status}${inline(redirects)}`;
}

/**
 * Cuts to `maxBytes` of UTF-8 (what GitHub counts) at a line boundary and says so, so a reader knows
 * the rest is in the JSON report.
 */
export function limit(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  const note = "\n\n> ✂️ This summary was cut to stay within GitHub's size limit; the JSON report has everything.\n";
  const head = headWithinBytes(text, maxBytes - utf8Bytes(note));
  const cut = head.lastIndexOf('\n');
  return (cut > 0 ? head.slice(0, cut) : head) + note;
}

/** A Markdown link, only for a plain http(s) URL; anything else is dropped rather than made live. */
export function markdownLink(label: string, url: string): string {
  return /^https?:\/\/[^\s()<>]+$/.test(url) ? `[${inline(label)}](${encodeURI(url)})` : '';
}

/** The watch in the route table: one row, its outcome in words. */
function watchRow(report: Report): string {
  const w = report.watch!;
  const ready = report.readyAfterMs ?? w.startedAtMs;
  const icon = w.ended === 'degraded' ? '❌' : w.ended === 'cancelled' ? '🛑' : w.badAnswers ? '⚠️' : '✅';
  const meaning =
    w.ended === 'degraded'
      ? `${w.pattern} from ${formatDuration(w.firstBadAtMs! - ready)} after ready (${w.badAnswers} of ${w.requests} answers bad)`
      : w.ended === 'cancelled'
        ? `cancelled after ${formatDuration(w.endedAtMs - w.startedAtMs)} (${w.rounds} rounds, ${w.badAnswers} bad answers)`
        : `${w.rounds} rounds, ${w.badAnswers ? `${w.badAnswers} bad answer(s), none lasting` : 'all healthy'}`;
  const seen = w.failing ? answer(w.failing.observation) : '—';
  const took = w.failing ? formatDuration(w.failing.observation.timings.totalMs) : '—';
  return `| ${icon} | ${code(`watch ${formatDuration(w.windowMs)}`)} | ${seen} | ${took} | ${inline(meaning)} |`;
}

/** The watch on the timeline: when it began after ready, the bad stretches, and how it ended. */
function watchTimeline(report: Report): string {
  const w = report.watch!;
  const ready = report.readyAfterMs ?? w.startedAtMs;
  const rows = ['| After ready | Seen | Rounds |', '|---|---|---|'];
  let cursor = w.startedAtMs;
  for (const episode of w.episodes.slice(0, 50)) {
    if (episode.fromMs > cursor)
      rows.push(`| ${formatDuration(cursor - ready)} – ${formatDuration(episode.fromMs - ready)} | healthy | |`);
    const what =
      w.failing && episode === w.episodes.at(-1)
        ? `failing: ${describeObservation(w.failing.observation)} (${w.failing.label})`
        : 'failing';
    rows.push(
      `| ${formatDuration(episode.fromMs - ready)} – ${formatDuration(episode.toMs - ready)} | ${inline(what)} | ${episode.rounds} |`,
    );
    cursor = episode.toMs;
  }
  if (w.endedAtMs > cursor && (w.episodes.length === 0 || w.ended !== 'degraded'))
    rows.push(`| ${formatDuration(cursor - ready)} – ${formatDuration(w.endedAtMs - ready)} | healthy | |`);
  const end =
    w.ended === 'degraded' ? `ended early: ${w.pattern}` : w.ended === 'cancelled' ? 'cancelled' : 'window completed';
  return `<details><summary>Watch timeline (${w.rounds} rounds over ${formatDuration(w.endedAtMs - w.startedAtMs)} of ${formatDuration(w.windowMs)}, ${end})</summary>\n\n${rows.join('\n')}\n\n</details>`;
}
