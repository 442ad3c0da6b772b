import type { DeploymentOutcome } from '../deploy/deployment.js';
import { CAUSE_INFO } from './catalogue/causes.js';
import type { Diagnosis } from './compare.js';

/** A deployment that failed, or never succeeded in time: the diagnosis, judged without a request to the site. */
export function diagnoseDeployment(outcome: Exclude<DeploymentOutcome, { kind: 'ready' }>): Diagnosis {
  const d = outcome.deployment;
  const failed = outcome.kind === 'failed';
  const cause = failed ? 'deployment-failed' : 'deployment-not-found';
  // "(id 3)", not "#3": in Markdown GitHub links #3 to the issue of that number.
  const name = d ? `${d.environment || 'deployment'}${d.id ? ` (id ${d.id})` : ''}` : '';
  const looked = outcome.kind === 'not-found' ? outcome.looked : 'a deployment';
  const headline = failed
    ? `The deployment ${name} of ${d!.sha.slice(0, 7)} ended in ${d!.state}${d!.description ? `: ${d!.description}` : ''}.`
    : d
      ? `No successful deployment within the budget: ${name} of ${d.sha.slice(0, 7)} was still ${d.state}.`
      : `No deployment appeared within the budget: looked for ${looked}.`;
  // The report's deployment line shows the state and links the log; the evidence adds what it does not.
  const evidence = d
    ? d.description
      ? [`description: ${d.description}`]
      : []
    : [`looked for ${looked} (GitHub deployments and commit statuses)`];
  const fix = failed && d?.logUrl ? `Read the deployment's log: \`${d.logUrl}\`` : CAUSE_INFO[cause].fix;
  return { cause, layer: 'deploy', confidence: 'high', headline, evidence, fix, routes: ['deployment'] };
}
