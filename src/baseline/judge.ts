import { formatDuration } from '../config/duration.js';
import { CAUSE_INFO } from '../diagnosis/catalogue/causes.js';
import type { Diagnosis } from '../diagnosis/compare.js';
import { formatP } from './latency.js';
import type { BaselineComparison } from './types.js';

/**
 * What the comparison changes in the verdict: a route broken on the baseline with the same answer is not
 * this deploy's doing, so its diagnosis no longer fails the run (unless fail-on-baseline-breakage); a route
 * significantly slower beyond the budget is a regression of its own (`slower-than-baseline`). Regressions
 * keep the diagnosis the deploy had on its own. An unavailable baseline changes nothing.
 */

/** Route labels that do not count against this deploy. */
export function excusedRoutes(comparison: BaselineComparison | undefined): Set<string> {
  if (!comparison?.available || comparison.failOnBreakage) return new Set();
  return new Set(comparison.routes.filter((r) => r.outcome === 'already-broken').map((r) => r.route));
}

/**
 * The diagnoses that still count: every excused route taken out of each one; a diagnosis left covering
 * nothing it covered before is dropped (one that never named a route, such as stale-version, stays).
 */
export function judgedDiagnoses(diagnoses: Diagnosis[], comparison: BaselineComparison | undefined): Diagnosis[] {
  const excused = excusedRoutes(comparison);
  const kept = diagnoses.flatMap((d) => {
    if (excused.size === 0 || !d.routes.some((label) => excused.has(label))) return [d];
    const routes = d.routes.filter((label) => !excused.has(label));
    return routes.length ? [{ ...d, routes }] : [];
  });
  const slower = slowerDiagnosis(comparison);
  return slower ? [...kept, slower] : kept;
}

function slowerDiagnosis(comparison: BaselineComparison | undefined): Diagnosis | undefined {
  const slower = comparison?.available ? comparison.routes.filter((r) => r.outcome === 'slower' && r.latency) : [];
  if (slower.length === 0) return undefined;
  const first = slower[0]!.latency!;
  const what =
    slower.length === 1
      ? `${slower[0]!.route} is ${first.ratio}× slower than on the baseline`
      : `${slower.length} routes are slower than on the baseline`;
  return {
    cause: 'slower-than-baseline',
    layer: CAUSE_INFO['slower-than-baseline'].layer,
    confidence: 'high',
    headline: what,
    meaning: `slower than the baseline beyond ${comparison!.latencyBudget}`,
    evidence: slower.map(
      ({ route, latency: l }) =>
        `${route}: median ${formatDuration(l!.medianHereMs)} here, ${formatDuration(l!.medianBaselineMs)} on the baseline (shift +${formatDuration(l!.shiftMs)}, ${l!.ratio}×; Mann–Whitney U = ${l!.u}, p ${formatP(l!.p).startsWith('<') ? '' : '= '}${formatP(l!.p)}, n = ${l!.nHere}/${l!.nBaseline}; ${Math.round(l!.commonLanguage * 100)}% of requests here slower than there)`,
    ),
    fix: CAUSE_INFO['slower-than-baseline'].fix,
    routes: slower.map((r) => r.route),
  };
}

/** The sentence the headline gains: regressions counted apart from old breakage. */
export function baselineSentence(comparison: BaselineComparison | undefined): string {
  if (!comparison) return '';
  if (!comparison.available) return ` Baseline unavailable (${comparison.unavailableReason}): judged on its own.`;
  const { regressed, alreadyBroken, fixed, slower } = comparison.counts;
  const parts = [
    regressed ? `${regressed} regression${regressed === 1 ? '' : 's'}` : '',
    slower ? `${slower} slower` : '',
    alreadyBroken
      ? `${alreadyBroken} already broken on the baseline${comparison.failOnBreakage ? '' : ' (not counted)'}`
      : '',
    fixed ? `${fixed} fixed` : '',
  ].filter(Boolean);
  return ` Against the baseline: ${parts.length ? parts.join(', ') : 'no regressions'}.`;
}
