import type { Logger } from '../log.js';
import { commentMarker, renderComment } from '../report/comment.js';
import type { Report } from '../report/report.js';
import type { GitHubEvent } from './event.js';
import { statusOf, type Octokit } from './octokit.js';

/**
 * One comment per pull request and key (environment), found again by its hidden marker and its author,
 * updated in place. Never changes the verdict: every failure becomes a warning that names what is missing.
 */

export interface CommentOptions {
  octokit: Octokit;
  event: GitHubEvent;
  report: Report;
  key: string;
  log: Logger;
}

/** Pages of 100 comments read at most while looking for the gate's own comment. */
export const MAX_COMMENT_PAGES = 20;

interface IssueComment {
  id: number;
  body?: string | null;
  user?: { login?: string } | null;
}

/** Returns what happened, in words, for the log. */
export async function publishComment(options: CommentOptions): Promise<string> {
  const { octokit, event, log } = options;
  const repo = { owner: event.owner, repo: event.repo };
  try {
    const number = event.pullRequest ?? (await pullRequestFor(octokit, event));
    if (number === undefined) return `no open pull request for ${event.sha.slice(0, 7)}: no comment`;
    const marker = commentMarker(options.key);
    const me = await identity(octokit);
    const find = () => findOwnComment(octokit, { ...repo, issue_number: number }, marker, me, log);
    const existing = await find();
    const body = renderComment(options.report, {
      key: options.key,
      sha: event.sha,
      runUrl: event.runUrl,
      previousBody: existing?.body ?? undefined,
    });
    if (existing) {
      if (existing.body === body) return `comment on #${number} already up to date`;
      await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
      return `updated the comment on #${number}`;
    }
    try {
      // No automatic retry of a create: a 5xx may still have created it, which would leave two.
      await octokit.rest.issues.createComment({ ...repo, issue_number: number, body, request: { retries: 0 } });
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined && status < 500) throw error;
      const created = await find();
      if (created) {
        await octokit.rest.issues.updateComment({ ...repo, comment_id: created.id, body });
        return `updated the comment on #${number} (its creation had reported an error)`;
      }
      log.warning(`creating the comment on #${number} failed (${describeError(error)}); trying once more`);
      await octokit.rest.issues.createComment({ ...repo, issue_number: number, body, request: { retries: 0 } });
    }
    return `commented on #${number}`;
  } catch (error) {
    log.warning(`no PR comment: ${explain(error)}`);
    return 'comment failed';
  }
}

/**
 * Pages are read one at a time and dropped: a pull request can hold thousands of comments of 65 kB.
 * Only our own comment counts (a marker copied into someone else's is left alone); the first match ends
 * the search, and at most MAX_COMMENT_PAGES pages are read.
 */
async function findOwnComment(
  octokit: Octokit,
  params: { owner: string; repo: string; issue_number: number },
  marker: string,
  me: string,
  log: Logger,
): Promise<IssueComment | undefined> {
  let pages = 0;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...params, per_page: 100 })) {
    const found = (page.data as IssueComment[]).find((c) => c.body?.includes(marker) && sameLogin(c.user?.login, me));
    if (found) return { id: found.id, body: found.body, user: found.user };
    if (++pages >= MAX_COMMENT_PAGES) {
      log.warning(
        `no earlier gate comment in the first ${MAX_COMMENT_PAGES * 100} comments of #${params.issue_number}; posting a new one`,
      );
      return undefined;
    }
  }
  return undefined;
}

async function pullRequestFor(octokit: Octokit, event: GitHubEvent): Promise<number | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: event.owner,
    repo: event.repo,
    commit_sha: event.sha,
  });
  const open = data.filter((pr) => pr.state === 'open');
  return (open.find((pr) => pr.head.sha === event.sha) ?? open[0])?.number;
}

/**
 * Who the token writes as. GraphQL's viewer works for GITHUB_TOKEN (REST /user does not); if even that
 * is refused, comments by the Actions bot are ours.
 */
async function identity(octokit: Octokit): Promise<string> {
  try {
    const result = await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
    return result.viewer.login;
  } catch {
    return 'github-actions[bot]';
  }
}

/** REST says `github-actions[bot]`, GraphQL says `github-actions`: compare without the suffix. */
function sameLogin(a: string | undefined, b: string): boolean {
  const bare = (login: string) => login.replace(/\[bot\]$/, '').toLowerCase();
  return !!a && bare(a) === bare(b);
}

function explain(error: unknown): string {
  const status = statusOf(error);
  const permission =
    status === 403 || status === 404
      ? ' The token lacks access: give the job `permissions: pull-requests: write` (and `contents: read`).'
      : status === 422
        ? ' GitHub refused the comment (422): the pull request may be locked or the body invalid.'
        : '';
  return `${describeError(error)}.${permission}`;
}

function describeError(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return status ? `GitHub API ${status}: ${message}` : message;
}
