import type { Observation } from '../http/observation.js';
import type { RouteResult } from '../smoke.js';
import type { LatencyJudgement } from './latency.js';

/** The data of a baseline comparison (`baseline-url`): both sides of every route, and what that means. */

/**
 * Per route: `regressed` fails here and works on the baseline (or fails differently) → fail;
 * `already-broken` fails on both with the same answer → reported (fails only with fail-on-baseline-breakage);
 * `fixed` works here, fails there; `slower` works on both but significantly slower here beyond the budget
 * → fail; `changed` works on both, with differences worth a look (never fails); `same`; `not-compared`
 * (the baseline could not be asked the same question, or answered behind a wall).
 */
export type RouteOutcome = 'regressed' | 'already-broken' | 'fixed' | 'slower' | 'changed' | 'same' | 'not-compared';

/** One side's answer, in the terms the comparison uses. */
export interface SideAnswer {
  passed: boolean;
  /** "200 in 12ms", "503 in 4ms", "connection refused (ECONNREFUSED)". */
  outcome: string;
  status?: number;
  /** Who answered, from the headers (Vercel edge, nginx, …). */
  who?: string;
  contentType?: string;
  /** A version header (x-version, x-app-version, x-release, x-commit-sha, …), when the app sends one. */
  version?: string;
  /** Where the answer was redirected (the final URL's path), when it was. */
  redirectedTo?: string;
  /** Order of magnitude of the body: "< 1 KiB", "1–10 KiB", … */
  sizeClass: string;
  /** Scripts and stylesheets the page references, when it is HTML. */
  assetCount?: number;
}

export interface RouteComparison {
  route: string;
  outcome: RouteOutcome;
  here: SideAnswer;
  baseline?: SideAnswer;
  /** Differences in words ("content type text/html here, application/json there"). */
  differences: string[];
  /** Why not compared, or why the latency was not judged. */
  note?: string;
  latency?: LatencyJudgement;
}

export interface BaselineCounts {
  regressed: number;
  alreadyBroken: number;
  fixed: number;
  slower: number;
  changed: number;
  same: number;
  notCompared: number;
}

export interface BaselineComparison {
  url: string;
  /** False: the baseline could not be measured; the deploy was judged on its own. */
  available: boolean;
  unavailableReason?: string;
  latencyBudget: string;
  alpha: number;
  failOnBreakage: boolean;
  health?: { here: SideAnswer; baseline: SideAnswer };
  routes: RouteComparison[];
  counts: BaselineCounts;
  /** What the comparison cost: requests to the baseline, extra timing requests here, and its own time. */
  cost: { baselineRequests: number; extraRequestsHere: number; latencyMs: number };
  /** The baseline's own answers, whole, for the JSON report. */
  baselineRoutes: RouteResult[];
  baselineHealth?: Observation;
}
