import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { systemClock } from './clock.js';
import { resolveConfig } from './config/resolve.js';
import type { GateConfig } from './config/types.js';
import { baselineHeaderValues, headerValues } from './config/values.js';
import { ACTION_INPUTS, DEFAULT_REPORT_FILE } from './config/defaults.js';
import { machineProxy, runToReport } from './run.js';
import { withPointers } from './repo/attach.js';
import { redactorFor, redactReport, secretForms } from './report/redact.js';
import { faultReport, runGateWithHttp } from './gate.js';
import { readEvent, type GitHubEvent } from './github/event.js';
import { reportingAsked, reportingRefused } from './github/preflight.js';
import type { Logger } from './log.js';
import { renderAnnotations } from './report/annotations.js';
import { forLog, forWorkflowOutput, urlForWorkflowOutput } from './report/escape.js';
import { renderJson } from './report/json.js';
import type { Report } from './report/report.js';
import { writeNewReport } from './report/report-file.js';
import { renderSummary } from './report/summary.js';
import { eachTarget } from './targets/combine.js';
import { renderTargetsAnnotations, renderTargetsSummary, targetsOutput } from './targets/render.js';
import { runTargets, usesTargets } from './targets/run.js';
import { failsJob } from './config/reporting.js';
import { writeInWorkspace } from './config/workspace-path.js';
import * as core from './runner/workflow-commands.js';

/** The action: inputs → gate → outputs, summary, annotations. The only file that speaks to the runner (runner/workflow-commands.ts). */

export { ACTION_INPUTS };

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

/** The event, with the commit the workflow named (`sha`) in place of the event's own. */
function eventFor(config: GateConfig | undefined): GitHubEvent {
  const base = gitHubEvent();
  return config?.sha ? { ...base, sha: config.sha } : base;
}

/** `cancelled`: the runner's SIGINT/SIGTERM, as heard by the entry from its first line on. */
export async function run(cancelled?: AbortSignal): Promise<void> {
  const startedAt = new Date();
  const clock = systemClock();
  const values = Object.fromEntries(ACTION_INPUTS.map((name) => [name, core.getInput(name)]));
  const token = values['github-token'] ?? '';
  // Secrets are masked before anything can print them, and every sink redacts them again on the way out.
  const secrets: string[] = [];
  const addSecrets = (more: readonly string[]) => {
    const fresh = [...new Set(more)].filter((value) => !secrets.includes(value));
    secretForms(fresh).forEach((form) => core.setSecret(form));
    secrets.push(...fresh);
  };
  const proxy = machineProxy(process.env);
  addSecrets([
    ...headerValues(values['headers'] ?? ''),
    ...baselineHeaderValues(values['baseline-headers'] ?? ''),
    ...proxy.secrets,
    ...(token ? [token] : []),
  ]);
  const redact = redactorFor(secrets);
  const logger: Logger = {
    info: (m) => core.info(redact(forLog(m))),
    warning: (m) => core.warning(redact(forLog(m))),
    debug: (m) => core.debug(redact(forLog(m))),
  };
  const reportFolder = process.env['RUNNER_TEMP'] || tmpdir();
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
  let published = false;
  let config = undefined as GateConfig | undefined;
  const publishOnce = async (report: Report) => {
    if (published) return;
    published = true;
    await publish(redactReport(report, secrets), { reportFolder, workspace, config }, redact);
  };
  // Whatever throws, or a step that never settles (the loop empties under an await), still ends with outputs.
  const fallback = (error: unknown) => publishOnce(faultReport(error, startedAt, clock.now()));
  const onUncaught = (error: unknown) => void fallback(error).finally(() => process.exit(1));
  const onEmptyLoop = () => onUncaught(new Error('the run stopped before a verdict (a step never settled)'));
  process.once('beforeExit', onEmptyLoop).on('uncaughtException', onUncaught).on('unhandledRejection', onUncaught);
  // Cancellation after the gate (the gate's own handler is gone by then) stops the reporting at once.
  const reporting = new AbortController();
  const onSignal = () => reporting.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  if (cancelled?.aborted) reporting.abort();
  try {
    const finished = await runToReport({
      clock,
      startedAt,
      secrets,
      cancelled,
      start: async (signal) => {
        const gateConfig = (config = await resolveConfig({ values, workspace, defaultReportPath: '' }));
        // Headers from the config file are secrets as much as the input's.
        const baselineHeaders = gateConfig.baseline?.headers;
        addSecrets(
          [
            ...gateConfig.headers,
            ...gateConfig.routes.flatMap((r) => r.headers),
            ...(Array.isArray(baselineHeaders) ? baselineHeaders : []),
            ...(gateConfig.targets ?? []).flatMap((t) => [
              ...(t.headers ?? []),
              ...(t.routes ?? []).flatMap((r) => r.headers),
            ]),
          ].map(([, v]) => v),
        );
        // A merge requests nothing: it reads the shards' reports (inside the workspace) and sums them up.
        if (gateConfig.mergeReports) {
          const { readShardFiles } = await import('./targets/report-files.js');
          const { mergeShards } = await import('./targets/merge.js');
          const files = readShardFiles([gateConfig.mergeReports], workspace, true);
          return mergeShards(files, runOrigin(), startedAt, clock.now());
        }
        // A malformed HTTP(S)_PROXY is a config error too, before any request.
        const httpProxy = proxy.proxy();
        if (usesTargets(gateConfig)) {
          return runTargets(gateConfig, {
            clock,
            log: logger,
            signal,
            startedAt,
            proxy: httpProxy,
            github: () => ({ event: eventFor(gateConfig), token }),
            seed: eventFor(gateConfig).sha,
            onSecrets: addSecrets,
            waitOnGitHub: async (options) => (await import('./targets/github-wait.js')).waitOnGitHub(options),
            ...(gateConfig.shard ? { origin: runOrigin() } : {}),
          });
        }
        // The deploy stage and its GitHub client are loaded only by runs that wait for a deployment.
        const deployment = gateConfig.waitForDeployment
          ? await (
              await import('./deploy/stage.js')
            ).deployStage({
              config: gateConfig,
              event: eventFor(gateConfig),
              token,
              clock,
              log: logger,
              signal,
              onSecrets: addSecrets,
            })
          : undefined;
        // The discovered sample is ordered by the commit checked (the PR head), so a rerun checks the same routes.
        const seed = gateConfig.discover.mode !== 'off' ? gitHubEvent().sha : undefined;
        return runGateWithHttp(gateConfig, {
          clock,
          log: logger,
          signal,
          startedAt,
          deployment,
          proxy: httpProxy,
          seed,
        });
      },
    });
    // The repository pointer quotes a line of the workspace: added before the redaction, not after it.
    const report = redactReport(
      eachTarget(finished, (r) => withPointers(r, workspace)),
      secrets,
    );
    // The verdict is written before any GitHub API call, and nothing the API does changes it.
    await publishOnce(report);
    if (config?.shard) {
      logger.info(
        `comment: left to the job that merges the shards (this is shard ${config.shard.index}/${config.shard.count})`,
      );
    } else if (config && Object.values(reportingAsked(config)).some(Boolean)) {
      const asked = { config, event: eventFor(config), token, log: logger, signal: reporting.signal };
      // The GitHub client loads only when the run can write: the refusals are decided without it.
      let outcome = reportingRefused({ ...asked, cancelled: report.cancelled });
      if (!outcome) {
        const { commentOnPullRequest } = await import('./github/pull-request.js');
        outcome = await commentOnPullRequest({ ...asked, report, redact });
      }
      logger.info(`comment: ${outcome}`);
    }
  } catch (error) {
    if (published) logger.warning(`reporting failed: ${String(error)}`);
    else await fallback(error);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal).off('beforeExit', onEmptyLoop);
    process.off('uncaughtException', onUncaught).off('unhandledRejection', onUncaught);
  }
}

