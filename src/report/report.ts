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
