import { CAUSE_INFO, type CauseId } from './diagnosis/catalogue/causes.js';
import { headline } from './diagnosis/headline.js';
import type { AssetCheck } from './assets/types.js';
import type { Diagnosis } from './diagnosis/compare.js';
import type { ReadinessResult } from './readiness.js';
import type { RouteResult } from './smoke.js';
import type { WatchResult } from './watch.js';

/** The verdict rules, and the one sentence that goes with a verdict: pure functions of what the stages found. */

export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'error';

export interface Findings {
  /** Absent when no request was made (the deployment failed or never appeared). */
  readiness?: ReadinessResult;
  routes: RouteResult[];
  /** Sorted: the headline first. */
  diagnoses: Diagnosis[];
  /** The watch after the pass, when it ran. */
  watch?: WatchResult;
  /** The scripts and stylesheets the pages load (check-assets). */
  assets?: AssetCheck;
}

/**
 * A cause that means "broken" fails the deploy; one that means "could not measure" (a protection wall, a
 * rate limiter) makes it inconclusive; nothing found and everything healthy passes; anything else fails.
 */
export function verdictOf({ readiness, routes, diagnoses }: Findings): { verdict: Verdict; cause?: CauseId } {
  if (readiness?.ended === 'cancelled') return { verdict: 'error' };
  const blocking = diagnoses.filter((d) => !CAUSE_INFO[d.cause].inconclusive);
  if (blocking.length > 0) return { verdict: 'fail', cause: blocking[0]!.cause };
  if (diagnoses.length > 0) return { verdict: 'inconclusive', cause: diagnoses[0]!.cause };
  if (readiness?.ready && routes.every((r) => r.passed)) return { verdict: 'pass' };
  return { verdict: 'fail', cause: 'health-failing' };
}

/** The report's one sentence for notifications: it counts every failing route (diagnosis/headline.ts). */
export function summarize(verdict: Verdict, { readiness, routes, diagnoses, assets, watch }: Findings): string {
  if (readiness?.ended === 'cancelled') return 'The run was cancelled before the deploy was ready.';
  if (verdict !== 'pass' && diagnoses.length === 0 && routes.every((r) => r.passed)) return 'The deploy did not pass.';
  return headline({ readiness, routes, diagnoses, assets, watch, inconclusive: verdict === 'inconclusive' });
}
