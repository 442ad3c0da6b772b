import { CAUSE_INFO } from '../diagnosis/catalogue/causes.js';
import { capped, plain } from './escape.js';
import type { Report } from './report.js';

/**
 * Annotations for the run: one error with the cause and the fix, then a few per-diagnosis and per-route
 * ones. GitHub keeps 10 errors and 10 warnings per step and drops the rest silently, so we stay under.
 */

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
  /** The repository line the fix goes to: the annotation shows there in the PR's Files view. */
  file?: string;
  line?: number;
}

const MAX_ERRORS = 10;
const MAX_WARNINGS = 10;
const MAX_MESSAGE = 4000;

export function renderAnnotations(report: Report): Annotation[] {
  const errors: Annotation[] = [];
  const warnings: Annotation[] = [];
  const level = report.verdict === 'inconclusive' ? 'warning' : 'error';
  const target = level === 'error' ? errors : warnings;

  if (report.configIssues?.length) {
    for (const issue of report.configIssues) {
      errors.push({
        level: 'error',
        title: `post-deploy-gate: invalid ${issue.input}`,
        message: `${issue.input}: ${issue.message}`,
      });
    }
  } else if (report.fault) {
    errors.push({ level: 'error', title: 'post-deploy-gate: internal fault', message: report.fault });
  }
  report.diagnoses.forEach((d, index) => {
    const routes =
      d.routes.length > 5 ? `${d.routes.slice(0, 5).join(', ')} and ${d.routes.length - 5} more` : d.routes.join(', ');
    target.push({
      level,
      title: `post-deploy-gate: ${d.cause}${index === 0 ? '' : ' (also)'} — ${CAUSE_INFO[d.cause].title}`,
      // The main one opens with the run's headline, which counts every failing route.
      message: `${index === 0 ? report.summary : d.headline}\nFix: ${d.fix}${d.alternative ? `\nOr: ${d.alternative}` : ''}\nRoutes: ${routes}\nEvidence: ${d.evidence.slice(0, 4).join(' | ')}`,
      ...(d.where ? { file: d.where.file, line: d.where.line } : {}),
    });
  });
  for (const warning of report.warnings)
    warnings.push({ level: 'warning', title: `post-deploy-gate: ${warningTitle(report, warning)}`, message: warning });

  const keep = (list: Annotation[], max: number, what: string): Annotation[] => {
    if (list.length <= max) return list;
    const kept = list.slice(0, max - 1);
    kept.push({
      level: list[0]!.level,
      title: `post-deploy-gate: ${list.length - kept.length} more ${what}`,
      message: 'See the job summary and the JSON report for the rest.',
    });
    return kept;
  };
  return [...keep(errors, MAX_ERRORS, 'errors'), ...keep(warnings, MAX_WARNINGS, 'warnings')].map((a) => ({
    ...(a.file ? { file: a.file, line: a.line } : {}),
    level: a.level,
    title: capped(plain(a.title), 200),
    message: capped(a.message.split('\n').map(plain).join('\n'), MAX_MESSAGE),
  }));
}

/**
 * What a warning is about, for its annotation's title: each producer's words begin its warning (a route's
 * label, `asset `, …). A warning this does not know is titled plainly rather than called something it is not.
 */
function warningTitle(report: Report, warning: string): string {
  const route = report.routes.find((r) => r.flaky && warning.startsWith(`${r.route.label} `));
  if (route) return route.warmedUpMs !== undefined ? 'route warmed up' : 'route passed after bad answers';
  if (/^\d+ same-origin assets? (was|were) not checked/.test(warning)) return 'assets not checked';
  if (warning.startsWith('asset ')) return 'asset passed on a retry';
  if (warning.startsWith('this commit also has deployments')) return 'other deployments not checked';
  if (warning.startsWith('discover (')) return 'discovery did not run';
  return 'warning';
}
