import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '../log.js';

/**
 * The GitHub client: retries 5xx (plugin-retry), waits out rate limits (plugin-throttling) only when the
 * wait fits the budget, and every request carries one signal so the whole of the reporting (or the
 * deployment wait) ends on time whatever the API does.
 */

export type Octokit = ReturnType<typeof getOctokit>;

export interface OctokitOptions {
  token: string;
  apiUrl: string;
  log: Logger;
  signal: AbortSignal;
  /** Milliseconds the caller can still spend; a rate-limit wait longer than this is not taken. */
  timeLeft: () => number;
}

export function createOctokit(options: OctokitOptions): Octokit {
  const { log } = options;
  /** Both kinds of rate limit: wait once, and only when the wait fits what is left of the budget. */
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < 1 && retryAfter * 1000 < options.timeLeft();
      const what = retrying ? `retrying after ${retryAfter}s` : 'giving up (does not fit the time budget)';
      log.warning(`GitHub API ${kind} on ${request.method} ${request.url}; ${what}`);
      return retrying;
    };
  return getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl.replace(/\/$/, ''),
      request: { signal: options.signal },
      // Short waits between 5xx retries (0.2 s, 0.8 s, 1.8 s): the reporting budget is one minute.
      retry: { retries: 3, retryAfterBaseValue: 200 },
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit') },
    },
    retry,
    throttling,
  );
}

/** The HTTP status of an Octokit error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}