/** The commit and workflow run a shard's report is from, and a merge's reports must be from. */
function runOrigin(): { sha?: string; runId?: string } {
  return { sha: gitHubEvent().sha || undefined, runId: process.env['GITHUB_RUN_ID'] || undefined };
}

/** Outputs, report file, summary and annotations: every path, before any GitHub API call. */
async function publish(
  report: Report,
  where: { reportFolder: string; workspace: string; config?: GateConfig },
  redact: (text: string) => string,
): Promise<void> {
  const { reportFolder, config } = where;
  const output = (name: string, value: string) => core.setOutput(name, redact(value));
  output('verdict', report.verdict);
  output('cause', report.cause ?? '');
  // Deployment text reaches these two; a workflow may paste them into a script (see forWorkflowOutput).
  output('summary', forWorkflowOutput(report.summary));
  output('url', urlForWorkflowOutput(report.url ?? ''));
  output('ready-after', report.readyAfterMs === undefined ? '' : (report.readyAfterMs / 1000).toFixed(1));
  output('targets', report.targets ? targetsOutput(report) : '');
  const json = redact(renderJson(report));
  try {
    output('report', writeNewReport(reportFolder, DEFAULT_REPORT_FILE, json));
  } catch (error) {
    output('report', '');
    core.warning(redact(`could not write the JSON report in ${forLog(reportFolder)}: ${forLog(String(error))}`));
  }
  if (config?.workspaceReportPath) {
    // A copy inside the workspace, for actions/upload-artifact: the workflow chose the path, never the PR.
    try {
      const path = writeInWorkspace(where.workspace, config.workspaceReportPath, json);
      core.info(redact(forLog(`report copied to ${path}`)));
    } catch (error) {
      core.warning(
        redact(`could not write report-path: ${forLog(error instanceof Error ? error.message : String(error))}`),
      );
    }
  }
  try {
    core.appendSummary(redact(report.targets ? renderTargetsSummary(report) : renderSummary(report)));
  } catch (error) {
    core.warning(redact(`could not write the job summary: ${forLog(String(error))}`));
  }
  for (const annotation of report.targets ? renderTargetsAnnotations(report) : renderAnnotations(report)) {
    const properties = {
      title: redact(annotation.title),
      ...(annotation.file ? { file: annotation.file, startLine: annotation.line } : {}),
    };
    const message = redact(annotation.message);
    if (annotation.level === 'error') core.error(message, properties);
    else if (annotation.level === 'warning') core.warning(message, properties);
    else core.notice(message, properties);
  }
  const line = `${report.verdict}${report.cause ? ` (${report.cause})` : ''}: ${report.summary}`;
  core.info(redact(forLog(line)));
  // Not core.setFailed: its extra annotation would repeat the error above and use one of the ten slots.
  // `fail-on` decides which verdicts fail the job; a verdict that does not is said once, in the log.
  if (failsJob(report.verdict, config?.failOn)) process.exitCode = 1;
  else if (report.verdict !== 'pass') core.info(`the job passes: fail-on does not include ${report.verdict}`);
}
