import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { ConfigError, type GateConfig } from '../src/config/types.js';
import { parseRouteLine } from '../src/config/route-line.js';
import type { RouteSpec } from '../src/config/types.js';
import { readEvent, type GitHubEvent } from '../src/github/event.js';
import { renderJson } from '../src/report/json.js';
import type { Report } from '../src/report/report.js';
import { holdsSections, renderTargetsComment } from '../src/targets/comment-sections.js';
import { mergeShards } from '../src/targets/merge.js';
import { renderTargetsSummary, targetsOutput } from '../src/targets/render.js';
import { readShardFiles } from '../src/targets/report-files.js';
import { runTargets } from '../src/targets/run.js';
import { waitOnGitHub } from '../src/targets/github-wait.js';
import { deployStage } from '../src/deploy/stage.js';
import { runGateWithHttp } from '../src/gate.js';
import { routesOfShard, shardOf } from '../src/targets/shard.js';
import { seededRandom, virtualClock } from './support/clock.js';
import { quiet, replay } from './support/gate.js';
import { startFakeGitHub, type FakeGitHub } from './support/github-api.js';
import { startServer, text, type TestServer } from './support/servers.js';

/** Targets in-process: the deployment wait of several deploys, the combined report, sections, shards. */

const HEAD = '1111111111111111111111111111111111111111';
let api: FakeGitHub | undefined;
const servers: TestServer[] = [];
afterEach(async () => {
  await api?.close();
  api = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function eventOf(fake: FakeGitHub): GitHubEvent {
  return readEvent(
    {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_SHA: HEAD,
      GITHUB_API_URL: fake.url,
      GITHUB_RUN_ID: '42',
    },
    {},
  );
}

async function healthy(): Promise<TestServer> {
  const s = await startServer({ '/health': text(200, 'ok'), '/': text(200, '<h1>Docs</h1>') });
  servers.push(s);
  return s;
}
async function hostRejected(): Promise<TestServer> {
  const s = await startServer({ '/health': text(200, 'ok') }, replay('django-400-disallowed-host'));
  servers.push(s);
  return s;
}

const resolve = (values: Record<string, string>, workspace = '.') =>
  resolveConfig({ values: { 'check-assets': 'false', ...values }, workspace, defaultReportPath: '' });

async function run(config: GateConfig, fake?: FakeGitHub): Promise<Report> {
  return runTargets(config, {
    clock: virtualClock(),
    log: quiet,
    signal: new AbortController().signal,
    startedAt: new Date('2026-12-03T10:00:00Z'),
    random: seededRandom(3),
    ...(fake ? { github: () => ({ event: eventOf(fake), token: 'test-token' }), waitOnGitHub } : {}),
  });
}

describe('several successful deployments of one commit behind one environment glob', () => {
  it('checks every match, not just the first, and names the broken one', async () => {
    api = await startFakeGitHub();
    const docs = await healthy();
    const web = await hostRejected();
    api.deployments.push(
      { id: 2, sha: HEAD, environment: 'Preview – docs', statuses: [{ state: 'success', environment_url: docs.url }] },
      { id: 1, sha: HEAD, environment: 'Preview – web', statuses: [{ state: 'success', environment_url: web.url }] },
    );
    const report = await run(await resolve({ 'wait-for-deployment': 'true', environment: 'Preview*' }), api);
    expect(report.targets?.map((t) => [t.name, t.report.verdict])).toEqual([
      ['Preview – docs', 'pass'],
      ['Preview – web', 'fail'],
    ]);
    expect(report.verdict).toBe('fail');
    expect(report.cause).toBe('host-rejected');
    expect(report.summary).toBe('Preview – web: host rejected; Preview – docs: passes.');
    // Both deploys were requested: the second is not passed over.
    expect(web.requests.some((r) => r.path === '/')).toBe(true);
    expect(docs.requests.some((r) => r.path === '/')).toBe(true);
    expect(JSON.parse(targetsOutput(report))).toMatchObject([
      { name: 'Preview – docs', verdict: 'pass', cause: '' },
      { name: 'Preview – web', verdict: 'fail', cause: 'host-rejected' },
    ]);
  });

  it('one match is exactly the report a run without targets makes', async () => {
    api = await startFakeGitHub();
    const docs = await healthy();
    api.deployments.push({
      id: 2,
      sha: HEAD,
      environment: 'Preview – docs',
      statuses: [{ state: 'success', environment_url: docs.url }],
    });
    const report = await run(await resolve({ 'wait-for-deployment': 'true', environment: 'Preview*' }), api);
    expect(report.targets).toBeUndefined();
    expect(report.verdict).toBe('pass');
    expect(report.deployment?.environment).toBe('Preview – docs');
  });

  it('waits for a match that is still deploying, with one list of deployments per poll for all', async () => {
    api = await startFakeGitHub();
    const docs = await healthy();
    const web = await healthy();
    api.deployments.push(
      { id: 2, sha: HEAD, environment: 'Preview – docs', statuses: [{ state: 'success', environment_url: docs.url }] },
      {
        id: 1,
        sha: HEAD,
        environment: 'Preview – web',
        statuses: [{ state: 'success', environment_url: web.url, afterPoll: 7 }, { state: 'in_progress' }],
      },
    );
    const report = await run(await resolve({ 'wait-for-deployment': 'true', environment: 'Preview*' }), api);
    expect(report.targets?.map((t) => t.report.verdict)).toEqual(['pass', 'pass']);
    const lists = api.requests.filter((r) => /\/deployments\?/.test(r.path));
    const statusReads = api.requests.filter((r) => /\/statuses/.test(r.path));
    // Two environments, one loop: each poll lists the deployments once and reads each one's status once.
    expect(statusReads.length).toBe(lists.length * 2);
  });
});

describe('a deployment wait without environment on a commit with several deploys', () => {
  it('checks the newest, and names the others in the log and the report', async () => {
    api = await startFakeGitHub();
    const docs = await healthy();
    const web = await healthy();
    api.deployments.push(
      { id: 2, sha: HEAD, environment: 'Preview – docs', statuses: [{ state: 'success', environment_url: docs.url }] },
      { id: 1, sha: HEAD, environment: 'Preview – web', statuses: [{ state: 'success', environment_url: web.url }] },
    );
    const config = await resolve({ 'wait-for-deployment': 'true' });
    const warnings: string[] = [];
    const log = { ...quiet, warning: (m: string) => warnings.push(m) };
    const clock = virtualClock();
    const signal = new AbortController().signal;
    const deployment = await deployStage({ config, event: eventOf(api), token: 'test-token', clock, log, signal });
    const report = await runGateWithHttp(config, { clock, log, signal, deployment, startedAt: new Date() });
    expect(report.verdict).toBe('pass');
    const named = /also has deployments in "Preview – web", not checked: only Preview – docs #2 was/;
    expect(warnings).toEqual([expect.stringMatching(named)]);
    expect(report.warnings).toEqual([expect.stringMatching(named)]);
  });
});

describe('targets: config', () => {
  it('reads the input list with per-target settings and refuses bad ones together', async () => {
    const config = await resolve({
      targets:
        '- name: web\n  url: https://web.example.com\n  routes: [/, /pricing]\n- name: api\n  environment: api*\n  health-path: /healthz\n  headers: {X-Key: abcdef123}',
    });
    expect(config.targets?.map((t) => t.name)).toEqual(['web', 'api']);
    expect(config.targets?.[0]?.routes?.map((r) => r.label)).toEqual(['/', '/pricing']);
    expect(config.targets?.[1]).toMatchObject({
      environment: 'api*',
      healthPath: '/healthz',
      headers: [['X-Key', 'abcdef123']],
    });
    const bad = await resolve({
      targets:
        '- name: web\n- name: "a b"\n  url: x\n- url: https://x.example.com\n- name: web\n  url: https://y.example.com\n  colour: red',
    }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    const messages = (bad as ConfigError).issues.map((i) => `${i.input}: ${i.message}`).join('\n');
    expect(messages).toMatch(/target web needs a url or an environment/);
    expect(messages).toMatch(/name "a b" is not accepted/);
    expect(messages).toMatch(/a target needs a name/);
    expect(messages).toMatch(/unknown target key "colour"/);
  });

  it('reads targets: from the config file, and refuses shard and merge-reports there', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'gate-targets-'));
    writeFileSync(join(workspace, 'gate.yml'), 'targets:\n  - name: web\n    url: https://web.example.com\n');
    const config = await resolve({ config: 'gate.yml' }, workspace);
    expect(config.targets?.[0]?.url?.href).toBe('https://web.example.com/');
    writeFileSync(join(workspace, 'bad.yml'), 'url: https://x.example.com\nmerge-reports: "/etc/*"\nshard: 1/2\n');
    const bad = (await resolve({ config: 'bad.yml' }, workspace).catch((e: unknown) => e)) as ConfigError;
    expect(bad.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/"merge-reports" cannot be set in the config file/),
      expect.stringMatching(/"shard" cannot be set in the config file/),
    ]);
  });

  it('a target may set its own discover mode; a bad one and discover with shard are refused', async () => {
    const config = await resolve({
      targets:
        '- name: web\n  url: https://web.example.com\n  discover: sitemap\n- name: api\n  url: https://api.example.com',
    });
    const { targetConfig } = await import('../src/targets/run.js');
    expect(targetConfig(config, config.targets![0], []).discover.mode).toBe('sitemap');
    expect(targetConfig(config, config.targets![1], []).discover.mode).toBe('off');
    const messages = async (values: Record<string, string>) =>
      ((await resolve(values).catch((e: unknown) => e)) as ConfigError).issues.map((i) => `${i.input}: ${i.message}`);
    expect(await messages({ targets: '- name: web\n  url: https://web.example.com\n  discover: everything' })).toEqual([
      expect.stringMatching(
        /^targets: targets input line 3: target web: discover "everything" is not accepted; use off/,
      ),
    ]);
    expect(await messages({ url: 'https://x.example.com', discover: 'sitemap', shard: '1/2' })).toEqual([
      expect.stringMatching(/^discover: cannot be used with shard/),
    ]);
    expect(
      await messages({ targets: '- name: web\n  url: https://web.example.com\n  discover: links', shard: '1/2' }),
    ).toEqual([expect.stringMatching(/^targets \(web\): cannot be used with shard/)]);
  });

  it('shard takes K/N only', async () => {
    expect((await resolve({ url: 'https://x.example.com', shard: '2/4' })).shard).toEqual({ index: 2, count: 4 });
    for (const shard of ['0/4', '5/4', '2', 'a/b', '1/65']) {
      const error = (await resolve({ url: 'https://x.example.com', shard }).catch((e: unknown) => e)) as ConfigError;
      expect(error.issues[0]).toMatchObject({ input: 'shard', message: expect.stringMatching(/use K\/N/) });
    }
  });

  it('a list over 1,000 routes needs shards, and 4 shards take 1,200', async () => {
    const routes = Array.from({ length: 1200 }, (_, i) => `/p/${i}`).join('\n');
    const refused = (await resolve({ url: 'https://x.example.com', routes }).catch((e: unknown) => e)) as ConfigError;
    expect(refused.issues[0]?.message).toMatch(/1200 route lines; a run checks at most 1000 \(split them/);
    expect((await resolve({ url: 'https://x.example.com', routes, shard: '1/4' })).routes).toHaveLength(1200);
  });
});

