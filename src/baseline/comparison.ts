import type { BaselineSettings, RouteSpec } from '../config/types.js';
import { describeObservation } from '../http/describe.js';
import type { Observation } from '../http/observation.js';
import { isHealthy } from '../readiness.js';
import type { RouteResult } from '../smoke.js';
import { answerOf, compareRoute, countOutcomes, unmeasured } from './compare.js';
import { judgeLatency, LATENCY_ALPHA } from './latency.js';
import { MIN_LATENCY_SAMPLES, type BaselineSide, type RouteTiming } from './run.js';
import type { BaselineComparison, RouteComparison } from './types.js';

/** Both sides and the timings → the BaselineComparison the report carries. Pure. */

export interface ComparisonInput {
  settings: BaselineSettings;
  here: RouteResult[];
  hereHealth?: Observation;
  side: BaselineSide;
  timings: RouteTiming[];
  /** Scripts and stylesheets each page references, per side (check-assets). */
  hereAssets?: Map<RouteSpec, number>;
  baselineAssets?: Map<RouteSpec, number>;
  latencyMs: number;
}

export function buildComparison(input: ComparisonInput): BaselineComparison {
  const { settings, side } = input;
  const byRoute = new Map(side.routes.map((r) => [r.route, r]));
  const reason = availability(side);
  const timings = new Map(input.timings.map((t) => [t.route, t]));
  const routes: RouteComparison[] = input.here.map((here) => {
    const compared = compareRoute({
      here,
      baseline: byRoute.get(here.route),
      reason: side.skipped.get(here.route) ?? 'not asked on the baseline',
      hereAssets: input.hereAssets?.get(here.route),
      baselineAssets: input.baselineAssets?.get(here.route),
    });
    if (reason) {
      return { ...compared, outcome: 'not-compared', differences: [], note: 'the baseline is unavailable' };
    }
    return withLatency(compared, timings.get(here.route), settings);
  });
  const timedHere = input.timings.reduce(
    (sum, t) => sum + t.hereMs.length + (t.badAnswer?.includes('here') ? 1 : 0),
    0,
  );
  const timedThere = input.timings.reduce((sum, t) => sum + t.baselineMs.length, 0);
  const baselineRequests = (side.health ? 1 : 0) + side.routes.reduce((sum, r) => sum + r.attempts, 0) + timedThere;
  return {
    url: settings.url.href,
    available: !reason,
    ...(reason ? { unavailableReason: reason } : {}),
    latencyBudget: settings.latencyBudget.text,
    alpha: LATENCY_ALPHA,
    failOnBreakage: settings.failOnBreakage,
    ...(side.health && input.hereHealth
      ? {
          health: {
            here: answerOf(input.hereHealth, isHealthy(input.hereHealth)),
            baseline: answerOf(side.health, isHealthy(side.health)),
          },
        }
      : {}),
    routes,
    counts: countOutcomes(routes),
    cost: { baselineRequests, extraRequestsHere: timedHere, latencyMs: Math.round(input.latencyMs) },
    baselineRoutes: side.routes,
    ...(side.health ? { baselineHealth: side.health } : {}),
  };
}

/** Why the baseline as a whole could not be measured, or undefined when it could. */
export function availability(side: BaselineSide): string | undefined {
  const measured = side.routes.filter((r) => !unmeasured(r) && !r.observation.error);
  const healthAnswered = side.health && !side.health.error && ![401, 403, 407, 429].includes(side.health.status ?? 0);
  if (measured.length > 0 || (side.routes.length === 0 && healthAnswered)) return undefined;
  const seen = side.routes[0]?.observation ?? side.health;
  return seen ? `it did not answer in a way that can be compared (${describeObservation(seen)})` : 'nothing was asked';
}

function withLatency(
  compared: RouteComparison,
  timing: RouteTiming | undefined,
  settings: BaselineSettings,
): RouteComparison {
  if (!compared.here.passed || !compared.baseline?.passed || compared.outcome === 'not-compared') return compared;
  if (!timing) return compared;
  if (timing.skipped) return { ...compared, note: timing.skipped };
  if (timing.badAnswer) return { ...compared, note: `latency not judged: ${timing.badAnswer}` };
  if (timing.hereMs.length < MIN_LATENCY_SAMPLES || timing.baselineMs.length < MIN_LATENCY_SAMPLES) {
    return { ...compared, note: 'latency not judged: too few samples before the stage ended' };
  }
  const latency = judgeLatency(timing.hereMs, timing.baselineMs, settings.latencyBudget);
  return { ...compared, latency, outcome: latency.slower ? 'slower' : compared.outcome };
}
