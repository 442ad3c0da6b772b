import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAnnotations } from '../src/report/annotations.js';
import { codeSpan, fenced, prose } from '../src/report/markdown.js';
import { renderJson } from '../src/report/json.js';
import { redactReport } from '../src/report/redact.js';
import { configErrorReport } from '../src/gate.js';
import { limit, renderSummary, SUMMARY_LIMIT } from '../src/report/summary.js';
import { renderTerminal } from '../src/report/terminal.js';
import { observe } from './support/fixtures.js';
import { gateRun, replay, withoutPort } from './support/gate.js';
import { healthOk, readyHealth, reportOf, routeResult } from './support/reports.js';
import { sequence, startServer, text, type TestServer } from './support/servers.js';

/**
 * The golden files are rendered from reports the gate itself wrote (in-process, virtual clock, seeded
 * random), so they show exactly what a run publishes: Django rejecting the public Host while its health
 * check, which bypasses the Host check, turns healthy after a few 503s while the app starts.
 */
let rejecting: TestServer;
let flaky: TestServer;
const starting = () =>
  sequence(text(503, 'starting'), text(503, 'starting'), text(503, 'starting'), replay('django-health-bypass'));
beforeAll(async () => {
  rejecting = await startServer({ '/health/': starting() }, replay('django-400-disallowed-host'));
  flaky = await startServer({
    '/health/': starting(),
    '/': replay('django-health-bypass'),
    '/products/': sequence(text(503, 'restarting'), replay('django-health-bypass')),
  });
});
afterAll(async () => {
  await rejecting.close();
  await flaky.close();
});

const hostRejected = () =>
  gateRun(rejecting, {
    'health-path': '/health/',
    routes: '/\n/products/ 200\n/api/items 200 contains "items"',
  });
const passing = () => gateRun(flaky, { 'health-path': '/health/', routes: '/\n/products/' });

describe('golden outputs', () => {
  it('job summary: host rejected', async () => {
    await expect(withoutPort(renderSummary(await hostRejected()), rejecting)).toMatchFileSnapshot(
      './golden/summary-host-rejected.md',
    );
  });
  it('job summary: pass with a flaky route', async () => {
    await expect(withoutPort(renderSummary(await passing()), flaky)).toMatchFileSnapshot('./golden/summary-pass.md');
  });
  it('job summary: configuration error', async () => {
    const report = configErrorReport(
      [
        { input: 'url', message: 'scheme "ftp" is not accepted; use http or https' },
        { input: 'timeout', message: '"soon" is not a duration such as 1500ms, 30s, 5m, or a number of seconds' },
      ],
      new Date('2026-11-22T00:00:00Z'),
      3,
    );
    await expect(renderSummary(report)).toMatchFileSnapshot('./golden/summary-config-error.md');
  });
  it('terminal: host rejected', async () => {
    await expect(withoutPort(renderTerminal(await hostRejected(), { color: false }), rejecting)).toMatchFileSnapshot(
      './golden/terminal-host-rejected.txt',
    );
  });
  it('annotations: host rejected', async () => {
    await expect(
      withoutPort(JSON.stringify(renderAnnotations(await hostRejected()), null, 2), rejecting),
    ).toMatchFileSnapshot('./golden/annotations-host-rejected.json');
  });
});