describe('shards', () => {
  const route = (line: string): RouteSpec => {
    const parsed = parseRouteLine(line);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.value;
  };
  const specs = Array.from({ length: 1200 }, (_, i) => route(`/p/${i}`));

  it('split every route into exactly one shard, by key not by position, roughly evenly', () => {
    const parts = [1, 2, 3, 4].map((index) => routesOfShard(specs, { index, count: 4 }));
    const all = parts.flatMap((p) => p.positions).sort((a, b) => a - b);
    expect(all).toEqual(specs.map((_, i) => i));
    for (const p of parts) expect(p.routes.length).toBeGreaterThan(200);
    // Inserting a route at the front moves nobody else.
    const moved = [route('/new'), ...specs];
    const before = parts.map((p) => p.routes.map((r) => r.path));
    const after = [1, 2, 3, 4].map((index) => routesOfShard(moved, { index, count: 4 }).routes.map((r) => r.path));
    after.forEach((paths, i) => expect(paths.filter((p) => p !== '/new')).toEqual(before[i]));
    // A target's name is part of the key: the same path of two targets may go to different shards.
    expect(specs.some((r) => shardOf(`web\nGET ${r.path}`, 4) !== shardOf(`api\nGET ${r.path}`, 4))).toBe(true);
  });
});

