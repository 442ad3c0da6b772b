/**
 * Defaults of the contract's inputs. action.yml carries the same values (a test keeps them equal), and
 * an input left at its default does not override the config file.
 */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  'health-path': '/health',
  routes: '/',
  timeout: '5m',
  'request-timeout': '10s',
  'wait-for-deployment': 'false',
  comment: 'true',
  watch: '0',
  'check-assets': 'true',
  'latency-budget': '+50%',
  'fail-on-baseline-breakage': 'false',
  'baseline-headers': 'false',
  'fail-on': 'fail,inconclusive,error',
  'comment-mode': 'always',
  'commit-status': 'false',
  discover: 'off',
  'discover-limit': '50',
  'discover-depth': '2',
  'discover-robots': 'respect',
};

/** Settings that only the config file and the CLI set (not action inputs), with their defaults. */
export const TUNING_DEFAULTS = {
  'success-threshold': 2,
  concurrency: 4,
  retries: 2,
} as const;

/** Largest config file read (checked before parsing), and most routes in one run (file or input). */
export const MAX_CONFIG_BYTES = 128 * 1024;
export const MAX_ROUTES = 1000;
/**
 * Most route lines a list may hold when it is split over shards (`shard`): each shard still checks at most
 * MAX_ROUTES, so a list over MAX_ROUTES needs enough shards (checked in resolve.ts).
 */
export const MAX_SHARDED_ROUTES = 10_000;
/** Most targets one run checks (`targets`), and most shards a matrix may split a run into. */
export const MAX_TARGETS = 20;
export const MAX_SHARDS = 64;

export const DEFAULT_REPORT_FILE = 'post-deploy-gate-report.json';

/** The action's inputs, as the contract names them (action.yml declares exactly these). */
export const ACTION_INPUTS = [
  'url',
  'health-path',
  'routes',
  'expect-version',
  'timeout',
  'request-timeout',
  'headers',
  'wait-for-deployment',
  'environment',
  'comment',
  'github-token',
  'config',
  'watch',
  'check-assets',
  'baseline-url',
  'latency-budget',
  'fail-on-baseline-breakage',
  'baseline-headers',
  'discover',
  'discover-limit',
  'discover-depth',
  'discover-robots',
  'fail-on',
  'comment-mode',
  'sha',
  'commit-status',
  'allow-redirect-hosts',
  'report-path',
  'targets',
  'shard',
  'merge-reports',
] as const;

/**
 * Inputs that say what the workflow does with the verdict, or where files go: the workflow's decisions,
 * never the config file's (it comes with the pull request, which must not turn its own gate off or
 * choose where anything is written).
 */
export const WORKFLOW_ONLY = [
  'fail-on',
  'comment-mode',
  'sha',
  'commit-status',
  'report-path',
  // Which shard a job is belongs to the matrix; a glob from the pull request could pick which files are read.
  'shard',
  'merge-reports',
] as const;

/** Every setting the parser reads (inputs, CLI flags, config file keys), in the order messages list them. */
export const SETTING_NAMES = [
  ...ACTION_INPUTS.filter((name) => name !== 'github-token'),
  'report',
  ...Object.keys(TUNING_DEFAULTS),
] as const;
