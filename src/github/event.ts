/**
 * What the workflow run is about, read from the runner's environment and the event payload: which commit
 * is under test, which pull request, whether the token can write, and the deployment the event carries.
 * Pure: env and payload in, facts out.
 */

export interface DeploymentRef {
  id: number;
  environment: string;
  sha: string;
  state?: string;
  url?: string;
  logUrl?: string;
}

export interface GitHubEvent {
  name: string;
  owner: string;
  repo: string;
  /** The commit whose deployment we check: the PR head, not the merge commit. */
  sha: string;
  pullRequest?: number;
  /**
   * Where the head commit lives, to find the pull request by `owner:branch` when GitHub cannot link the
   * commit to it (a commit in a fork: `workflow_run.pull_requests` is empty and "pull requests for a
   * commit" answers nothing).
   */
  head?: { owner: string; branch: string };
  /** On `workflow_run`: the event that ran the triggering workflow (`pull_request`, `push` …). */
  triggeredBy?: string;
  /** Pull requests from forks and Dependabot run with a read-only token: no write calls. */
  readOnly?: 'fork' | 'dependabot';
  /** On `deployment_status`: the deployment and its new status, from the payload. */
  deployment?: DeploymentRef;
  runUrl?: string;
  serverUrl: string;
  apiUrl: string;
  graphqlUrl: string;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

export function readEvent(env: Readonly<Record<string, string | undefined>>, payload: Json): GitHubEvent {
  const [owner = '', repo = ''] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  const name = env['GITHUB_EVENT_NAME'] ?? '';
  const serverUrl = env['GITHUB_SERVER_URL'] || 'https://github.com';
  const apiUrl = env['GITHUB_API_URL'] || 'https://api.github.com';
  const event: GitHubEvent = {
    name,
    owner,
    repo,
    sha: env['GITHUB_SHA'] ?? '',
    serverUrl,
    apiUrl,
    graphqlUrl: env['GITHUB_GRAPHQL_URL'] || `${apiUrl.replace(/\/$/, '')}/graphql`,
    runUrl: env['GITHUB_RUN_ID'] ? `${serverUrl}/${owner}/${repo}/actions/runs/${env['GITHUB_RUN_ID']}` : undefined,
  };

  const pr = obj(payload['pull_request']);
  if (Object.keys(pr).length > 0) {
    event.sha = str(obj(pr['head'])['sha']) ?? event.sha;
    event.pullRequest = typeof pr['number'] === 'number' ? pr['number'] : undefined;
    // pull_request_target runs in the base repository with a writable token, even for forks.
    if (name === 'pull_request') event.readOnly = readOnlyReason(pr, env['GITHUB_ACTOR']);
  }
  if (name === 'push') event.sha = str(payload['after']) ?? event.sha;
  if (name === 'workflow_run') readWorkflowRun(event, obj(payload['workflow_run']));
  if (name === 'deployment_status' || name === 'deployment') {
    const deployment = obj(payload['deployment']);
    const status = obj(payload['deployment_status']);
    if (typeof deployment['id'] === 'number') {
      event.sha = str(deployment['sha']) ?? event.sha;
      event.deployment = {
        id: deployment['id'],
        environment: str(status['environment']) ?? str(deployment['environment']) ?? '',
        sha: event.sha,
        state: str(status['state']),
        url: str(status['environment_url']) ?? str(status['target_url']),
        logUrl: str(status['log_url']) ?? str(status['target_url']),
      };
    }
  }
  return event;
}

/**
 * `workflow_run` carries the triggering run's pull requests, but only those whose head is in this
 * repository: for a fork the list is empty, so the head's owner and branch are kept to look it up.
 */
function readWorkflowRun(event: GitHubEvent, run: Json): void {
  event.sha = str(run['head_sha']) ?? event.sha;
  event.triggeredBy = str(run['event']);
  const pulls = Array.isArray(run['pull_requests']) ? run['pull_requests'].map(obj) : [];
  const own = pulls.find((pr) => str(obj(pr['head'])['sha']) === event.sha) ?? pulls[0];
  if (own && typeof own['number'] === 'number') event.pullRequest = own['number'];
  const owner = str(obj(obj(run['head_repository'])['owner'])['login']);
  const branch = str(run['head_branch']);
  if (owner && branch) event.head = { owner, branch };
}

function readOnlyReason(pr: Json, actor: string | undefined): GitHubEvent['readOnly'] {
  const head = obj(obj(pr['head'])['repo']);
  const base = obj(obj(pr['base'])['repo']);
  // A deleted fork has no head repository at all.
  if (!str(head['full_name']) || head['fork'] === true || head['full_name'] !== base['full_name']) return 'fork';
  if (actor === 'dependabot[bot]' || str(obj(pr['user'])['login']) === 'dependabot[bot]') return 'dependabot';
  return undefined;
}

/**
 * Environment patterns: `*` any run of characters (also `/` and spaces, as in "Preview – shop" or
 * "shop / production"), `?` one character, case-insensitive. Hand-written because path globs stop at `/`.
 */
export function environmentMatcher(pattern: string | undefined): (name: string) => boolean {
  if (!pattern) return () => true;
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 'i');
  return (name) => regex.test(name);
}