describe('merge-reports', () => {
  async function shardReports(count: number, server: TestServer, length = 40) {
    const routes = Array.from({ length }, (_, i) => (i % 7 === 3 ? `/broken/${i}` : `/p/${i}`)).join('\n');
    const reports: Report[] = [];
    for (let index = 1; index <= count; index++) {
      const config = await resolve({ url: server.url, routes, shard: `${index}/${count}`, concurrency: '16' });
      const report = await runTargets(config, {
        clock: virtualClock(),
        log: quiet,
        signal: new AbortController().signal,
        startedAt: new Date('2026-12-03T10:00:00Z'),
        random: seededRandom(3),
        origin: { sha: HEAD, runId: '42' },
      });
      reports.push(JSON.parse(renderJson(report)));
    }
    return { reports, routes };
  }
  const site = async () => {
    const s = await startServer({ '/health': text(200, 'ok') }, (req, res) =>
      req.url?.startsWith('/broken/') ? replay('django-500')(req, res) : text(200, '<h1>ok</h1>')(req, res),
    );
    servers.push(s);
    return s;
  };

  it('4 shards of 1,200 routes give the verdict, cause and counts of one run of all routes', async () => {
    const server = await site();
    const { reports, routes } = await shardReports(4, server, 1200);
    const merged = await mergeShards(
      reports.map((report, i) => ({ name: `r${i}.json`, report })),
      { sha: HEAD, runId: '42' },
      new Date(),
      1,
    );
    // One run of all 1,200 (over the 1,000 a run takes from the inputs: the same settings, unsplit).
    const split = await resolve({ url: server.url, routes, shard: '1/4', concurrency: '16' });
    const whole = await run({ ...split, shard: undefined });
    expect(whole.routes).toHaveLength(1200);
    expect(merged.routes.map((r) => r.route.label)).toEqual(whole.routes.map((r) => r.route.label));
    expect([merged.verdict, merged.cause, merged.summary]).toEqual([whole.verdict, whole.cause, whole.summary]);
    expect(merged.diagnoses.map((d) => [d.cause, d.routes])).toEqual(whole.diagnoses.map((d) => [d.cause, d.routes]));
    expect(merged.summary).toMatch(/171 of 1200 routes/);
    expect(reports.map((r) => r.routes.length).every((n) => n > 200 && n < 400)).toBe(true);
  });

  it('refuses another commit, another run, another schema, a missing or a doubled shard', async () => {
    const server = await site();
    const { reports } = await shardReports(3, server);
    const named = (list: Report[]) => list.map((report, i) => ({ name: `r${i + 1}.json`, report }));
    const refusal = (list: Report[], expected = { sha: HEAD, runId: '42' }) =>
      mergeShards(named(list), expected, new Date(), 1).then(
        () => 'merged',
        (e: ConfigError) => e.issues.map((i) => `${i.input}: ${i.message}`).join('\n'),
      );
    expect(await refusal(reports)).toBe('merged');
    expect(
      await refusal([reports[0]!, { ...reports[1]!, origin: { sha: 'a'.repeat(40), runId: '42' } }, reports[2]!]),
    ).toMatch(/merge-reports: r2.json is from commit aaaaaaa, not 1111111/);
    expect(await refusal(reports, { sha: HEAD, runId: '43' })).toMatch(/r1.json is from workflow run 42, not 43/);
    expect(await refusal([reports[0]!, { ...reports[1]!, schemaVersion: 2 } as Report, reports[2]!])).toMatch(
      /r2.json has schema version 2; this gate merges version 1/,
    );
    expect(await refusal([reports[0]!, reports[2]!])).toMatch(/shard 2 of 3 missing/);
    expect(await refusal([reports[0]!, reports[1]!, reports[1]!])).toMatch(
      /shard 2\/3 appears twice: r2.json and r3.json/,
    );
  });

  it('reads a glob inside the workspace only', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'gate-merge-'));
    mkdirSync(join(workspace, 'reports'));
    writeFileSync(join(workspace, 'reports', 'a.json'), '{"tool":"post-deploy-gate"}');
    writeFileSync(join(workspace, 'reports', 'b.json'), 'not json');
    const outside = mkdtempSync(join(tmpdir(), 'gate-outside-'));
    writeFileSync(join(outside, 'c.json'), '{}');
    symlinkSync(join(outside, 'c.json'), join(workspace, 'reports', 'c.json'));
    const issues = (patterns: string[]) => {
      try {
        return readShardFiles(patterns, workspace, true).map((f) => f.name);
      } catch (error) {
        return (error as ConfigError).issues.map((i) => i.message);
      }
    };
    expect(issues(['../*.json'])).toEqual([expect.stringMatching(/leaves the workspace/)]);
    expect(issues(['/etc/*'])).toEqual([expect.stringMatching(/leaves the workspace/)]);
    expect(issues(['reports/*.json'])).toEqual([
      expect.stringMatching(/reports\/b.json is not JSON/),
      expect.stringMatching(/outside the workspace/),
    ]);
    expect(issues(['reports/a.json'])).toEqual(['reports/a.json']);
  });
});

