import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { resolveConfig } from '../config/resolve.js';
import { ConfigError, type ConfigIssue, type GateConfig } from '../config/types.js';
import { runGateWithHttp } from '../gate.js';
import type { Logger } from '../log.js';
import { forLog } from '../report/escape.js';
import { renderJson } from '../report/json.js';
import { VERSION } from '../report/report.js';
import type { ProxySettings } from '../http/proxy.js';
import { machineProxy, runToReport } from '../run.js';
import { withPointers } from '../repo/attach.js';
import { headerValues } from '../config/values.js';
import { renderTerminal } from '../report/terminal.js';
import { failsJob } from '../config/reporting.js';
import { didYouMean } from '../config/suggest.js';

/** `npx post-deploy-gate …`: the same gate from a terminal, with a terminal report. */

const HELP = `post-deploy-gate ${VERSION}: check a fresh deploy the way users see it.

Usage: post-deploy-gate --url https://shop.example.com [options]

  --url URL                 base URL of the deployment
  --health-path PATH        health endpoint path or absolute URL (default /health)
  --route LINE              a route to check, repeatable: "[METHOD] /path [STATUS] [contains "TEXT" | matches /RE/]"
                            (default /)
  --expect-version TEXT     text the health answer must show (body or a header)
  --timeout DURATION        budget for the deploy to become ready (default 5m)
  --request-timeout DUR     limit for one request (default 10s)
  --header "Name: value"    header sent to the deployment, repeatable (values are never printed)
  --config FILE             YAML file with the same settings and per-route options
  --watch DURATION          after a pass, keep checking health and routes this long (e.g. 2m; default 0, off)
  --report FILE             write the JSON report here
  --concurrency N           routes in flight at once (default 4)
  --success-threshold N     healthy answers in a row before "ready" (default 2)
  --retries N               extra tries for a route that failed in a way that can clear up (default 2)
  --check-assets BOOL       also load the scripts and stylesheets HTML routes reference (default true)
  --no-check-assets         the same as --check-assets false
  --fail-on LIST            verdicts that exit 1: fail, inconclusive, error (comma list; default all three),
                            or never (report only: exit 0 whatever the verdict)
  --allow-redirect-host H   a host a route may redirect to and be followed (e.g. www.shop.example.com,
                            *.example.com), repeatable
  --discover MODE           find more routes: off (default), sitemap, links or sitemap+links
  --discover-limit N        discovered routes checked, at most (default 50; a fair sample per path template)
  --discover-depth N        link hops followed from the listed pages (default 2)
  --discover-robots POLICY  respect (default: robots.txt Disallow keeps a path out) or ignore
  --seed TEXT               orders the discovered sample (default $GITHUB_SHA): the same seed, the same sample
  --resolve HOST=ADDRESS    connect to ADDRESS for HOST (like curl --resolve), repeatable
  --json                    print the JSON report instead of the terminal report
  --no-color                no colours even on a terminal
  -h, --help, --version

Exit status: 0 pass; 1 fail, inconclusive or error (those --fail-on names); 2 bad usage.`;

const OPTIONS = {
  url: { type: 'string' },
  'health-path': { type: 'string' },
  route: { type: 'string', multiple: true },
  routes: { type: 'string' },
  'expect-version': { type: 'string' },
  timeout: { type: 'string' },
  'request-timeout': { type: 'string' },
  watch: { type: 'string' },
  header: { type: 'string', multiple: true },
  config: { type: 'string' },
  report: { type: 'string' },
  concurrency: { type: 'string' },
  'success-threshold': { type: 'string' },
  retries: { type: 'string' },
  'check-assets': { type: 'string' },
  'no-check-assets': { type: 'boolean' },
  'fail-on': { type: 'string' },
  'allow-redirect-host': { type: 'string', multiple: true },
  discover: { type: 'string' },
  'discover-limit': { type: 'string' },
  'discover-depth': { type: 'string' },
  'discover-robots': { type: 'string' },
  seed: { type: 'string' },
  resolve: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;
const FLAGS = Object.keys(OPTIONS);

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    });
  } catch (error) {
    process.stderr.write(
      `post-deploy-gate: ${forLog(unknownFlagHint((error as Error).message))}\nRun with --help for the options.\n`,
    );
    return 2;
  }
  const flags = parsed.values;
  if (flags.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (flags.version) {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const startedAt = new Date();
  const clock = systemClock();
  const quiet = !!flags.json;
  const log: Logger = {
    info: (m) => quiet || process.stderr.write(`${forLog(m)}\n`),
    warning: (m) => process.stderr.write(`warning: ${forLog(m)}\n`),
    debug: () => {},
  };
  const proxy = machineProxy(process.env);
  const secrets = [...headerValues((flags.header ?? []).join('\n')), ...proxy.secrets];
  const routes = [...(flags.routes ? [flags.routes] : []), ...(flags.route ?? [])].join('\n') || undefined;
  const values: Record<string, string | undefined> = {
    url: flags.url,
    'health-path': flags['health-path'],
    routes,
    'expect-version': flags['expect-version'],
    timeout: flags.timeout,
    'request-timeout': flags['request-timeout'],
    headers: flags.header?.join('\n'),
    config: flags.config,
    report: flags.report,
    watch: flags.watch,
    concurrency: flags.concurrency,
    'success-threshold': flags['success-threshold'],
    retries: flags.retries,
    'check-assets': flags['no-check-assets'] ? 'false' : flags['check-assets'],
    'fail-on': flags['fail-on'],
    'allow-redirect-hosts': flags['allow-redirect-host']?.join(','),
    discover: flags.discover,
    'discover-limit': flags['discover-limit'],
    'discover-depth': flags['discover-depth'],
    'discover-robots': flags['discover-robots'],
  };
  // Bad flags, a bad config file or a bad proxy variable are usage errors: say which, exit 2, request nothing.
  let prepared: { config: GateConfig; resolve: Map<string, string>; ignored: string[]; proxy: ProxySettings };
  try {
    prepared = { ...(await resolveAll(values, flags.resolve ?? [])), proxy: proxy.proxy() };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) process.stderr.write(`post-deploy-gate: ${usageLine(issue)}\n`);
    process.stderr.write('Run with --help for the options.\n');
    return 2;
  }
  const { config } = prepared;
  // Keys the config file may hold for the action but that mean nothing here: say so rather than drop them.
  for (const key of prepared.ignored) log.warning(`${key} in the config file is for the action; the CLI ignores it`);
  // Headers from the config file are secrets as much as the flags'.
  secrets.push(...[...config.headers, ...config.routes.flatMap((r) => r.headers)].map(([, value]) => value));
  let printed = false;
  const finished = await runToReport({
    clock,
    startedAt,
    secrets,
    start: (signal) =>
      runGateWithHttp(config, {
        clock,
        log: { ...log, info: (m) => ((printed = !quiet), log.info(m)) },
        signal,
        resolve: prepared.resolve,
        startedAt,
        proxy: prepared.proxy,
        seed: flags.seed ?? process.env['GITHUB_SHA'],
      }),
  });
  const report = withPointers(finished, process.cwd());
  if (config.reportPath) {
    const path = resolvePath(config.reportPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderJson(report));
  }
  const color = !flags['no-color'] && !process.env['NO_COLOR'] && process.stdout.isTTY === true;
  // A blank line between the progress (stderr) and the report, where both land on one terminal.
  if (printed && !flags.json) process.stderr.write('\n');
  process.stdout.write(flags.json ? renderJson(report) : renderTerminal(report, { color }));
  return failsJob(report.verdict, config.failOn) ? 1 : 0;
}

