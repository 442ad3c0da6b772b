import type { GitHubEvent } from './event.js';
import type { Octokit } from './octokit.js';

/**
 * The open pull request a commit belongs to, when the event does not name it (push, deployment_status,
 * workflow_run). GitHub links a commit to pull requests only when the commit is in this repository:
 * for a fork's commit "pull requests for a commit" is empty, so the head's `owner:branch` is asked next.
 */
export async function pullRequestFor(octokit: Octokit, event: GitHubEvent): Promise<number | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: event.owner,
    repo: event.repo,
    commit_sha: event.sha,
  });
  const open = data.filter((pr) => pr.state === 'open');
  const linked = (open.find((pr) => pr.head.sha === event.sha) ?? open[0])?.number;
  if (linked !== undefined || !event.head) return linked;
  const { data: byHead } = await octokit.rest.pulls.list({
    owner: event.owner,
    repo: event.repo,
    head: `${event.head.owner}:${event.head.branch}`,
    state: 'open',
    per_page: 10,
  });
  // A branch name can be reused; the one whose head is this commit is the one under test.
  return (byHead.find((pr) => pr.head.sha === event.sha) ?? byHead[0])?.number;
}
