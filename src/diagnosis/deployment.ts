import { deploymentName, type DeploymentOutcome } from '../deploy/deployment.js';
import { CAUSE_INFO } from './catalogue/causes.js';
import type { Diagnosis } from './compare.js';

/** A deployment that failed, or never succeeded in time: the diagnosis, judged without a request to the site. */
export function diagnoseDeployment(outcome: Exclude<DeploymentOutcome, { kind: 'ready' }>): Diagnosis {
  const d = outcome.deployment;
  const failed = outcome.kind === 'failed';
  const cause = failed ? 'deployment-failed' : 'deployment-not-found';
  const name = d ? deploymentName(d) : '';
  const looked = outcome.kind === 'not-found' ? outcome.looked : 'a deployment';
  const headline = failed
    ? `The deployment ${name} of ${d!.sha.slice(0, 7)} ended in ${d!.state}${d!.description ? `: ${d!.description}` : ''}.`
    : d
      ? `No successful deployment within the budget: ${name} of ${d.sha.slice(0, 7)} was still ${d.state}.`
      : `No deployment appeared within the budget: looked for ${looked}.`;
  const evidence = d
    ? [
        `${d.source === 'deployment' ? 'GitHub deployment' : 'commit status'} ${name} → ${d.state}`,
        ...(d.description ? [`description: ${d.description}`] : []),
        ...(d.logUrl ? [`log: ${d.logUrl}`] : []),
      ]
    : [`looked for ${looked} (GitHub deployments and commit statuses)`];
  const fix = failed && d?.logUrl ? `Read the deployment's log: ${d.logUrl}` : CAUSE_INFO[cause].fix;
  return { cause, layer: 'deploy', confidence: 'high', headline, evidence, fix, routes: ['deployment'] };
}
