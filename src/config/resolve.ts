import { INPUT_DEFAULTS, MAX_ROUTES, MAX_SHARDED_ROUTES, TUNING_DEFAULTS } from './defaults.js';
import type { ConfigFile } from './file.js';
import { readRouteLine } from './route-line.js';
import { loadPatternEngine } from '../body-pattern.js';
import { ConfigError, type BaselineSettings, type ConfigIssue, type GateConfig, type RouteSpec } from './types.js';
import {
  lines,
  parseBaseUrl,
  parseBoolean,
  parseBoundedDuration,
  parseCount,
  parseHeaderLine,
  parseBaselineHeaders,
  parseHealthPath,
  parseLatencyBudget,
  parseShard,
} from './values.js';
import { MAX_DISCOVER_LIMIT, parseDiscoverMode, parseRobotsPolicy } from './discover.js';
import type { Parsed } from './route-line.js';
import { parseCommentMode, parseFailOn, parseHostList, parseSha } from './reporting.js';
import { parseWorkspacePath } from './workspace-path.js';

export interface SettingsSource {
  /** Values by setting name (action inputs or CLI flags); empty means "not given". */
  values: Readonly<Record<string, string | undefined>>;
  /** Folder a relative `config` path is read from. */
  workspace: string;
  /**
   * Refuse a `config` path outside the workspace (the action: the path may come from a pull request).
   * The CLI reads whatever file its user names.
   */
  confineConfig?: boolean;
  /** Where the JSON report goes when `report` is not given. */
  defaultReportPath: string;
}

/**
 * Turns inputs (or flags) and the optional config file into one GateConfig. Every problem is collected,
 * and all of them are thrown together as a ConfigError before anything touches the network.
 * Precedence: a value the user set > the config file > the default. An input equal to its action.yml
 * default counts as "not set", because the runner fills defaults in and we cannot tell them apart.
 * Async only to load the config file's parser when there is a file.
 */
