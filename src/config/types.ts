import type { DiscoverSettings } from '../discover/types.js';

/** The settings of one gate run, parsed and validated once, before any request is made. */

/** Verdicts `fail-on` can name (see reporting.ts). */
export type FailingVerdict = 'fail' | 'inconclusive' | 'error';
/** When the PR comment is written (see reporting.ts). */
export type CommentMode = 'always' | 'on-failure' | 'update-only' | 'off';

/** Accepted statuses as inclusive ranges, plus the text the user wrote (for messages). */
export interface StatusExpectation {
  ranges: ReadonlyArray<readonly [number, number]>;
  text: string;
}

export type BodyAssertion = { kind: 'contains'; text: string } | { kind: 'matches'; pattern: string; flags: string };

export interface RouteSpec {
  method: string;
  /** Starts with `/`; resolved against the base URL. */
  path: string;
  /** Undefined: a final 2xx after following same-origin redirects. */
  expect?: StatusExpectation;
  body?: BodyAssertion;
  /** Extra headers for this route only (config file). */
  headers: ReadonlyArray<readonly [string, string]>;
  /** How the user wrote it, for tables and messages. */
  label: string;
  /** Follow same-origin redirects even though `expect` accepts a 3xx (discovered routes). */
  followRedirects?: boolean;
  /** Not listed: found by `discover` in a sitemap or a page's links. */
  discovered?: 'sitemap' | 'links';
}

export interface GateConfig {
  /** Base URL; undefined only when it is to come from the GitHub deployment. */
  url?: URL;
  /** Path (starts with `/`) or absolute URL of the health endpoint. */
  healthPath: string;
  routes: RouteSpec[];
  expectVersion?: string;
  timeoutMs: number;
  requestTimeoutMs: number;
  headers: ReadonlyArray<readonly [string, string]>;
  waitForDeployment: boolean;
  environment?: string;
  comment: boolean;
  /** Consecutive healthy answers before the deploy counts as ready. */
  successThreshold: number;
  /** Routes in flight at once. */
  concurrency: number;
  /** Extra attempts for a route that failed in a way that can clear up. */
  routeRetries: number;
  /** After a pass, how long to keep watching health and routes (0: no watch). */
  watchMs: number;
  /** Also fetch the scripts and stylesheets that HTML routes reference (same origin, capped). */
  checkAssets: boolean;
  /** Where the JSON report goes. */
  reportPath: string;
  /** A deploy to compare with (`baseline-url`), usually production; absent: the deploy is judged on its own. */
  baseline?: BaselineSettings;
  /** The baseline settings but its URL, for a target that names its own `baseline-url` (targets/). */
  baselineOptions?: Omit<BaselineSettings, 'url'>;
  /** Several deploys checked in one run, each through the same gate (targets/). */
  targets?: TargetSpec[];
  /** This job checks shard `index` of `count` (1-based) of the routes and targets. */
  shard?: { index: number; count: number };
  /** A glob of shard reports (inside the workspace) to merge instead of checking anything. */
  mergeReports?: string;
  /** Verdicts that fail the job (exit 1); empty: report only. Undefined: every verdict but pass. */
  failOn?: readonly FailingVerdict[];
  /** When to write the PR comment (with `comment` on). Undefined: always. */
  commentMode?: CommentMode;
  /** The commit the run is about, when the workflow deploys another one than the event's. */
  sha?: string;
  /** Also set a commit status (context `post-deploy-gate`) with the verdict and a link to the run. */
  commitStatus?: boolean;
  /** Hosts (beyond the checked origin) that redirects may lead to and be followed. */
  allowRedirectHosts?: readonly string[];
  /** The action's `report-path`: a workspace-relative path for a copy of the JSON report. */
  workspaceReportPath?: string;
  /** Route discovery (`discover`, off by default). */
  discover: DiscoverSettings;
}

/** How much slower than the baseline a route may be before a significant difference counts. */
export type LatencyBudget =
  { kind: 'percent'; percent: number; text: string } | { kind: 'ms'; ms: number; text: string };

/**
 * One baseline comparison's settings: a function of one target's config, so that a run with several
 * targets can compare each with its own baseline.
 */
export interface BaselineSettings {
  url: URL;
  /**
   * What is sent to the baseline's origin: `same` (the `headers` and the routes' own headers), or only these
   * lines (`baseline-headers` given as header lines; empty by default: the baseline gets no secrets).
   */
  headers: 'same' | ReadonlyArray<readonly [string, string]>;
  latencyBudget: LatencyBudget;
  /** A route broken on both sides fails the run too (otherwise it is reported and passes). */
  failOnBreakage: boolean;
}

/** One deploy of several (`targets:`): what it overrides of the run's settings. */
export interface TargetSpec {
  /** Names its section, its markers and its output: letters, digits, `.`, `_`, `-`. */
  name: string;
  url?: URL;
  /** A deployment environment (name or glob) to wait for; implies waiting for the deployment. */
  environment?: string;
  healthPath?: string;
  routes?: RouteSpec[];
  /** Sent with every request of this target (added to, and replacing same-named, run-wide headers). */
  headers?: ReadonlyArray<readonly [string, string]>;
  expectVersion?: string;
  /**
   * Values of run-wide settings given per target, by setting name (see TARGET_PASS_THROUGH in
   * targets/config.ts): the hook for settings such as baseline-url and discover, read by the same parsers
   * as the run-wide values when the target's GateConfig is made.
   */
  settings: Record<string, string>;
}

/** One problem with the configuration; `input` is the name the user wrote (input, flag or file key). */
export interface ConfigIssue {
  input: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.input}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
