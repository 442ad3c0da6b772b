import type { Parsed } from './route-line.js';
import type { CommentMode, FailingVerdict } from './types.js';
import { didYouMean } from './suggest.js';

/**
 * What the workflow does with a verdict: which verdicts fail the job (`fail-on`), when to comment
 * (`comment-mode`), and the commit the run is about (`sha`). These belong to the workflow, not to the
 * config file that comes with the pull request (a pull request must not turn its own gate off).
 */

export const FAILING_VERDICTS: readonly FailingVerdict[] = ['fail', 'inconclusive', 'error'];
/** Today's behaviour: every verdict but `pass` fails the job. */
export const DEFAULT_FAIL_ON: readonly FailingVerdict[] = FAILING_VERDICTS;

/** `fail`, `fail,inconclusive`, `fail,inconclusive,error`, or `never` (report only: the job never fails). */
export function parseFailOn(text: string): Parsed<readonly FailingVerdict[]> {
  const words = text
    .split(/[\s,]+/)
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  const accepted = 'use a comma list of fail, inconclusive, error (e.g. "fail,inconclusive"), or never';
  if (words.length === 0) return { ok: false, message: `is empty; ${accepted}` };
  if (words.includes('never')) {
    if (words.length > 1) return { ok: false, message: `"${text}" mixes never with verdicts; ${accepted}` };
    return { ok: true, value: [] };
  }
  for (const word of words) {
    if (!(FAILING_VERDICTS as readonly string[]).includes(word)) {
      const hint = didYouMean(word, [...FAILING_VERDICTS, 'never']);
      return { ok: false, message: `"${word}" is not a verdict${hint}; ${accepted}` };
    }
  }
  return { ok: true, value: FAILING_VERDICTS.filter((v) => words.includes(v)) };
}

/** Whether this verdict fails the job under `fail-on`. */
export function failsJob(
  verdict: 'pass' | FailingVerdict,
  failOn: readonly FailingVerdict[] = DEFAULT_FAIL_ON,
): boolean {
  return verdict !== 'pass' && (failOn as readonly string[]).includes(verdict);
}

/**
 * `always`: create or update the comment on every run. `on-failure`: create it only when the verdict is
 * not `pass`, but always update one that exists (so a fix shows as fixed). `update-only`: never create,
 * only update an existing one. `off`: no comment (the same as `comment: false`).
 */
export const COMMENT_MODES: readonly CommentMode[] = ['always', 'on-failure', 'update-only', 'off'];

export function parseCommentMode(text: string): Parsed<CommentMode> {
  const word = text.trim().toLowerCase();
  if ((COMMENT_MODES as readonly string[]).includes(word)) return { ok: true, value: word as CommentMode };
  return {
    ok: false,
    message: `"${text.trim()}" is not a comment mode${didYouMean(word, COMMENT_MODES)}; use ${COMMENT_MODES.join(', ')}`,
  };
}

/** A full or abbreviated (7–40) hexadecimal commit id; GitHub's statuses need the full 40. */
export function parseSha(text: string): Parsed<string> {
  const value = text.trim();
  if (/^[0-9a-f]{40}$/i.test(value)) return { ok: true, value: value.toLowerCase() };
  return {
    ok: false,
    message: `"${value}" is not a commit SHA; give the full 40-character hexadecimal id, e.g. \${{ steps.deploy.outputs.sha }}`,
  };
}

/**
 * Host names a redirect may lead to (beyond the checked URL's own origin): `www.shop.example.com`, or
 * `*.example.com` for any subdomain. Names only: no scheme, path or port.
 */
export function parseHostList(text: string): Parsed<readonly string[]> {
  const hosts: string[] = [];
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    const host = word.toLowerCase().replace(/\.$/, '');
    if (!/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(host)) {
      return {
        ok: false,
        message: `"${word}" is not a host name; give names such as www.shop.example.com or *.example.com (no scheme, path or port)`,
      };
    }
    hosts.push(host);
  }
  return { ok: true, value: hosts };
}

/** Whether `hostname` is one of `hosts` (a `*.` entry matches any subdomain, not the bare domain). */
export function hostAllowed(hostname: string, hosts: readonly string[]): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return hosts.some((host) => (host.startsWith('*.') ? name.endsWith(host.slice(1)) : name === host));
}
