import { CAUSE_INFO } from '../diagnosis/catalogue/causes.js';
import type { Diagnosis } from '../diagnosis/compare.js';
import { formatDuration } from '../config/duration.js';
import { describeObservation } from '../http/describe.js';
import type { Observation } from '../http/observation.js';
import type { RouteResult } from '../smoke.js';
import { hasStory, mermaidChart, timelineTable } from './chart.js';
import { capped, headWithinBytes, utf8Bytes } from './escape.js';
import { diagnosisByRoute, evidenceBeyondTable } from './evidence.js';
import { cell, codeSpan, fenced, markdownLink, own, prose } from './markdown.js';
import { routeMeaning } from './phrases.js';
import type { DeploymentInfo } from '../deploy/deployment.js';
import type { Report } from './report.js';
import { assetAnswer, assetMeaning, assetPath, assetTotals, pageAssetsLine } from '../assets/summary.js';
import type { PageAssets } from '../assets/types.js';
import { discoverySection } from '../discover/summary.js';

/**
 * The job summary (GitHub Markdown). The first screen holds what a person acts on: verdict and cause,
 * the headline, the fix and where it goes. Then the table of health and every route, one evidence
 * section, the run as a chart (with its table, for screen readers), and each distinct failing answer
 * once. Pure: Report → text, within limits.
 */

/** GitHub refuses a step summary over 1 MiB (of UTF-8 bytes); stay well inside, with room for other steps. */
export const SUMMARY_LIMIT = 512 * 1024;
const EXCERPT_LIMIT = 2 * 1024;
const MAX_EXCERPTS = 10;
const MAX_ROUTE_ROWS = 300;
const MAX_ASSET_ROWS = 50;

/** A cancel nobody asked for is most often the job's own time limit. */
const CANCELLED_FIX =
  "Nothing was judged. If nobody cancelled the run, the job's `timeout-minutes` is shorter than the gate's `timeout`: raise the first or lower the second, then re-run.";

export const ICON: Record<Report['verdict'], string> = { pass: '✅', fail: '❌', inconclusive: '⚠️', error: '🛑' };

export function renderSummary(report: Report): string {
  const parts: string[] = [...firstScreen(report, '##')];
  if (report.fault) parts.push(`### Internal fault\n\n${fenced(report.fault)}`);
  if (report.routes.length || report.readiness) parts.push(routeTable(report));
  const assets = assetSection(report);
  if (assets) parts.push(assets);
  if (report.discovery) parts.push(discoverySection(report.discovery));
  if (report.diagnoses.length) parts.push(`### Evidence\n\n${evidenceSection(report)}`);
  // A warning about a route is said in its row; the rest are listed.
  const flaky = report.routes.filter((r) => r.flaky).map((r) => `${r.route.label} `);
  const warnings = report.warnings.filter((w) => !flaky.some((label) => w.startsWith(label)));
  if (warnings.length) parts.push('### Warnings\n\n' + warnings.map((w) => `- ${prose(w)}`).join('\n'));
  if (hasStory(report)) parts.push(timelineSection(report));
  const excerpts = excerptSection(report);
  if (excerpts) parts.push(excerpts);
  parts.push(footer(report));
  return limit(parts.join('\n\n') + '\n', SUMMARY_LIMIT);
}

/** Verdict, cause, headline, fix, where, configuration problems and the deployment: what to act on. */
export function firstScreen(report: Report, level: '##' | '###', scope = ''): string[] {
  const cause = report.cause ? ` · ${codeSpan(report.cause)}` : '';
  const parts = [`${level} ${ICON[report.verdict]} post-deploy-gate${scope}: ${report.verdict}${cause}`];
  parts.push(`**${prose(report.summary)}**`);
  if (report.configIssues?.length) {
    parts.push(report.configIssues.map((i) => `- ${codeSpan(i.input)}: ${own(i.message)}`).join('\n'));
  }
  const primary = report.diagnoses[0];
  if (primary) parts.push(`**Fix:** ${own(primary.fix)}`);
  else if (report.cancelled) parts.push(`**Fix:** ${own(CANCELLED_FIX)}`);
  const where = primary ? whereLine(primary) : undefined;
  if (where) parts.push(where);
  if (report.deployment) parts.push(deploymentLine(report.deployment));
  return parts;
}

