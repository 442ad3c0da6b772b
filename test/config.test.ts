import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDuration } from '../src/config/duration.js';
import { resolveConfig } from '../src/config/resolve.js';
import { parseRouteLine, parseStatusList, statusAccepted, expectsRedirect } from '../src/config/route-line.js';
import { ConfigError } from '../src/config/types.js';
import { loadPatternEngine } from '../src/body-pattern.js';

// Route lines parsed here directly, not through resolveConfig, which loads RE2 for a run that needs it.
beforeAll(loadPatternEngine);

const workspace = mkdtempSync(join(tmpdir(), 'gate-config-'));
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
function writeConfig(name: string, text: string): string {
  writeFileSync(join(workspace, name), text);
  return name;
}

describe('durations', () => {
  it.each([
    ['1500ms', 1500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['45', 45_000],
    ['2.5s', 2500],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '-5s', '5 minutes', '1d', '5m30s'])('"%s" is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('route lines', () => {
  it('reads the examples of the contract', () => {
    expect(parseRouteLine('/')).toMatchObject({ ok: true, value: { method: 'GET', path: '/', expect: undefined } });
    expect(parseRouteLine('/products/ 200')).toMatchObject({
      ok: true,
      value: { path: '/products/', expect: { ranges: [[200, 200]] } },
    });
    expect(parseRouteLine('/api/items 200 contains "items"')).toMatchObject({
      ok: true,
      value: { path: '/api/items', body: { kind: 'contains', text: 'items' } },
    });
    expect(parseRouteLine('POST /api/login 401')).toMatchObject({
      ok: true,
      value: { method: 'POST', path: '/api/login' },
    });
    expect(parseRouteLine('/admin/ 302')).toMatchObject({ ok: true, value: { expect: { ranges: [[302, 302]] } } });
    expect(parseRouteLine('/x matches /v\\d+/i')).toMatchObject({
      ok: true,
      value: { body: { kind: 'matches', pattern: 'v\\d+', flags: 'i' } },
    });
    expect(parseRouteLine('/q?x=1 2xx contains "a \\"quoted\\" word"')).toMatchObject({
      ok: true,
      value: { path: '/q?x=1', body: { text: 'a "quoted" word' } },
    });
  });

  it('reads every status form', () => {
    const list = parseStatusList('200,3xx,401-403');
    expect(list.ok).toBe(true);
    if (!list.ok) return;
    expect([200, 301, 399, 401, 403].every((s) => statusAccepted(list.value, s))).toBe(true);
    expect([201, 400, 404, 500].some((s) => statusAccepted(list.value, s))).toBe(false);
    expect(expectsRedirect(list.value)).toBe(true);
    const ok = parseStatusList('2xx');
    expect(ok.ok && expectsRedirect(ok.value)).toBe(false);
  });

  it.each([
    ['products', 'must start with "/"'],
    ['FETCH /x', 'unknown method "FETCH"'],
    ['/x 999', 'is not a status'],
    ['/x 299-200', 'is not a status'],
    ['/x 200 includes "a"', 'contains "TEXT" or matches /REGEX/'],
    ['/x matches /(unclosed/', 'invalid regular expression'],
    ['/x matches /a/g', 'flags "g" are not accepted'],
    ['//evil.example/x', 'must not start with "//"'],
  ])('refuses %s', (line, message) => {
    const parsed = parseRouteLine(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe('resolving the settings', () => {
  it('applies the defaults of the contract', async () => {
    const config = await resolve({ url: 'https://shop.example.com' });
    expect(config).toMatchObject({
      healthPath: '/health',
      timeoutMs: 300_000,
      requestTimeoutMs: 10_000,
      waitForDeployment: false,
      comment: true,
      successThreshold: 2,
      concurrency: 4,
      routeRetries: 2,
      reportPath: '/tmp/report.json',
    });
    expect(config.routes.map((r) => r.label)).toEqual(['/']);
    expect(config.url?.href).toBe('https://shop.example.com/');
  });

  it('reports every bad input at once, each naming the input and what it accepts', async () => {
    const issues = await issuesOf({
      url: 'ftp://files.example.com',
      'health-path': 'health',
      routes: '/ok\nnope',
      timeout: '0',
      'request-timeout': 'fast',
      headers: 'X-Token s3cret',
      'wait-for-deployment': 'yes',
      comment: 'maybe',
    });
    expect(issues.map((i) => i.input)).toEqual([
      'wait-for-deployment',
      'url',
      'health-path',
      'routes',
      'timeout',
      'request-timeout',
      'headers',
      'comment',
    ]);
    expect(issues.find((i) => i.input === 'url')!.message).toContain('use http or https');
    expect(issues.find((i) => i.input === 'timeout')!.message).toContain('1s to 6h');
    expect(issues.find((i) => i.input === 'routes')!.message).toContain('line 2 "nope"');
    expect(issues.find((i) => i.input === 'comment')!.message).toContain('use true or false');
  });

  it('reads watch: off by default, a duration up to an hour, from the input or the file', async () => {
    expect((await resolve({ url: 'https://x.example' })).watchMs).toBe(0);
    expect((await resolve({ url: 'https://x.example', watch: '2m' })).watchMs).toBe(120_000);
    expect((await resolve({ url: 'https://x.example', watch: '45' })).watchMs).toBe(45_000);
    expect(await issuesOf({ url: 'https://x.example', watch: '2h' })).toEqual([
      { input: 'watch', message: '2h is out of range; use 0 (off) to 1h' },
    ]);
    expect((await issuesOf({ url: 'https://x.example', watch: 'soon' }))[0]!.input).toBe('watch');
    const file = writeConfig('watch.yml', 'watch: 90s\n');
    expect((await resolve({ url: 'https://x.example', config: file, watch: '0' })).watchMs).toBe(90_000);
  });

  it('requires url unless the deployment provides it', async () => {
    expect((await issuesOf({}))[0]).toMatchObject({ input: 'url', message: expect.stringContaining('is required') });
    expect((await resolve({ 'wait-for-deployment': 'true' })).url).toBeUndefined();
  });

  it('refuses credentials in the URL without repeating them', async () => {
    const [issue] = await issuesOf({ url: 'https://admin:hunter22@shop.example.com' });
    expect(issue!.input).toBe('url');
    expect(issue!.message).not.toContain('hunter22');
    expect(issue!.message).toContain('credentials');
  });

  it('never repeats a header value in a message', async () => {
    const issues = await issuesOf({ url: 'https://x.example', headers: 'bad header: sup3rsecret\nHost: evil.example' });
    expect(JSON.stringify(issues)).not.toContain('sup3rsecret');
    expect(issues.map((i) => i.message).join(' ')).toContain('Host is set by the HTTP client');
  });

  it('reads a config file with per-route options', async () => {
    const name = writeConfig(
      'gate.yml',
      [
        'url: https://shop.example.com',
        'health-path: /healthz',
        'timeout: 90',
        'expect-version: abc123',
        'routes:',
        '  - /',
        '  - path: /api/items',
        '    status: 200',
        '    contains: items',
        '    headers:',
        '      Accept: application/json',
        '  - method: post',
        '    path: /api/login',
        '    status: 401',
        'concurrency: 8',
      ].join('\n'),
    );
    const config = await resolve({ config: name, 'health-path': '/health', routes: '/', timeout: '5m' });
    expect(config.healthPath).toBe('/healthz');
    expect(config.timeoutMs).toBe(90_000);
    expect(config.expectVersion).toBe('abc123');
    expect(config.concurrency).toBe(8);
    expect(config.routes.map((r) => r.label)).toEqual(['/', '/api/items 200', 'POST /api/login 401']);
    expect(config.routes[1]).toMatchObject({
      body: { kind: 'contains', text: 'items' },
      headers: [['Accept', 'application/json']],
    });
  });

  it('lets an input that differs from its default override the file', async () => {
    const name = writeConfig('override.yml', 'url: https://file.example\nhealth-path: /healthz\nroutes: [/a]\n');
    const config = await resolve({ config: name, url: 'https://input.example', 'health-path': '/ready', routes: '/b' });
    expect(config.url?.host).toBe('input.example');
    expect(config.healthPath).toBe('/ready');
    expect(config.routes.map((r) => r.path)).toEqual(['/b']);
  });

  it('names the line of unknown keys and bad values in the file', async () => {
    const name = writeConfig(
      'typo.yml',
      [
        'url: https://shop.example.com',
        'healthpath: /health',
        'timeout: soon',
        'routes:',
        '  - path: /x',
        '    expect: 200',
      ].join('\n'),
    );
    const issues = await issuesOf({ config: name });
    const text = issues.map((i) => `${i.input}: ${i.message}`).join('\n');
    expect(text).toContain('typo.yml line 2: unknown key "healthpath"');
    expect(text).toContain('timeout (typo.yml line 3)');
    expect(text).toContain('typo.yml line 6: unknown route key "expect"');
  });

  it('reports malformed YAML with line and column', async () => {
    const name = writeConfig('broken.yml', 'url: https://x.example\nroutes: [/a, /b\n');
    const [issue] = await issuesOf({ config: name });
    expect(issue!.input).toBe('config');
    expect(issue!.message).toMatch(/broken\.yml line \d+, column \d+/);
  });

  it('refuses a config path outside the workspace, also through a link', async () => {
    expect((await issuesOf({ url: 'https://x.example', config: '../../etc/passwd' }))[0]!.message).toContain(
      'outside the workspace',
    );
    symlinkSync('/etc/hostname', join(workspace, 'link.yml'));
    expect((await issuesOf({ url: 'https://x.example', config: 'link.yml' }))[0]!.message).toContain(
      'outside the workspace',
    );
  });

  it('says when the config file is missing', async () => {
    expect((await issuesOf({ url: 'https://x.example', config: 'nope.yml' }))[0]!.message).toContain(
      'cannot read "nope.yml" (ENOENT)',
    );
  });
});

describe('check-assets', () => {
  it('is on by default, off with false from the input or the config file, and names itself when wrong', async () => {
    expect((await resolve({ url: 'https://shop.example.com' })).checkAssets).toBe(true);
    expect((await resolve({ url: 'https://shop.example.com', 'check-assets': 'false' })).checkAssets).toBe(false);
    const file = writeConfig('assets-off.yml', 'check-assets: false\n');
    expect((await resolve({ url: 'https://shop.example.com', config: file, 'check-assets': 'true' })).checkAssets).toBe(
      false,
    );
    expect(await issuesOf({ url: 'https://shop.example.com', 'check-assets': 'maybe' })).toEqual([
      { input: 'check-assets', message: '"maybe" is not a boolean; use true or false' },
    ]);
  });
});