describe('untrusted content', () => {
  const hostile = [
    '::error::pwned',
    '::add-mask::x',
    '<script>alert(1)</script><img src=x onerror=alert(1)>',
    '@octocat please look at #1 and https://evil.example/phish',
    '| a | table | row |',
    '```\nclosed fence',
    'bidi \u202eevil\u202c and bell \u0007',
  ].join('\n');
  const report = () =>
    reportOf(readyHealth(healthOk()), [
      routeResult('/', {
        ...observe('django-500', { path: '/' }),
        body: `<h1>Server Error (500)</h1>\n${hostile}`,
        headers: { 'x-evil': hostile },
      }),
    ]);

  it('makes response text inert in the summary', () => {
    const summary = renderSummary(report());
    // Fenced blocks are literal text on GitHub; everywhere else, nothing from the response may be live.
    const outside = summary.replace(/^(`{3,})[a-z]*\n[\s\S]*?^\1$/gm, '');
    expect(outside).not.toContain('<script>');
    expect(outside).not.toContain('<img');
    expect(outside).not.toContain('::error::');
    expect(outside).not.toMatch(/@octocat|#1\b/);
    expect(summary).not.toContain('\u202e');
    expect(summary).not.toContain('\u0007');
    expect(outside).not.toMatch(/https:\/\/evil/);
    // The excerpt's fence is longer than the body's own backticks, so it cannot be closed from inside.
    expect(summary).toContain('````html');
    // The route table keeps its shape: header, separator, health and the one route.
    const lines = summary.split('\n');
    const start = lines.findIndex((l) => l.startsWith('| | Route |'));
    const end = lines.indexOf('', start);
    expect(lines.slice(start, end)).toHaveLength(4);
  });

  it('titles each warning annotation by what it is about, never calling it a warm-up it was not', () => {
    const ok = observe('django-500', { path: '/' });
    const warmed = routeResult('/shop', { ...ok, status: 200 }, { flaky: true, warmedUpMs: 700, attempts: 3 });
    const settled = routeResult('/cart', { ...ok, status: 200 }, { flaky: true, attempts: 2 });
    const report = reportOf(readyHealth(healthOk()), [warmed, settled], {
      warnings: [
        '/shop warmed up after 0.7 s: 2 bad answers (503), then 3 good in a row',
        '/cart settled: 1 bad answer (502), then 2 good in a row',
        '99900 same-origin assets were not checked: the gate loads at most 100 per run',
        'asset /a.js passed only after 1 retry (503 in 2ms)',
        'this commit also has deployments in "Preview b", not checked: only "Preview a" was',
        'discover (sitemap) did not run: the deploy never got ready',
        'something new',
      ],
    });
    expect(renderAnnotations(report).map((a) => `${a.level} ${a.title}`)).toEqual([
      'warning post-deploy-gate: route warmed up',
      'warning post-deploy-gate: route passed after bad answers',
      'warning post-deploy-gate: assets not checked',
      'warning post-deploy-gate: asset passed on a retry',
      'warning post-deploy-gate: other deployments not checked',
      'warning post-deploy-gate: discovery did not run',
      'warning post-deploy-gate: warning',
    ]);
  });

  it('keeps workflow commands out of annotations and the terminal', () => {
    for (const a of renderAnnotations(report())) {
      for (const line of a.message.split('\n')) expect(line.startsWith('::')).toBe(false);
    }
    const terminal = renderTerminal(report(), { color: false });
    for (const line of terminal.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
    expect(terminal).not.toContain('\u202e');
  });

  it('escapes only what GFM would act on, with backslashes, never entities', () => {
    expect(prose('*b* _i_ [l](u) `c` <t> &amp; #1 @me')).toBe(
      '\\*b\\* \\_i\\_ \\[l](u) \\`c\\` \\<t> \\&amp; #\u200b1 @\u200bme',
    );
    // Words people read stay as they are: an intraword underscore, apostrophes, quotes, a lone < or &.
    expect(prose(`ALLOWED_HOSTS isn't "a" < b & c`)).toBe(`ALLOWED_HOSTS isn't "a" < b & c`);
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x')).toBe('`` `x ``');
    expect(fenced('x ```` y')).toMatch(/^`````\n/);
  });

  it('cuts an oversized summary at a line and says so', () => {
    const text = 'line\n'.repeat(1000);
    const cut = limit(text, 1000);
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(cut).toContain('was cut');
  });
});

describe('secrets', () => {
  it('removes header values a deployment echoed back, in every form, from every field', () => {
    const secret = 'bypass-7f3a9c2e';
    const echoed = routeResult('/', {
      ...observe('django-500', { path: '/' }),
      body: `<h1>Server Error (500)</h1> header was ${secret}; encoded ${Buffer.from(secret).toString('base64')}`,
      headers: { 'x-echo': `Bearer ${secret}` },
    });
    const redacted = redactReport(reportOf(readyHealth(healthOk()), [echoed]), [secret]);
    for (const text of [
      renderJson(redacted),
      renderSummary(redacted),
      renderTerminal(redacted, { color: false }),
      JSON.stringify(renderAnnotations(redacted)),
    ]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    }
    expect(renderJson(redacted)).toContain('***');
  });
});

describe('GitHub limits count UTF-8 bytes', () => {
  it('cuts a summary of long CJK labels to the byte limit, though as characters it would fit', () => {
    const routes = Array.from({ length: 300 }, (_, i) =>
      routeResult(`/p/${'価格表'.repeat(300)}/${i} 200`, observe('nginx-502-refused', { path: `/p/${i}` })),
    );
    const summary = renderSummary(reportOf(readyHealth(healthOk()), routes));
    expect(summary.length).toBeLessThan(SUMMARY_LIMIT);
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(summary).toContain("cut to stay within GitHub's size limit");
    expect(summary).not.toContain('\ufffd');
  });

  it('never splits a character when cutting', () => {
    const cut = limit(`${'😀'.repeat(100)}\n${'😀'.repeat(100)}`, 300);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(300);
    expect(cut).not.toContain('\ufffd');
  });
});
