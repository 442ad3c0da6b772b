import type { CauseId } from '../diagnosis/catalogue/causes.js';
import type { Verdict } from '../verdict.js';
import type { Diagnosis } from '../diagnosis/compare.js';
import type { AssetCheck } from '../assets/types.js';
import type { Discovery } from '../discover/types.js';
import type { ConfigIssue } from '../config/types.js';
import type { DeploymentInfo } from '../deploy/deployment.js';
import type { ReadinessResult } from '../readiness.js';
import type { RouteResult } from '../smoke.js';
import type { WatchResult } from '../watch.js';
import type { BaselineComparison } from '../baseline/types.js';
import type { Observation } from '../http/observation.js';

/** Everything a run found, as plain data. Every renderer is a pure function of this. */
export interface Report {
  tool: 'post-deploy-gate';
  version: string;
  verdict: Verdict;
  /** Empty on pass. */
  cause?: CauseId;
  /** One sentence for notifications. */
  summary: string;
  url?: string;
  healthUrl?: string;
  startedAt: string;
  durationMs: number;
  readyAfterMs?: number;
  settings?: ReportSettings;
  readiness?: ReadinessResult;
  routes: RouteResult[];
  diagnoses: Diagnosis[];
  /** The scripts and stylesheets the HTML routes load, per page (check-assets). */
  assets?: AssetCheck;
  /** Routes found by `discover` (sitemaps, links): where, templates, the sample, what was skipped. */
  discovery?: Discovery;
  warnings: string[];
  configIssues?: ConfigIssue[];
  /** An internal fault's message (verdict error). */
  fault?: string;
  /** The GitHub deployment waited for (wait-for-deployment). */
  deployment?: DeploymentInfo;
  /** The runner stopped the job (SIGINT/SIGTERM) before a verdict. */
  cancelled?: boolean;
  /** The watch after the pass (`watch`), when it ran. */
  watch?: WatchResult;
  /** The comparison with `baseline-url`, when one was given and the deploy got ready. */
  baseline?: BaselineComparison;
  /** What a path that cannot exist answered (made when a route answered 404); a merge diagnoses with it. */
  notFoundProbe?: Observation;
  /** Several deploys in one run (`targets`): a whole Report per target; the top level is their sum. */
  targets?: TargetSection[];
  /** This report is one shard of a split run (`shard: K/N`). */
  shard?: ShardInfo;
  /** The commit and workflow run that made it: a merge refuses reports of another commit or run. */
  origin?: ReportOrigin;
}

export interface TargetSection {
  name: string;
  /** The deployment environment it was found in, when it came from one. */
  environment?: string;
  report: Report;
}

/** What a merge needs to rebuild the one report of all shards. */
export interface ShardInfo {
  index: number;
  count: number;
  /** Positions of this shard's routes in the whole list, in the order of `routes`. */
  positions: number[];
  /** The health row's label (`health /health`) and the expected version, as the diagnosis takes them. */
  healthLabel: string;
  expectVersion?: string;
  /** On a run with targets: every configured target, in order (a shard checks only those it has routes of). */
  targets?: string[];
}

export interface ReportOrigin {
  sha?: string;
  runId?: string;
}

/** What the run was asked to do; header values are never kept, only their names. */
export interface ReportSettings {
  timeoutMs: number;
  requestTimeoutMs: number;
  successThreshold: number;
  concurrency: number;
  retries: number;
  checkAssets?: boolean;
  expectVersion?: string;
  headerNames: string[];
}

export const VERSION = '0.1.0';

/**
 * The JSON report's schema (docs/report-schema.md). Raised when a field changes meaning or goes away;
 * added optional fields keep it. A merge refuses reports of another schema version.
 */
export const REPORT_SCHEMA_VERSION = 1;
