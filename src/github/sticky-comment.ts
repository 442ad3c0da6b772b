import type { Logger } from '../log.js';
import { commentMarker, renderComment } from '../report/comment.js';
import type { Report } from '../report/report.js';
import type { GitHubEvent } from './event.js';
import { statusOf, type Octokit } from './octokit.js';
import type { CommentMode } from '../config/types.js';
import { pullRequestFor } from './find-pull-request.js';

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
  /** When to write (see config/reporting.ts); undefined: always. */
  mode?: CommentMode;
}

/** Pages read at most while looking for the gate's own comment, and their size. */
export const MAX_COMMENT_PAGES = 50;
export const COMMENTS_PER_PAGE = 40;

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
    if (number === undefined) {
      const message = `no open pull request for ${event.sha.slice(0, 7)}${event.head ? ` (looked by commit and by ${event.head.owner}:${event.head.branch})` : ''}: no comment`;
      // A pull request's workflow_run is meant to find one: not finding it is worth a warning.
      if (event.triggeredBy?.startsWith('pull_request')) log.warning(message);
      return message;
    }
    const marker = commentMarker(options.key);
    const me = await identity(octokit);
    const find = () => findOwnComment(octokit, { ...repo, issue_number: number }, marker, me, log);
    const existing = await find();
    if (!existing && options.mode === 'update-only')
      return `no earlier comment on #${number} to update (comment-mode update-only)`;
    if (!existing && options.mode === 'on-failure' && options.report.verdict === 'pass') {
      return `no comment on #${number}: the run passed (comment-mode on-failure)`;
    }
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
 * Pages are streamed and dropped: a pull request can hold thousands of comments of 65 kB, and parsing
 * each page into strings grows the heap far past what the page needs. A page's raw bytes are only
 * scanned for the marker; the one page that holds it is fetched again and parsed. Only our own comment
 * counts (a marker copied into someone else's is left alone); the first match ends the search, and at
 * most MAX_COMMENT_PAGES pages are read.
 */
async function findOwnComment(
  octokit: Octokit,
  params: { owner: string; repo: string; issue_number: number },
  marker: string,
  me: string,
  log: Logger,
): Promise<IssueComment | undefined> {
  // The part of the marker that JSON never escapes (no <, >, quotes or backslashes).
  const needle = Buffer.from(marker.replace(/^<!-- /, '').replace(/ -->$/, ''));
  for (let page = 1; page <= MAX_COMMENT_PAGES; page++) {
    const query = { ...params, per_page: COMMENTS_PER_PAGE, page };
    const raw = await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...query,
      request: { parseSuccessResponseBody: false },
    });
    if (await streamHolds(raw.data as unknown as ReadableStream<Uint8Array> | null, needle)) {
      const { data } = await octokit.rest.issues.listComments(query);
      const found = (data as IssueComment[]).find((c) => c.body?.includes(marker) && sameLogin(c.user?.login, me));
      if (found) return { id: found.id, body: found.body, user: found.user };
    }
    if (!/rel="next"/.test(String(raw.headers.link ?? ''))) return undefined;
  }
  log.warning(
    `no earlier gate comment in the first ${MAX_COMMENT_PAGES * COMMENTS_PER_PAGE} comments of #${params.issue_number}; posting a new one`,
  );
  return undefined;
}

/** Whether the byte stream contains `needle`, reading it chunk by chunk (a match may span two chunks). */
async function streamHolds(stream: ReadableStream<Uint8Array> | null, needle: Buffer): Promise<boolean> {
  if (!stream) return false;
  let tail = Buffer.alloc(0);
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const seam = Buffer.concat([tail, bytes.subarray(0, needle.length - 1)]);
    if (bytes.includes(needle) || seam.includes(needle)) {
      await stream.cancel().catch(() => undefined);
      return true;
    }
    // A copy of the last bytes only, so the chunk itself can go.
    tail = Buffer.from(seam.length >= needle.length ? bytes.subarray(-(needle.length - 1)) : seam);
  }
  return false;
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