/** parseArgs's "Unknown option '--rout'", with the flag it most likely meant. */
function unknownFlagHint(message: string): string {
  const unknown = /Unknown option '(--[^']+)'/.exec(message)?.[1];
  return unknown
    ? `${message}${didYouMean(
        unknown,
        FLAGS.map((f) => `--${f}`),
      )}`
    : message;
}

/** Config inputs under their CLI flag names. */
const FLAG_OF: Record<string, string> = {
  routes: '--route',
  headers: '--header',
  'allow-redirect-hosts': '--allow-redirect-host',
};

function usageLine(issue: ConfigIssue): string {
  // The action's `url` may come from wait-for-deployment; the CLI has no such flag.
  if (issue.input === 'url' && /^is required/.test(issue.message))
    return '--url is required: the base URL of the deploy, e.g. --url https://shop.example.com';
  // A problem found in the config file names the file and line, not the flag that was never given.
  if (/^[^:]+ line \d+/.test(issue.message)) return forLog(issue.message);
  const fileLine = /^([a-z-]+) \((.+ line \d+)\)$/.exec(issue.input);
  if (fileLine) return `${forLog(fileLine[2]!)}: ${forLog(fileLine[1]!)}: ${forLog(issue.message)}`;
  const known = issue.input in FLAG_OF || /^[a-z][a-z-]*$/.test(issue.input);
  const name = /^[A-Z_]+$/.test(issue.input)
    ? issue.input
    : known
      ? (FLAG_OF[issue.input] ?? `--${issue.input}`)
      : issue.input;
  return `${forLog(name)}: ${forLog(issue.message)}`;
}

/** The settings and the --resolve entries, with the problems of both reported together. */
async function resolveAll(
  values: Record<string, string | undefined>,
  entries: string[],
): Promise<{ config: GateConfig; resolve: Map<string, string>; ignored: string[] }> {
  const resolve = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  for (const entry of entries) {
    const match = /^([^=\s]+)=([0-9a-fA-F.:]+)$/.exec(entry.trim());
    if (match) resolve.set(match[1]!.toLowerCase(), match[2]!);
    else issues.push({ input: 'resolve', message: `"${entry}" is not HOST=ADDRESS (e.g. shop.example.com=127.0.0.1)` });
  }
  let config: GateConfig | undefined;
  try {
    config = await resolveConfig({ values, workspace: process.cwd(), confineConfig: false, defaultReportPath: '' });
  } catch (error) {
    if (error instanceof ConfigError) issues.unshift(...error.issues);
    else throw error;
  }
  if (issues.length || !config) throw new ConfigError(issues);
  return { config, resolve, ignored: values['config'] ? await actionOnlyKeys(values['config']) : [] };
}

/** Config-file keys that only the action acts on (the CLI comments on no pull request, waits for no deployment). */
async function actionOnlyKeys(name: string): Promise<string[]> {
  const { loadConfigFile } = await import('../config/file.js');
  const file = loadConfigFile(name, process.cwd(), false, []);
  return ['comment', 'wait-for-deployment', 'environment'].filter((key) => file?.settings.has(key));
}
