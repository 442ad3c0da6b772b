import type { Diagnosis } from '../diagnosis/compare.js';
import type { ReadinessResult } from '../readiness.js';
import type { RouteResult } from '../smoke.js';
import { countedCause } from './phrases.js';

/**
 * The one sentence that goes into notifications and chat (the `summary` output, the first line of the
 * summary, the comment and the terminal). It counts every failing route, not only the main cause's, and
 * says how many the other causes cover: "3 of 5 routes fail: 2 rejected for their Host (Django), 1
 * stylesheet missing." Plain text: no Markdown, no backticks.
 */

export interface HeadlineInput {
  readiness?: ReadinessResult;
  routes: RouteResult[];
  /** Ordered: the first is the main cause. */
  diagnoses: Diagnosis[];
  /** The verdict is inconclusive: the routes were not measured, so they "could not be checked". */
  inconclusive?: boolean;
}

/** Causes named one by one; the rest are counted together. */
const NAMED_CAUSES = 3;

export function headline(input: HeadlineInput): string {
  const { readiness, routes, diagnoses } = input;
  const labels = new Set(routes.map((r) => r.route.label));
  const covered = (d: Diagnosis) => d.routes.filter((label) => labels.has(label)).length;
  const failing = routes.filter((r) => !r.passed).length;
  const fail = (n: number) => (input.inconclusive ? 'could not be checked' : n === 1 ? 'fails' : 'fail');
  const subject = failingRoutes(failing, routes.length);
  if (diagnoses.length === 0) return failing === 0 ? passSentence(input) : `${capitalize(subject)} ${fail(failing)}.`;

  const routeCauses = diagnoses.filter((d) => covered(d) > 0);
  const primary = diagnoses[0]!;
  if (covered(primary) === 0) {
    // Stale version, a failed deployment, health alone: its own sentence, then what the routes did.
    const rest = failing ? ` ${capitalize(subject)} ${fail(failing)} too: ${parts(routeCauses, covered)}.` : '';
    return `${plain(primary.headline)}.${rest}`;
  }
  const healthToo = routeCauses.some((d) =>
    d.routes.some((label) => !labels.has(label) && label.startsWith('health ')),
  );
  const lead = healthToo
    ? `Health and ${subject} ${fail(2)}`
    : readiness?.ready
      ? `Health is fine, but ${subject} ${fail(failing)}`
      : `${capitalize(subject)} ${fail(failing)}`;
  const why = routeCauses.length === 1 && primary.meaning ? plain(primary.meaning) : parts(routeCauses, covered);
  return `${lead}: ${why}.`;
}

function passSentence({ readiness, routes }: HeadlineInput): string {
  const flaky = routes.filter((r) => r.flaky).length;
  const ready = readiness?.readyAtMs !== undefined ? `Ready after ${(readiness.readyAtMs / 1000).toFixed(1)}s; ` : '';
  const ok = `${routes.length} route${routes.length === 1 ? '' : 's'} OK${flaky ? ` (${flaky} flaky)` : ''}`;
  return `${ready}${ready ? ok : capitalize(ok)}.`;
}

/** "all 3 routes", "both routes", "the only route", "2 of 5 routes". */
function failingRoutes(failing: number, checked: number): string {
  if (failing === checked)
    return checked === 1 ? 'the only route' : checked === 2 ? 'both routes' : `all ${checked} routes`;
  return `${failing} of ${checked} routes`;
}

function parts(causes: Diagnosis[], covered: (d: Diagnosis) => number): string {
  const named = causes.slice(0, NAMED_CAUSES).map((d, i) => countedCause(d, covered(d), i === 0));
  const others = causes.slice(NAMED_CAUSES);
  if (others.length) {
    const n = others.reduce((sum, d) => sum + covered(d), 0);
    named.push(`${n} more for ${others.length} other cause${others.length === 1 ? '' : 's'}`);
  }
  return named.join(', ');
}

function plain(text: string): string {
  return text.replaceAll('`', '').replace(/\.$/, '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
