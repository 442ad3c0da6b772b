/** What the deploy stage found: plain data, turned into a diagnosis (and a Report) by the gate. */

/** A deployment as GitHub (or a provider's commit status) reported it. */
export interface DeploymentInfo {
  source: 'deployment' | 'commit-status';
  id?: number;
  environment: string;
  sha: string;
  /** The latest state: success, failure, error, in_progress, pending, queued … */
  state: string;
  /** The site (environment_url, or a status's target_url). */
  url?: string;
  logUrl?: string;
  description?: string;
  waitedMs?: number;
  /**
   * Other environments with a deployment of the same commit that this run did not check (no
   * `environment` given, so the newest deployment was taken): named in the report, never passed over.
   */
  alsoDeployed?: string[];
}

export type DeploymentOutcome =
  /** Succeeded; `url` is where to check it (the `url` input, or the deployment's own). */
  | { kind: 'ready'; deployment: DeploymentInfo; url: URL }
  | { kind: 'failed'; deployment: DeploymentInfo }
  /** No successful deployment within the budget; `looked` says what was looked for. */
  | { kind: 'not-found'; deployment?: DeploymentInfo; looked: string };

/** "production #42" */
export function deploymentName(deployment: DeploymentInfo): string {
  return `${deployment.environment || 'deployment'}${deployment.id ? ` #${deployment.id}` : ''}`;
}
