import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { environmentMatcher, readEvent } from '../src/github/event.js';
import { readHistory, renderComment } from '../src/report/comment.js';
import { observe } from './support/fixtures.js';
import { healthOk, readyHealth, reportOf, routeResult } from './support/reports.js';

const payload = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/events/${name}.json`, import.meta.url), 'utf8'));
const env = (name: string) => ({
  GITHUB_EVENT_NAME: name,
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: 'merge-sha',
  GITHUB_RUN_ID: '5',
});

describe('reading the event', () => {
  it('takes the PR head commit, not the merge commit, and a writable same-repo PR', () => {
    const event = readEvent(env('pull_request'), payload('pull_request'));
    expect(event).toMatchObject({
      owner: 'acme',
      repo: 'shop',
      sha: '1111111111111111111111111111111111111111',
      pullRequest: 7,
    });
    expect(event.readOnly).toBeUndefined();
    expect(event.runUrl).toBe('https://github.com/acme/shop/actions/runs/5');
  });

  it('marks fork and Dependabot PRs read-only, but not under pull_request_target', () => {
    expect(readEvent(env('pull_request'), payload('pull_request-fork')).readOnly).toBe('fork');
    const dependabot = payload('pull_request');
    dependabot.pull_request.user.login = 'dependabot[bot]';
    expect(readEvent(env('pull_request'), dependabot).readOnly).toBe('dependabot');
    expect(readEvent(env('pull_request_target'), payload('pull_request-fork')).readOnly).toBeUndefined();
  });

  it('takes the pushed commit, and the deployment of a deployment_status event', () => {
    expect(readEvent(env('push'), payload('push')).sha).toBe('3333333333333333333333333333333333333333');
    const event = readEvent(env('deployment_status'), payload('deployment_status'));
    expect(event.sha).toBe('4444444444444444444444444444444444444444');
    expect(event.deployment).toMatchObject({ id: 4242, environment: 'Preview', state: 'success' });
  });

  it('matches environments with * and ? across spaces and slashes, ignoring case', () => {
    const preview = environmentMatcher('Preview*');
    expect(['Preview', 'preview – shop', 'Preview / pr-12'].every(preview)).toBe(true);
    expect(preview('Production')).toBe(false);
    expect(environmentMatcher('shop-pr-?')('shop-pr-7')).toBe(true);
    expect(environmentMatcher('a.b')('axb')).toBe(false);
    expect(environmentMatcher(undefined)('anything')).toBe(true);
  });
});

describe('the PR comment body', () => {
  const failing = () => reportOf(readyHealth(healthOk()), [routeResult('/', observe('django-400-disallowed-host'))]);

  it('matches its golden file', async () => {
    const body = renderComment(failing(), {
      key: 'Preview',
      sha: '1111111111111111111111111111111111111111',
      runUrl: 'https://github.com/acme/shop/actions/runs/5',
    });
    await expect(body).toMatchFileSnapshot('./golden/comment-host-rejected.md');
    expect(body).not.toContain('<!doctype');
  });

  it('keeps the runs before it, and ignores a tampered history', () => {
    const first = renderComment(failing(), { key: 'default', runUrl: 'https://github.com/acme/shop/actions/runs/1' });
    const second = renderComment(failing(), {
      key: 'default',
      runUrl: 'https://github.com/acme/shop/actions/runs/2',
      previousBody: first,
    });
    expect(readHistory(second)?.earlier.map((e) => e.runUrl)).toEqual(['https://github.com/acme/shop/actions/runs/1']);
    const tampered = `<!-- post-deploy-gate:history=${Buffer.from('{"current":{"at":1}}').toString('base64')} -->`;
    expect(readHistory(tampered)).toBeUndefined();
    const evil = Buffer.from(
      JSON.stringify({ current: { at: 'x', verdict: 'fail', runUrl: 'javascript:alert(1)' } }),
    ).toString('base64');
    expect(
      renderComment(failing(), { key: 'default', previousBody: `<!-- post-deploy-gate:history=${evil} -->` }),
    ).not.toContain('javascript:');
  });
});
