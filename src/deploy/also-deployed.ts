import { deploymentName, type DeploymentInfo } from './deployment.js';

/**
 * A wait without `environment` takes the newest deployment of the commit; a monorepo's commit may have
 * several (one per project). The others are named in the log and the report, never passed over in silence.
 */
export function alsoDeployedWarning(deployment: DeploymentInfo): string {
  const others = (deployment.alsoDeployed ?? []).map((e) => `"${e}"`).join(', ');
  return `this commit also has deployments in ${others}, not checked: only ${deploymentName(deployment)} was (set environment to a glob such as "Preview*" to check every match, or use targets)`;
}
