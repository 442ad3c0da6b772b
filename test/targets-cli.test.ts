import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replay } from './support/gate.js';
import { runCli } from './support/runner.js';
import { startServer, text, type TestServer } from './support/servers.js';

/** `post-deploy-gate --shard K/N --report …` on each machine, then `post-deploy-gate merge …`. */

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const CI = { GITHUB_SHA: '2'.repeat(40), GITHUB_RUN_ID: '77' };

describe('the CLI: shards and merge', () => {
  it('two shards merged give one verdict and exit status; a shard of another run is refused', async () => {
    const site = await startServer({ '/health': text(200, 'ok') }, (req, res) =>
      req.url?.startsWith('/broken/') ? replay('django-500')(req, res) : text(200, '<h1>ok</h1>')(req, res),
    );
    servers.push(site);
    const dir = mkdtempSync(join(tmpdir(), 'gate-cli-shards-'));
    const routes = Array.from({ length: 30 }, (_, i) => `  - /${i % 10 === 0 ? 'broken' : 'p'}/${i}`).join('\n');
    writeFileSync(join(dir, 'gate.yml'), `routes:\n${routes}\n`);
    const shard = (k: number, env = CI) =>
      runCli(
        [
          '--url',
          site.url,
          '--config',
          join(dir, 'gate.yml'),
          '--check-assets',
          'false',
          '--retries',
          '0',
          '--shard',
          `${k}/2`,
          '--report',
          join(dir, `shard-${k}.json`),
          '--json',
        ],
        env,
      );
    const [one, two] = await Promise.all([shard(1), shard(2)]);
    const counts = [one, two].map((r) => (JSON.parse(r.stdout) as { routes: unknown[] }).routes.length);
    expect(counts[0]! + counts[1]!).toBe(30);
    const merged = await runCli(['merge', join(dir, 'shard-1.json'), join(dir, 'shard-2.json'), '--json'], CI);
    expect(merged.exitCode).toBe(1);
    const report = JSON.parse(merged.stdout) as { verdict: string; cause: string; summary: string; routes: unknown[] };
    expect([report.verdict, report.cause, report.routes.length]).toEqual(['fail', 'app-error', 30]);
    expect(report.summary).toMatch(/3 of 30 routes/);
    // --fail-on never: the same verdict, exit 0.
    const lenient = await runCli(['merge', join(dir, 'shard-1.json'), join(dir, 'shard-2.json'), '--fail-on', 'never']);
    expect(lenient.exitCode).toBe(0);
    // Shard 2 of another workflow run: refused, naming the file; a usage error.
    await shard(2, { ...CI, GITHUB_RUN_ID: '78' });
    const refused = await runCli(['merge', join(dir, 'shard-1.json'), join(dir, 'shard-2.json')], CI);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/shard-2\.json is from workflow run 78, not 77/);
    expect(readFileSync(join(dir, 'shard-1.json'), 'utf8')).toMatch(/"schemaVersion": 1/);
  }, 120_000);
});
