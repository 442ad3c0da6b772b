import { CAUSE_INFO } from '../diagnosis/catalogue/causes.js';
import { formatDuration } from '../config/duration.js';
import { describeObservation } from '../http/describe.js';
import { forLog, plain } from './escape.js';
import { diagnosisByRoute, evidenceBeyondTable } from './evidence.js';
import { routeMeaning } from './phrases.js';
import type { Report } from './report.js';
import { discoveryLine, refusedSources } from '../discover/summary.js';
import { assetAnswer, assetMeaning, assetPath, pageAssetsLine } from '../assets/summary.js';

/** The CLI's report: readable in a terminal, coloured only when asked (a TTY). */

export interface TerminalOptions {
  color: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

export function renderTerminal(report: Report, options: TerminalOptions): string {
  const paint = (style: keyof typeof CODES, text: string) =>
    options.color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
  const verdictColor =
    report.verdict === 'pass' ? 'green' : report.verdict === 'fail' || report.verdict === 'error' ? 'red' : 'yellow';
  const out: string[] = [];
  out.push(
    `${paint('bold', 'post-deploy-gate')}: ${paint(verdictColor, report.verdict.toUpperCase())}${report.cause ? ` (${report.cause})` : ''}`,
  );
  out.push(plain(report.summary));
  for (const issue of report.configIssues ?? [])
    out.push(`  ${paint('red', '✗')} ${forLog(issue.input)}: ${plain(issue.message)}`);
  if (report.fault) out.push(`  ${paint('red', 'internal fault:')} ${forLog(report.fault)}`);

  const r = report.readiness;
  if (r?.last) {
    const state = r.ready
      ? paint('green', `ready after ${formatDuration(r.readyAtMs!)}`)
      : paint('red', r.versionMissing ? 'old version' : 'not ready');
    out.push(
      '',
      `  health ${forLog(new URL(r.last.url).pathname)}  ${forLog(describeObservation(r.last))}  ${state}  (${r.attempts.length} requests)`,
    );
  }
  const cause = diagnosisByRoute(report.diagnoses);
  const pages = new Map(report.assets?.pages.map((p) => [p.route, p]));
  const assets = new Map(report.assets?.assets.map((a) => [a.url, a]));
  for (const result of report.routes) {
    const page = result.passed ? pages.get(result.route.label) : undefined;
    const broken = !!page?.failed.length;
    const mark =
      result.passed && !broken ? (result.flaky ? paint('yellow', '~') : paint('green', '✓')) : paint('red', '✗');
    const note = result.passed
      ? result.flaky
        ? paint('yellow', ` warmed up after ${((result.warmedUpMs ?? 0) / 1000).toFixed(1)}s`)
        : ''
      : paint('red', `  ${forLog(routeMeaning(result, cause.get(result.route.label)))}`);
    const loads = page ? paint(broken ? 'red' : 'dim', `  · ${pageAssetsLine(page)}`) : '';
    out.push(
      `  ${mark} ${forLog(result.route.label)}  ${forLog(describeObservation(result.observation))}${note}${loads}`,
    );
    for (const url of page?.failed ?? []) {
      const a = assets.get(url)!;
      out.push(
        `      ${paint('red', '✗')} ${forLog(`${a.via} ${assetPath(a.url)}`)}  ${forLog(assetAnswer(a))}: ${forLog(assetMeaning(a))}`,
      );
    }
  }
  const d = report.discovery;
  if (d) {
    out.push(`  ${paint('dim', `discover: ${forLog(discoveryLine(d))}`)}`);
    for (const line of [...refusedSources(d).map((r) => `${r.url}: ${r.note}`), ...d.skipped])
      out.push(paint('dim', `    · ${forLog(line)}`));
  }
  const w = report.watch;
  if (w) {
    const span = `${((w.endedAtMs - w.startedAtMs) / 1000).toFixed(1)}s of ${(w.windowMs / 1000).toFixed(0)}s`;
    const line =
      w.ended === 'degraded'
        ? paint('red', `✗ watch ${span}: ${w.pattern}, ${w.badAnswers} of ${w.requests} answers bad`)
        : w.ended === 'cancelled'
          ? paint('yellow', `~ watch ${span}: cancelled, ${w.badAnswers} of ${w.requests} answers bad`)
          : paint('green', `✓ watch ${span}: ${w.rounds} rounds, ${w.badAnswers} bad answers`);
    out.push(`  ${line}`);
  }
  report.diagnoses.forEach((d, index) => {
    out.push(
      '',
      paint(
        'bold',
        `${index === 0 ? 'Cause' : 'Also'}: ${d.cause} — ${CAUSE_INFO[d.cause].title} (${d.layer}${d.who ? `, ${forLog(d.who)}` : ''}; confidence ${d.confidence})`,
      ),
    );
    // The main diagnosis's sentence is the headline above; the others' say what they cover.
    if (index > 0) out.push(`  ${plain(d.headline)}`);
    out.push(`  ${paint('bold', 'Fix:')} ${plain(d.fix)}`);
    if (d.where)
      out.push(`  ${paint('bold', 'Where:')} ${forLog(`${d.where.file}:${d.where.line}`)}  ${forLog(d.where.text)}`);
    else if (d.whereNote) out.push(`  ${paint('bold', 'Where:')} ${plain(d.whereNote)}`);
    for (const line of evidenceBeyondTable(d, report)) out.push(paint('dim', `    · ${forLog(line)}`));
    if (d.alternative) out.push(`  ${paint('bold', 'Or:')} ${plain(d.alternative)}`);
  });
  for (const warning of report.warnings) out.push(paint('yellow', `warning: ${forLog(warning)}`));
  return out.join('\n') + '\n';
}