export async function resolveConfig(source: SettingsSource): Promise<GateConfig> {
  const issues: ConfigIssue[] = [];
  const given = (key: string): string | undefined => {
    const value = source.values[key];
    return value !== undefined && value.trim() !== '' ? value : undefined;
  };
  const configName = given('config');
  // A `matches /…/` route can only come from an input that says so or from a config file.
  if (configName || Object.values(source.values).some((value) => value?.includes('matches'))) {
    await loadPatternEngine();
  }
  // The YAML parser is loaded only by runs that have a config file.
  const file: ConfigFile | undefined = configName
    ? (await import('./file.js')).loadConfigFile(
        configName.trim(),
        source.workspace,
        source.confineConfig ?? true,
        issues,
      )
    : undefined;

  /** The text to parse for `key`, and the name to put in messages. */
  const pick = (key: string): { text: string; input: string } | undefined => {
    const value = given(key);
    if (value !== undefined && value !== INPUT_DEFAULTS[key]) return { text: value, input: key };
    const fromFile = file?.settings.get(key);
    if (fromFile && fromFile.value !== null && fromFile.value !== undefined) {
      return { text: String(fromFile.value), input: `${key} (${file!.name} line ${fromFile.line})` };
    }
    const fallback = value ?? INPUT_DEFAULTS[key];
    return fallback === undefined ? undefined : { text: fallback, input: key };
  };
  function read<T>(key: string, parse: (text: string) => Parsed<T>): T | undefined;
  function read<T>(key: string, parse: (text: string) => Parsed<T>, fallback: T): T;
  function read<T>(key: string, parse: (text: string) => Parsed<T>, fallback?: T): T | undefined {
    const chosen = pick(key);
    if (!chosen) return fallback;
    const parsed = parse(chosen.text);
    if (parsed.ok) return parsed.value;
    issues.push({ input: chosen.input, message: parsed.message });
    return fallback;
  }

  const waitForDeployment = read('wait-for-deployment', parseBoolean, false);
  const url = read('url', parseBaseUrl);
  // Only the workflow says which shard a job is and which reports to merge (file.ts refuses both keys).
  const shardText = given('shard');
  const shard = shardText === undefined ? undefined : parsedOr(parseShard(shardText), 'shard', issues);
  const mergeReports = given('merge-reports')?.trim();
  const targetText = given('targets');
  // A target list (the input's YAML, or the file's) loads its reader only when there is one.
  const targets =
    targetText !== undefined || file?.targets
      ? (await import('../targets/config.js')).readTargets(targetText, file, issues)
      : undefined;
  // Every target names its own url or environment; a merge reads reports and requests nothing.
  if (!pick('url') && !waitForDeployment && !targets && !mergeReports) {
    issues.push({
      input: 'url',
      message:
        'is required unless wait-for-deployment is true; give the base URL of the deploy, e.g. https://shop.example.com',
    });
  }
  const config: GateConfig = {
    url,
    healthPath: read('health-path', parseHealthPath, '/health'),
    routes: readRoutes(given('routes'), file, issues),
    expectVersion: pick('expect-version')?.text.trim() || undefined,
    timeoutMs: read('timeout', (t) => parseBoundedDuration(t, 1000, 6 * 3_600_000, '1s to 6h'), 300_000),
    requestTimeoutMs: read('request-timeout', (t) => parseBoundedDuration(t, 100, 300_000, '100ms to 5m'), 10_000),
    headers: readHeaders(given('headers'), file, issues),
    waitForDeployment,
    environment: pick('environment')?.text.trim() || undefined,
    comment: read('comment', parseBoolean, true),
    checkAssets: read('check-assets', parseBoolean, true),
    successThreshold: read('success-threshold', (t) => parseCount(t, 1, 10), TUNING_DEFAULTS['success-threshold']),
    concurrency: read('concurrency', (t) => parseCount(t, 1, 64), TUNING_DEFAULTS.concurrency),
    routeRetries: read('retries', (t) => parseCount(t, 0, 5), TUNING_DEFAULTS.retries),
    watchMs: read('watch', (t) => parseBoundedDuration(t, 0, 3_600_000, '0 (off) to 1h'), 0),
    discover: {
      mode: read('discover', parseDiscoverMode, 'off'),
      limit: read('discover-limit', (t) => parseCount(t, 1, MAX_DISCOVER_LIMIT), 50),
      depth: read('discover-depth', (t) => parseCount(t, 1, 5), 2),
      robots: read('discover-robots', parseRobotsPolicy, 'respect'),
    },
    // Only the CLI's --report flag: never the config file (see file.ts).
    reportPath: given('report')?.trim() || source.defaultReportPath,
    ...readBaseline(read, url, issues),
    failOn: read('fail-on', parseFailOn),
    commentMode: read('comment-mode', parseCommentMode),
    sha: given('sha') === undefined ? undefined : read('sha', parseSha),
    commitStatus: read('commit-status', parseBoolean, false),
    allowRedirectHosts: read('allow-redirect-hosts', parseHostList),
    // The action input only (the config file cannot name it): a path inside the workspace.
    workspaceReportPath: given('report-path') === undefined ? undefined : read('report-path', parseWorkspacePath),
    ...(targets ? { targets } : {}),
    ...(shard ? { shard } : {}),
    ...(mergeReports ? { mergeReports } : {}),
  };
  checkRouteCount(config, file, issues);
  checkShardedDiscovery(config, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

/**
 * `baseline-url` and the settings that only mean something with it: `baseline` when the run has one;
 * `baselineOptions` always (a target may name its own baseline-url).
 */
function readBaseline(
  read: <T>(key: string, parse: (text: string) => Parsed<T>, fallback: T) => T,
  url: URL | undefined,
  issues: ConfigIssue[],
): Pick<GateConfig, 'baseline' | 'baselineOptions'> {
  const baselineUrl = read<URL | undefined>('baseline-url', parseBaseUrl, undefined);
  const latencyBudget = read('latency-budget', parseLatencyBudget, { kind: 'percent', percent: 50, text: '+50%' });
  const failOnBreakage = read('fail-on-baseline-breakage', parseBoolean, false);
  const headers = read<BaselineSettings['headers']>('baseline-headers', parseBaselineHeaders, []);
  const options = { headers, latencyBudget, failOnBreakage };
  if (!baselineUrl) return { baselineOptions: options };
  if (url && baselineUrl.href === url.href) {
    issues.push({
      input: 'baseline-url',
      message: 'is the same as url; give the deploy to compare with (usually production), or leave it empty',
    });
    return { baselineOptions: options };
  }
  return { baseline: { url: baselineUrl, ...options }, baselineOptions: options };
}

function parsedOr<T>(parsed: Parsed<T>, input: string, issues: ConfigIssue[]): T | undefined {
  if (parsed.ok) return parsed.value;
  issues.push({ input, message: parsed.message });
  return undefined;
}

/** One run (or one shard of a split run) checks at most MAX_ROUTES routes per target. */
function checkRouteCount(config: GateConfig, file: ConfigFile | undefined, issues: ConfigIssue[]): void {
  const shards = config.shard?.count ?? 1;
  const lists = [{ name: 'routes', routes: config.routes }, ...(config.targets ?? [])];
  for (const { name, routes } of lists) {
    if (!routes || routes.length <= MAX_ROUTES * shards) continue;
    const fromFile = name === 'routes' && file?.routes === routes;
    const what = fromFile || name !== 'routes' ? 'routes' : 'route lines';
    const input = name === 'routes' ? 'routes' : `targets (${name})`;
    const more = ` (split them over an Actions matrix with shard: K/N, at most ${MAX_ROUTES} per shard)`;
    issues.push({
      input,
      message: `${routes.length} ${what}; a run checks at most ${MAX_ROUTES}${shards > 1 ? ` per shard, and ${shards} shards check ${MAX_ROUTES * shards}` : more}`,
    });
  }
}

/** Every shard would discover and check the same sample: a split run checks only listed routes. */
function checkShardedDiscovery(config: GateConfig, issues: ConfigIssue[]): void {
  if (!config.shard) return;
  const discovering = [
    ...(config.discover.mode !== 'off' ? ['discover'] : []),
    ...(config.targets ?? [])
      .filter((t) => (t.settings['discover'] ?? 'off').trim().toLowerCase() !== 'off')
      .map((t) => `targets (${t.name})`),
  ];
  for (const input of discovering) {
    issues.push({
      input,
      message:
        'cannot be used with shard: every shard would discover and check the same routes; list the routes (or do not shard)',
    });
  }
}

function readRoutes(inputText: string | undefined, file: ConfigFile | undefined, issues: ConfigIssue[]): RouteSpec[] {
  // The input wins when it says something other than its default; else the file's list; else `/`.
  const useInput = inputText !== undefined && (inputText.trim() !== INPUT_DEFAULTS.routes || !file?.routes);
  if (!useInput && file?.routes) return file.routes;
  const routes: RouteSpec[] = [];
  const routeLines = lines(inputText ?? INPUT_DEFAULTS.routes!);
  if (routeLines.length > MAX_SHARDED_ROUTES) {
    issues.push({
      input: 'routes',
      message: `${routeLines.length} route lines; a list holds at most ${MAX_SHARDED_ROUTES} (and a run or shard checks at most ${MAX_ROUTES})`,
    });
    return routes;
  }
  routeLines.forEach((line, index) => {
    const route = readRouteLine(line, `line ${index + 1} "${line}"`, issues);
    if (route) routes.push(route);
  });
  if (routeLines.length === 0) issues.push({ input: 'routes', message: 'give at least one route, e.g. /' });
  return routes;
}

function readHeaders(
  inputText: string | undefined,
  file: ConfigFile | undefined,
  issues: ConfigIssue[],
): Array<readonly [string, string]> {
  const fromInput: Array<readonly [string, string]> = [];
  lines(inputText ?? '').forEach((line, index) => {
    const parsed = parseHeaderLine(line);
    if (parsed.ok) fromInput.push(parsed.value);
    else issues.push({ input: 'headers', message: `line ${index + 1}: ${parsed.message}` });
  });
  // Input headers (usually secrets from the workflow) replace file headers of the same name.
  const names = new Set(fromInput.map(([name]) => name.toLowerCase()));
  return [...(file?.headers ?? []).filter(([name]) => !names.has(name.toLowerCase())), ...fromInput];
}