describe('the comment of a run with targets', () => {
  const section = (name: string, verdict: Report['verdict'], cause?: Report['cause']) => ({
    name,
    report: {
      tool: 'post-deploy-gate',
      version: '0',
      verdict,
      cause,
      summary: `${name} ${verdict}`,
      startedAt: '2026-12-03T10:00:00.000Z',
      durationMs: 1,
      routes: [],
      diagnoses: [],
      warnings: [],
    } as Report,
  });
  const runOf = (startedAt: string, ...sections: ReturnType<typeof section>[]): Report => ({
    ...section('x', 'pass').report,
    startedAt,
    targets: sections,
  });

  it('rewrites only its own sections and sums up all of them', () => {
    const a = runOf('2026-12-03T10:00:00.000Z', section('api', 'fail', 'host-rejected'));
    const b = runOf('2026-12-03T10:00:01.000Z', section('web', 'pass'));
    const first = renderTargetsComment(a, { runUrl: 'https://github.com/acme/shop/actions/runs/1' });
    const both = renderTargetsComment(b, { runUrl: 'https://github.com/acme/shop/actions/runs/2' }, first);
    expect(both).toMatch(/#### ❌ api: fail/);
    expect(both).toMatch(/#### ✅ web: pass/);
    expect(both).toMatch(/### ❌ post-deploy-gate: fail · `host-rejected`/);
    expect(both).toContain('**api: host rejected; web: passes.**');
    expect(holdsSections(both, a, { runUrl: 'https://github.com/acme/shop/actions/runs/1' })).toBe(true);
    expect(holdsSections(both, b, { runUrl: 'https://github.com/acme/shop/actions/runs/2' })).toBe(true);
    // api fixed by a later run of its workflow: web's section stays as it was.
    const fixed = runOf('2026-12-03T10:05:00.000Z', section('api', 'pass'));
    const after = renderTargetsComment(fixed, { runUrl: 'https://github.com/acme/shop/actions/runs/3' }, both);
    expect(after).toMatch(/### ✅ post-deploy-gate: pass/);
    expect(after.match(/#### ✅ web: pass/g)).toHaveLength(1);
    expect(holdsSections(after, a, { runUrl: 'https://github.com/acme/shop/actions/runs/1' })).toBe(false);
  });

  it('the job summary has a table of targets and a section each', () => {
    const report = runOf('2026-12-03T10:00:00.000Z', section('api', 'fail', 'host-rejected'), section('web', 'pass'));
    const summary = renderTargetsSummary({ ...report, verdict: 'fail', cause: 'host-rejected' });
    expect(summary).toMatch(/^## ❌ post-deploy-gate: fail/);
    expect(summary).toMatch(/\| ❌ \| `api` \| fail · `host-rejected` \|/);
    expect(summary).toMatch(/^### ❌ api: fail/m);
    expect(summary).toMatch(/^### ✅ web: pass/m);
  });
});

describe('a baseline per target', () => {
  it("compares each target with its own baseline-url, and a target without one with the run's (none here)", async () => {
    const page = text(200, '<!doctype html><title>Shop</title><h1>Shop</h1>');
    const webHere = await startServer({ '/health': text(200, 'ok'), '/': replay('django-500'), '/about': page });
    const webProduction = await startServer({ '/health': text(200, 'ok'), '/': page, '/about': page });
    const api = await healthy();
    servers.push(webHere, webProduction);
    const config = await resolve({
      retries: '0',
      targets: [
        '- name: web',
        `  url: ${webHere.url}`,
        `  baseline-url: ${webProduction.url}`,
        '  latency-budget: +300ms',
        '  routes: [/, /about]',
        '- name: api',
        `  url: ${api.url}`,
        '  routes: [/]',
      ].join('\n'),
    });
    const report = await run(config);
    const section = (name: string) => report.targets!.find((t) => t.name === name)!.report;
    const web = section('web').baseline!;
    expect(web.url).toBe(new URL(webProduction.url).href);
    expect(web.routes.find((r) => r.route === '/')!.outcome).toBe('regressed');
    expect(web.counts.regressed).toBe(1);
    expect(section('api').baseline).toBeUndefined();
    expect(report.verdict).toBe('fail');
  });

  it('refuses a target baseline-url or latency-budget that cannot be read, before any request', async () => {
    const bad = await resolve({
      targets: '- name: web\n  url: https://web.example.com\n  baseline-url: ftp://x\n  latency-budget: faster',
    }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    const messages = (bad as ConfigError).issues.map((i) => `${i.input}: ${i.message}`).join('\n');
    expect(messages).toMatch(/baseline-url/);
    expect(messages).toMatch(/latency-budget/);
  });
});