/**
 * Health and every route. What needs a look comes first (health, failing, inconclusive and warned
 * routes, the watch, in their order); plain passes follow folded in a `<details>` with their count, so
 * the one failing route of 61 is the first row, whatever the number of routes.
 */
export function routeTable(report: Report): string {
  const header = ['| | Route | Answer | Time | What it means |', '|---|---|---|---|---|'];
  const rows = [...header];
  const passing: string[] = [];
  const r = report.readiness;
  const health = r?.last;
  if (r && health) {
    const meaning = r.ready
      ? `ready after ${formatDuration(r.readyAtMs!)} (${plural(r.attempts.length, 'request')})`
      : r.versionMixed
        ? `healthy, but ${r.versionMixed.old} of ${r.versionMixed.total} answers without the expected version`
        : r.versionless
          ? 'healthy, but shows no version at all'
          : r.versionMissing
            ? 'healthy, but without the expected version'
            : r.ended === 'cancelled'
              ? `not healthy before the cancel (${plural(r.attempts.length, 'request')})`
              : r.gaveUp
                ? `not ready: the same answer for ${formatDuration(r.gaveUp.overMs)}, so the wait stopped (${plural(r.attempts.length, 'request')})`
                : `never healthy (${plural(r.attempts.length, 'request')})`;
    rows.push(row(r.ready ? '✅' : '❌', `health ${new URL(health.url).pathname}`, health, meaning));
  }
  const byRoute = diagnosisByRoute(report.diagnoses);
  const pages = new Map(report.assets?.pages.map((p) => [p.route, p]));
  let unshown = 0;
  let passed = 0;
  for (const result of report.routes) {
    // A page that answers but whose scripts or stylesheets fail is a failing route too.
    const page = result.passed ? pages.get(result.route.label) : undefined;
    const broken = !!page?.failed.length;
    const icon = result.passed && !broken ? (result.flaky ? '⚠️' : '✅') : '❌';
    const meaning = result.passed
      ? broken
        ? `page OK, but ${firstFailingAsset(page!, report)}${page!.failed.length > 1 ? ` (${pageAssetsLine(page!)})` : ''}`
        : (result.flaky
            ? (warningFor(report, result.route.label) ??
              `warmed up after ${formatDuration(result.warmedUpMs ?? 0)} (${plural(result.attempts, 'answer')})`)
            : 'OK') + (page ? ` · ${pageAssetsLine(page)}` : '')
      : `${routeMeaning(result, byRoute.get(result.route.label))}${result.intermittent ? ` (${result.intermittent.bad} of ${result.intermittent.total} answers)` : ''}`;
    const into = icon === '✅' ? passing : rows;
    if (icon === '✅') passed++;
    // Every route is looked at (a failing one may be the 900th); rows beyond the cap are counted.
    if (into.length >= MAX_ROUTE_ROWS) unshown++;
    else into.push(row(icon, result.route.label, result.observation, meaning));
  }
  if (report.watch) rows.push(watchRow(report));
  const cut = unshown > 0 ? `| | … | | | ${unshown} more routes in the JSON report |` : undefined;
  if (passing.length === 0) return [...rows, ...(cut ? [cut] : [])].join('\n');
  const folded = [
    `<details><summary>✅ ${plural(passed, 'route')} passed</summary>`,
    '',
    ...header,
    ...passing,
    ...(cut ? [cut] : []),
    '',
    '</details>',
  ].join('\n');
  // A table with nothing but its header reads as empty: with every route passing, the fold stands alone.
  return rows.length > header.length ? `${rows.join('\n')}\n\n${folded}` : folded;
}

/** The page's first failing asset, in words ("its stylesheet /static/app.css: not found — static files …"). */
function firstFailingAsset(page: PageAssets, report: Report): string {
  const a = report.assets!.assets.find((x) => x.url === page.failed[0])!;
  const kind = a.kinds.includes('stylesheet') ? 'stylesheet' : 'script';
  return `its ${kind} ${assetPath(a.url)}: ${assetMeaning(a).replace(': ', ' — ')}`;
}

