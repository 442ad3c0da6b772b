import { ConfigError } from '../config/types.js';

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

/**
 * A URL from a deployment (`environment_url`, `target_url`, `log_url`) without the credentials a provider
 * may have written into it (`https://user:pass@preview…`): the `url` input refuses them, and a report,
 * an output or a comment must never show them. What was removed goes to `secrets`, to be masked and
 * redacted wherever the deployment echoes it.
 */
export function withoutCredentials(text: string | undefined, secrets: string[]): string | undefined {
  if (!text) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL we can parse: drop anything that looks like userinfo all the same.
    return text.replace(/\/\/[^/@\s]*@/g, () => '//');
  }
  if (!url.username && !url.password) return text;
  const user = safeDecode(url.username);
  const password = safeDecode(url.password);
  secrets.push(...[user, url.username, password, url.password].filter(Boolean));
  if (user && password) secrets.push(`${user}:${password}`, `${url.username}:${url.password}`);
  url.username = '';
  url.password = '';
  return url.href;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A successful deployment as the outcome to check: at the `url` input when given, else at the deployment's
 * own http(s) URL; a config error naming `input` when it has none.
 */
export function readyOutcome(deployment: DeploymentInfo, url: URL | undefined, input: string): DeploymentOutcome {
  const checked = url ?? (deployment.url ? safeUrl(deployment.url) : undefined);
  if (!checked) {
    throw new ConfigError([
      {
        input,
        message: `the deployment ${deployment.environment} succeeded without a URL (environment_url); give url`,
      },
    ]);
  }
  return { kind: 'ready', deployment, url: checked };
}

/** A deployment's own URL, when it is an http(s) one. */
function safeUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A deployment's URLs as read from GitHub, their credentials removed at the source (and handed over). */
export function withoutUrlCredentials(
  d: DeploymentInfo,
  onSecrets: ((values: string[]) => void) | undefined,
): DeploymentInfo {
  const secrets: string[] = [];
  const cleaned = { ...d, url: withoutCredentials(d.url, secrets), logUrl: withoutCredentials(d.logUrl, secrets) };
  if (secrets.length) onSecrets?.(secrets);
  return cleaned;
}
