import type { ConfigIssue } from '../config/types.js';
import { CAUSE_INFO } from '../diagnosis/causes.js';
import type { DeploymentOutcome } from '../github/deployment.js';
import { VERSION, type Report } from './report.js';

/** Reports for runs that never got to check anything: bad configuration, or a fault of our own. */

export function configErrorReport(issues: ConfigIssue[], startedAt: Date, durationMs: number): Report {
  const names = [...new Set(issues.map((i) => i.input.split(' ')[0]))].join(', ');
  return {
    ...empty(startedAt, durationMs),
    verdict: 'error',
    cause: 'config-error',
    summary: `Invalid configuration (${names}): ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was requested.`,
    configIssues: issues,
  };
}

export function faultReport(error: unknown, startedAt: Date, durationMs: number): Report {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : `non-Error thrown: ${String(error)}`;
  return {
    ...empty(startedAt, durationMs),
    verdict: 'error',
    summary: 'post-deploy-gate failed internally; the deploy was not judged.',
    fault: message,
  };
}

function empty(startedAt: Date, durationMs: number): Omit<Report, 'verdict' | 'summary'> {
  return {
    tool: 'post-deploy-gate',
    version: VERSION,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(durationMs),
    routes: [],
    diagnoses: [],
    warnings: [],
  };
}

/** The deployment failed, or none appeared in time: the deploy is judged without a request to it. */
export function deploymentReport(
  outcome: Exclude<DeploymentOutcome, { kind: 'ready' }>,
  startedAt: Date,
  durationMs: number,
): Report {
  const d = outcome.deployment;
  const failed = outcome.kind === 'failed';
  const cause = failed ? 'deployment-failed' : 'deployment-not-found';
  // "(id 3)", not "#3": GitHub would link #3 to an issue of that number.
  const name = d ? `${d.environment || 'deployment'}${d.id ? ` (id ${d.id})` : ''}` : '';
  const headline = failed
    ? `The deployment ${name} of ${d!.sha.slice(0, 7)} ended in ${d!.state}${d!.description ? `: ${d!.description}` : ''}.`
    : d
      ? `No successful deployment within the budget: ${name} of ${d.sha.slice(0, 7)} was still ${d.state}.`
      : `No deployment appeared within the budget: looked for ${lookedFor(outcome)}.`;
  // The report's deployment line shows the state and links the log; the evidence adds what it does not.
  const evidence = d
    ? d.description
      ? [`description: ${d.description}`]
      : []
    : [`looked for ${lookedFor(outcome)} (GitHub deployments and commit statuses)`];
  const fix = failed && d?.logUrl ? `Read the deployment's log: \`${d.logUrl}\`` : CAUSE_INFO[cause].fix;
  return {
    ...empty(startedAt, durationMs),
    verdict: 'fail',
    cause,
    summary: headline,
    deployment: d,
    diagnoses: [{ cause, layer: 'deploy', confidence: 'high', headline, evidence, fix, routes: ['deployment'] }],
  };
}

function lookedFor(outcome: DeploymentOutcome): string {
  return outcome.kind === 'not-found' ? outcome.looked : 'a deployment';
}