/** The failing and unchecked assets in full (passing ones are a count in the route table). */
function assetSection(report: Report): string | undefined {
  const check = report.assets;
  const failed = check?.assets.filter((a) => !a.passed) ?? [];
  if (!check || (failed.length === 0 && check.notChecked === 0)) return undefined;
  const lines = ['### Assets the pages load'];
  if (failed.length) {
    lines.push('', '| Page | Asset | Answer | What it means |', '|---|---|---|---|');
    for (const a of failed.slice(0, MAX_ASSET_ROWS)) {
      const pagesCell = `${a.routes.slice(0, 3).map(codeSpan).join(', ')}${a.routes.length > 3 ? ` and ${a.routes.length - 3} more` : ''}`;
      lines.push(
        `| ${cell(pagesCell)} | ${cell(`${prose(a.via)} ${codeSpan(assetPath(a.url))}`)} | ${cell(prose(assetAnswer(a)))} | ${cell(prose(assetMeaning(a)))} |`,
      );
    }
    if (failed.length > MAX_ASSET_ROWS)
      lines.push(`| | … | | ${failed.length - MAX_ASSET_ROWS} more in the JSON report |`);
  }
  lines.push('', prose(assetTotals(check)));
  return lines.join('\n');
}

function row(icon: string, label: string, o: RouteResult['observation'], meaning: string): string {
  return `| ${icon} | ${cell(codeSpan(label))} | ${cell(answer(o))} | ${formatDuration(o.timings.totalMs)} | ${cell(prose(meaning))} |`;
}

/** A route's own warning ("/products/ warmed up after 0.7 s: …"), without the label the row already shows. */
function warningFor(report: Report, label: string): string | undefined {
  return report.warnings.find((w) => w.startsWith(`${label} `))?.slice(label.length + 1);
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
  const seen = w.failing ? cell(answer(w.failing.observation)) : '—';
  const took = w.failing ? formatDuration(w.failing.observation.timings.totalMs) : '—';
  return `| ${icon} | ${cell(codeSpan(`watch ${formatDuration(w.windowMs)}`))} | ${seen} | ${took} | ${cell(prose(meaning))} |`;
}

/** Every diagnosis once: the main one without a heading of its own, the others under "Also". */
export function evidenceSection(report: Report): string {
  return report.diagnoses
    .map((d, i) =>
      i === 0 ? diagnosisBody(d, report) : `#### Also: ${CAUSE_INFO[d.cause].title}\n\n${also(d, report)}`,
    )
    .join('\n\n');
}

function also(d: Diagnosis, report: Report): string {
  const where = whereLine(d);
  const said = d.meaning ? `${capitalize(d.meaning)}.` : d.headline;
  return [own(said), `**Fix:** ${own(d.fix)}`, ...(where ? [where] : []), diagnosisBody(d, report)].join('\n\n');
}

function diagnosisBody(d: Diagnosis, report: Report): string {
  const who = d.who ? ` · answered by ${prose(d.who)}` : '';
  const labels = new Set(report.routes.map((r) => r.route.label));
  const routes = d.routes.filter((r) => labels.has(r));
  const covers = routes.length
    ? ` · ${routes.length === report.routes.length && routes.length > 1 ? `all ${routes.length} routes` : plural(routes.length, 'route')}`
    : '';
  const lines = [
    `${codeSpan(d.cause)}: ${CAUSE_INFO[d.cause].title} · layer ${d.layer}${who} · confidence ${d.confidence}${covers}`,
  ];
  const evidence = evidenceBeyondTable(d, report);
  if (evidence.length) lines.push('', ...evidence.map((e) => `- ${codeSpan(e)}`));
  if (d.alternative) lines.push('', `**Or:** ${own(d.alternative)}`);
  if (d.fingerprint) lines.push('', `Signature ${codeSpan(d.fingerprint.id)}, from ${prose(d.fingerprint.source)}`);
  return lines.join('\n');
}

