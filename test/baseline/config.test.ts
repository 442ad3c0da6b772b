import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/config/types.js';
import { baselineHeaderValues, parseLatencyBudget } from '../../src/config/values.js';

const workspace = mkdtempSync(join(tmpdir(), 'gate-baseline-config-'));
const resolve = (values: Record<string, string | undefined>) =>
  resolveConfig({ values, workspace, defaultReportPath: '/tmp/report.json' });
async function issuesOf(values: Record<string, string | undefined>) {
  try {
    await resolve(values);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
const url = 'https://pr-1.preview.example.com';

describe('baseline settings', () => {
  it('without baseline-url there is no baseline, whatever else is set', async () => {
    const config = await resolve({ url, 'latency-budget': '+20%', 'fail-on-baseline-breakage': 'true' });
    expect(config.baseline).toBeUndefined();
  });

  it('defaults: +50%, old breakage passes, no headers for the baseline', async () => {
    const config = await resolve({ url, 'baseline-url': 'https://shop.example.com' });
    expect(config.baseline).toEqual({
      url: new URL('https://shop.example.com'),
      headers: [],
      latencyBudget: { kind: 'percent', percent: 50, text: '+50%' },
      failOnBreakage: false,
    });
  });

  it.each([
    ['+50%', { kind: 'percent', percent: 50, text: '+50%' }],
    ['25%', { kind: 'percent', percent: 25, text: '+25%' }],
    ['+300ms', { kind: 'ms', ms: 300, text: '+300ms' }],
    ['+1.5s', { kind: 'ms', ms: 1500, text: '+1.5s' }],
  ])('latency-budget %s', (text, budget) => {
    expect(parseLatencyBudget(text)).toEqual({ ok: true, value: budget });
  });

  it.each(['fast', '-50%', '+0%', '+2000%', '+1ms', '+5m', '50 percent'])('latency-budget %s is refused', (text) => {
    const parsed = parseLatencyBudget(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/use a percentage such as \+50% .* or a duration such as \+300ms/);
  });

  it('bad baseline values are reported together, each naming its input, before any request', async () => {
    const issues = await issuesOf({
      url,
      'baseline-url': 'https://user:hunter2@shop.example.com',
      'latency-budget': 'soon',
      'fail-on-baseline-breakage': 'maybe',
      'baseline-headers': 'not a header',
    });
    expect(issues.map((i) => i.input)).toEqual([
      'baseline-url',
      'latency-budget',
      'fail-on-baseline-breakage',
      'baseline-headers',
    ]);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it.each([
    ['ftp://shop.example.com', /scheme "ftp" is not accepted/],
    ['http://169.254.169.254/', /link-local or cloud-metadata/],
    ['not a url', /is not a URL/],
    [url, /is the same as url/],
  ])('baseline-url %s is refused', async (text, message) => {
    const issues = await issuesOf({ url, 'baseline-url': text });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.input).toBe('baseline-url');
    expect(issues[0]!.message).toMatch(message);
  });

  it('baseline-headers: true sends the same headers, lines send their own, and neither is a secret when boolean', async () => {
    const same = await resolve({ url, 'baseline-url': 'https://shop.example.com', 'baseline-headers': 'true' });
    expect(same.baseline?.headers).toBe('same');
    const own = await resolve({
      url,
      'baseline-url': 'https://shop.example.com',
      'baseline-headers': 'X-Prod-Token: abc\nX-Other: def',
    });
    expect(own.baseline?.headers).toEqual([
      ['X-Prod-Token', 'abc'],
      ['X-Other', 'def'],
    ]);
    expect(baselineHeaderValues('true')).toEqual([]);
    expect(baselineHeaderValues('false')).toEqual([]);
    expect(baselineHeaderValues('X-Prod-Token: abc')).toEqual(['abc']);
  });

  it('the config file sets the same keys', async () => {
    writeFileSync(
      join(workspace, 'gate.yml'),
      'baseline-url: https://shop.example.com\nlatency-budget: +300ms\nfail-on-baseline-breakage: true\n',
    );
    const config = await resolve({ url, config: 'gate.yml' });
    expect(config.baseline).toMatchObject({
      url: new URL('https://shop.example.com'),
      latencyBudget: { kind: 'ms', ms: 300 },
      failOnBreakage: true,
    });
  });
});
