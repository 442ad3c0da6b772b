import * as core from '@actions/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { systemClock } from './clock.js';
import { resolveConfig } from './config/resolve.js';
import type { GateConfig } from './config/types.js';
import { headerValues } from './config/values.js';
import { ACTION_INPUTS, DEFAULT_REPORT_FILE } from './config/defaults.js';
import { machineProxy, runToReport } from './run.js';
import { withPointers } from './repo/attach.js';
import { secretForms } from './report/redact.js';
import { runGateWithHttp } from './gate.js';
import { readEvent, type GitHubEvent } from './github/event.js';
import type { Logger } from './log.js';
import { renderAnnotations } from './report/annotations.js';
import { forLog } from './report/escape.js';
import { renderJson } from './report/json.js';
import type { Report } from './report/report.js';
import { renderSummary } from './report/summary.js';

/** The action: inputs → gate → outputs, summary, annotations. The only file that touches @actions/core. */

export { ACTION_INPUTS };

const logger: Logger = {
  info: (m) => core.info(forLog(m)),
  warning: (m) => core.warning(forLog(m)),
  debug: (m) => core.debug(forLog(m)),
};

/** The event payload, read once and only by runs that use GitHub (a deployment wait or a comment). */
let event: GitHubEvent | undefined;
function gitHubEvent(): GitHubEvent {
  if (event) return event;
  let payload: Record<string, unknown> = {};
  try {
    if (process.env['GITHUB_EVENT_PATH']) payload = JSON.parse(readFileSync(process.env['GITHUB_EVENT_PATH'], 'utf8'));
  } catch {
    // No readable payload (a local run): the event is what the environment says.
  }
  return (event = readEvent(process.env, payload));
}

export async function run(): Promise<void> {
  const startedAt = new Date();
  const clock = systemClock();
  const values = Object.fromEntries(ACTION_INPUTS.map((name) => [name, core.getInput(name)]));
  // Mask header values before anything can print them (the config parser never repeats them either).
  const proxy = machineProxy(process.env);
  const secrets = [...headerValues(values['headers'] ?? ''), ...proxy.secrets];
  // Also the forms a server may echo back (URL-encoded, base64, the token of "Bearer …").
  secretForms(secrets).forEach((form) => core.setSecret(form));
  const token = values['github-token'] ?? '';
  const defaultReportPath = join(process.env['RUNNER_TEMP'] || tmpdir(), DEFAULT_REPORT_FILE);
  let config = undefined as GateConfig | undefined;
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
  const finished = await runToReport({
    clock,
    startedAt,
    secrets,
    start: async (signal) => {
      const gateConfig = (config = await resolveConfig({
        values,
        workspace,
        defaultReportPath,
      }));
      // A malformed HTTP(S)_PROXY is a config error too, before any request.
      const httpProxy = proxy.proxy();
      // The deploy stage and its GitHub client are loaded only by runs that wait for a deployment.
      const deployment = gateConfig.waitForDeployment
        ? await (
            await import('./deploy/stage.js')
          ).deployStage({ config: gateConfig, event: gitHubEvent(), token, clock, log: logger, signal })
        : undefined;
      return runGateWithHttp(gateConfig, {
        clock,
        log: logger,
        signal,
        startedAt,
        deployment,
        proxy: httpProxy,
      });
    },
  });
  const report = withPointers(finished, workspace);
  // The verdict is written before any GitHub API call, and nothing the API does changes it.
  await publish(report, config?.reportPath ?? defaultReportPath);
  if (config?.comment) {
    const { commentOnPullRequest } = await import('./github/pull-request.js');
    const outcome = await commentOnPullRequest({
      report,
      config,
      event: gitHubEvent(),
      token,
      log: logger,
    });
    core.info(`comment: ${outcome}`);
  }
}

/** Outputs, report file, summary and annotations: every path, before any GitHub API call. */
async function publish(report: Report, reportPath: string): Promise<void> {
  core.setOutput('verdict', report.verdict);
  core.setOutput('cause', report.cause ?? '');
  core.setOutput('summary', report.summary);
  core.setOutput('url', report.url ?? '');
  core.setOutput('ready-after', report.readyAfterMs === undefined ? '' : (report.readyAfterMs / 1000).toFixed(1));
  try {
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(reportPath, renderJson(report));
    core.setOutput('report', reportPath);
  } catch (error) {
    core.setOutput('report', '');
    core.warning(`could not write the JSON report to ${forLog(reportPath)}: ${forLog(String(error))}`);
  }
  try {
    await core.summary.addRaw(renderSummary(report)).write();
  } catch (error) {
    core.warning(`could not write the job summary: ${forLog(String(error))}`);
  }
  for (const annotation of renderAnnotations(report)) {
    const properties = {
      title: annotation.title,
      ...(annotation.file ? { file: annotation.file, startLine: annotation.line } : {}),
    };
    if (annotation.level === 'error') core.error(annotation.message, properties);
    else if (annotation.level === 'warning') core.warning(annotation.message, properties);
    else core.notice(annotation.message, properties);
  }
  const line = `${report.verdict}${report.cause ? ` (${report.cause})` : ''}: ${report.summary}`;
  core.info(forLog(line));
  // Not core.setFailed: its extra annotation would repeat the error above and use one of the ten slots.
  if (report.verdict !== 'pass') process.exitCode = 1;
}