/** Where in the repository the fix goes, or that no candidate was found. */
export function whereLine(d: Diagnosis): string | undefined {
  if (d.where) {
    const more = d.where.others ? ` (and ${d.where.others} more like it)` : '';
    return `**Where:** ${codeSpan(`${d.where.file}:${d.where.line}`)} — ${codeSpan(d.where.text)}${more}`;
  }
  return d.whereNote ? `**Where:** ${own(d.whereNote)}` : undefined;
}

/** Which deployment was waited for, how it ended, and where its log is. */
export function deploymentLine(d: DeploymentInfo): string {
  const what = d.source === 'deployment' ? 'GitHub deployment' : 'Commit status';
  const name = codeSpan(`${d.environment || 'deployment'}${d.id ? ` #${d.id}` : ''}`);
  const waited = d.waitedMs !== undefined ? ` after ${formatDuration(d.waitedMs)}` : '';
  const link = d.logUrl ? markdownLink('deployment log', d.logUrl) : '';
  return `${what} ${name} of ${codeSpan(d.sha.slice(0, 7))}: **${prose(d.state)}**${waited}${link ? ` · ${link}` : ''}`;
}

function timelineSection(report: Report): string {
  const table = timelineTable(report);
  const fold = table ? `\n\n<details><summary>The wait as a table</summary>\n\n${table}\n\n</details>` : '';
  return `### Timeline\n\n${mermaidChart(report)}${fold}`;
}

/** Each distinct failing answer once, with the routes that got it. */
function excerptSection(report: Report): string | undefined {
  const groups = new Map<string, { labels: string[]; status?: number; body: string; language: string }>();
  // A body short enough to be quoted whole in an evidence line needs no excerpt.
  const quoted = report.diagnoses.flatMap((d) => d.evidence);
  const add = (label: string, o: Observation) => {
    const whole = o.body.trim();
    if (!whole || quoted.some((line) => line.endsWith(`: ${whole}`))) return;
    const key = `${o.status}\n${o.body}`;
    const group = groups.get(key);
    if (group) group.labels.push(label);
    else groups.set(key, { labels: [label], status: o.status, body: o.body, language: languageOf(o) });
  };
  const health = report.readiness && !report.readiness.ready ? report.readiness.last : undefined;
  if (health) add(`health ${new URL(health.url).pathname}`, health);
  for (const r of report.routes) if (!r.passed) add(r.route.label, r.observation);
  if (!groups.size) return undefined;
  const blocks = [...groups.values()].slice(0, MAX_EXCERPTS).map((g) => {
    const who =
      g.labels.length > 3
        ? `${g.labels.slice(0, 3).map(codeSpan).join(', ')} and ${g.labels.length - 3} more`
        : g.labels.map(codeSpan).join(', ');
    return `${who} → ${g.status ?? 'no answer'}\n\n${fenced(capped(g.body, EXCERPT_LIMIT, '\n… (cut)'), g.language)}`;
  });
  const title =
    groups.size === 1
      ? `The failing answer (first ${EXCERPT_LIMIT / 1024} KiB)`
      : `The ${groups.size} different failing answers (first ${EXCERPT_LIMIT / 1024} KiB of each)`;
  return `<details><summary>${title}</summary>\n\n${blocks.join('\n\n')}\n\n</details>`;
}

/** The fence's language, for highlighting: what the body is, whatever the header claims. */
function languageOf(o: Observation): string {
  const type = o.headers['content-type'] ?? '';
  const start = o.body.trimStart();
  if (/json/i.test(type) || /^[[{]/.test(start)) return 'json';
  if (start.startsWith('<') && (!type || /html|xml/i.test(type))) return 'html';
  return '';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function footer(report: Report): string {
  const checked = report.url ? ` · checked ${codeSpan(report.url)}` : '';
  return `<sub>post-deploy-gate ${prose(report.version)}${checked} · ${formatDuration(report.durationMs)} in all · full details in the JSON report</sub>`;
}

function answer(o: RouteResult['observation']): string {
  if (o.error) return prose(describeObservation(o));
  const redirects = o.redirects.length ? ` (after ${plural(o.redirects.length, 'redirect')})` : '';
  return `${o.status}${redirects}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
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

export { markdownLink };
