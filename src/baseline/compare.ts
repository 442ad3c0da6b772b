import { answeredBy } from '../diagnosis/attribution.js';
import { describeObservation } from '../http/describe.js';
import type { Observation } from '../http/observation.js';
import type { RouteResult } from '../smoke.js';
import type { BaselineCounts, RouteComparison, RouteOutcome, SideAnswer } from './types.js';

/**
 * One route's answers here and on the baseline → an outcome. Pure. Conservative on purpose: a failure is
 * excused as `already-broken` only when the baseline gave the same answer (the same kind of problem, the
 * same status, from the same layer); a baseline that could not be measured (a wall, a limiter, a run that
 * ended) excuses nothing, and a route that works on both never fails here except for latency.
 */

/** Statuses that say "you may not look", not "broken": the route cannot be compared on that side. */
const UNMEASURED_STATUS = new Set([401, 403, 407, 429]);
const VERSION_HEADERS = [
  'x-version',
  'x-app-version',
  'x-release',
  'x-commit',
  'x-commit-sha',
  'x-git-sha',
  'x-build',
  'x-build-id',
  'x-deployment-id',
];

export function sideAnswer(result: RouteResult, assetCount?: number): SideAnswer {
  return answerOf(result.observation, result.passed, assetCount);
}

export function answerOf(observation: Observation, passed: boolean, assetCount?: number): SideAnswer {
  const contentType = observation.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const version = VERSION_HEADERS.map((name) => observation.headers[name]).find((value) => value);
  const redirected = observation.redirects.length > 0 ? new URL(observation.finalUrl).pathname : undefined;
  return {
    passed,
    outcome: describeObservation(observation),
    ...(observation.status !== undefined ? { status: observation.status } : {}),
    ...(answeredBy(observation) ? { who: answeredBy(observation) } : {}),
    ...(contentType ? { contentType } : {}),
    ...(version ? { version: version.slice(0, 80) } : {}),
    ...(redirected ? { redirectedTo: redirected } : {}),
    sizeClass: sizeClass(observation),
    ...(assetCount !== undefined ? { assetCount } : {}),
  };
}

/**
 * "< 1 KiB", "1–10 KiB", "10–100 KiB", "100 KiB–1 MiB", "≥ 1 MiB", or "empty". A body whose read ended at
 * a cap (the excerpt of a body no check needs whole, a page cut at its parsed tags) is "≥" the class's
 * floor: no more was seen, and two such reads a few bytes apart are the same size.
 */
export function sizeClass(observation: Observation): string {
  const bytes = observation.bodyBytes;
  if (observation.bodyTruncated && bytes >= 1024) {
    return bytes >= 1024 * 1024
      ? '≥ 1 MiB'
      : bytes >= 100 * 1024
        ? '≥ 100 KiB'
        : bytes >= 10 * 1024
          ? '≥ 10 KiB'
          : '≥ 1 KiB';
  }
  if (bytes === 0) return 'empty';
  if (bytes < 1024) return '< 1 KiB';
  if (bytes < 10 * 1024) return '1–10 KiB';
  if (bytes < 100 * 1024) return '10–100 KiB';
  return bytes < 1024 * 1024 ? '100 KiB–1 MiB' : '≥ 1 MiB';
}

/** Why the baseline's answer cannot stand for "how this route works there", or undefined when it can. */
export function unmeasured(result: RouteResult): string | undefined {
  const seen = result.observation;
  if (result.attempts === 0) return 'the baseline was not checked before the stage ended';
  if (seen.error && ['cancelled', 'blocked', 'proxy'].includes(seen.error.kind))
    return `the baseline could not be asked (${describeObservation(seen)})`;
  if (!result.passed && seen.status !== undefined && UNMEASURED_STATUS.has(seen.status))
    return `the baseline answered ${seen.status}: it could not be measured there`;
  return undefined;
}

/** Both sides failed the same way: the same kind of problem, status (or transport error) and layer. */
export function sameFailure(here: RouteResult, baseline: RouteResult): boolean {
  if (here.problem?.kind !== baseline.problem?.kind) return false;
  const a = here.observation;
  const b = baseline.observation;
  if (a.error || b.error) return !!a.error && !!b.error && a.error.kind === b.error.kind;
  return a.status === b.status && answeredBy(a) === answeredBy(b);
}

export interface CompareInput {
  here: RouteResult;
  /** Undefined: not asked on the baseline, for `reason`. */
  baseline?: RouteResult;
  reason?: string;
  hereAssets?: number;
  baselineAssets?: number;
}

export function compareRoute({ here, baseline, reason, hereAssets, baselineAssets }: CompareInput): RouteComparison {
  const route = here.route.label;
  const hereSide = sideAnswer(here, hereAssets);
  if (here.attempts === 0) {
    return { route, outcome: 'not-compared', here: hereSide, differences: [], note: 'not checked here' };
  }
  if (!baseline) return { route, outcome: 'not-compared', here: hereSide, differences: [], note: reason };
  const baseSide = sideAnswer(baseline, baselineAssets);
  const cannot = unmeasured(baseline);
  const base = { route, here: hereSide, baseline: baseSide };
  if (cannot) return { ...base, outcome: 'not-compared', differences: [], note: cannot };
  let outcome: RouteOutcome;
  const differences: string[] = [];
  if (!here.passed && baseline.passed) outcome = 'regressed';
  else if (here.passed && !baseline.passed) outcome = 'fixed';
  else if (!here.passed) {
    outcome = sameFailure(here, baseline) ? 'already-broken' : 'regressed';
    if (outcome === 'regressed')
      differences.push(`fails differently: ${hereSide.outcome} here, ${baseSide.outcome} there`);
  } else {
    differences.push(...answerDifferences(hereSide, baseSide));
    outcome = differences.length ? 'changed' : 'same';
  }
  return { ...base, outcome, differences };
}

/** What differs between two working answers, in words (never a failure: a new deploy may change things). */
function answerDifferences(here: SideAnswer, there: SideAnswer): string[] {
  const found: string[] = [];
  const differ = (what: string, a: string | number | undefined, b: string | number | undefined) => {
    if (a !== b) found.push(`${what} ${a ?? 'none'} here, ${b ?? 'none'} there`);
  };
  if (
    here.status !== undefined &&
    there.status !== undefined &&
    Math.floor(here.status / 100) !== Math.floor(there.status / 100)
  )
    differ('status', here.status, there.status);
  differ('content type', here.contentType, there.contentType);
  differ('answered by', here.who, there.who);
  differ('redirected to', here.redirectedTo, there.redirectedTo);
  differ('body size', here.sizeClass, there.sizeClass);
  differ('scripts and stylesheets', here.assetCount, there.assetCount);
  return found;
}

export function countOutcomes(routes: readonly RouteComparison[]): BaselineCounts {
  const count = (outcome: RouteOutcome) => routes.filter((r) => r.outcome === outcome).length;
  return {
    regressed: count('regressed'),
    alreadyBroken: count('already-broken'),
    fixed: count('fixed'),
    slower: count('slower'),
    changed: count('changed'),
    same: count('same'),
    notCompared: count('not-compared'),
  };
}
