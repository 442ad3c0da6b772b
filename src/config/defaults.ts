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
] as const;

/**
 * Inputs that say what the workflow does with the verdict, or where files go: the workflow's decisions,
 * never the config file's (it comes with the pull request, which must not turn its own gate off or
 * choose where anything is written).
 */
export const WORKFLOW_ONLY = ['fail-on', 'comment-mode', 'sha', 'commit-status', 'report-path'] as const;

/** Every setting the parser reads (inputs, CLI flags, config file keys), in the order messages list them. */
export const SETTING_NAMES = [
  ...ACTION_INPUTS.filter((name) => name !== 'github-token'),
  'report',
  ...Object.keys(TUNING_DEFAULTS),
] as const;
