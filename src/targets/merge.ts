import type { AssetCheck } from '../assets/types.js';
import { diagnoseAssets } from '../assets/diagnose.js';
import { ConfigError } from '../config/types.js';
import { REPORT_SCHEMA_VERSION, type Report, type ReportOrigin, type TargetSection } from '../report/report.js';
import type { RouteResult } from '../smoke.js';
import { summarize, verdictOf } from '../verdict.js';
import { combineTargets } from './combine.js';

/**
 * `merge-reports`: the shards of one split run (`shard: K/N`, one job each in an Actions matrix) → the
 * one Report a single run of everything would have made. Each target's routes are put back in their
 * order and diagnosed again together, with the same diagnosis a single run uses, so the verdict, the
 * counts and the cause are those of one run. Reports of another commit or run, of another schema
 * version, and a missing or doubled shard are refused with a message that names the file.
 */

export interface ShardFile {
  /** As matched, for messages. */
  name: string;
  report: Report;
}

export async function mergeShards(
  files: ShardFile[],
  expected: ReportOrigin | undefined,
  startedAt: Date,
  durationMs: number,
): Promise<Report> {
  checkShards(files, expected);
  const reports = [...files].sort((a, b) => a.report.shard!.index - b.report.shard!.index).map((f) => f.report);
  const origin = reports[0]!.origin;
  const withTargets = reports.filter((r) => r.shard?.targets);
  if (withTargets.length === 0) {
    const merged = await mergeTarget(reports);
    return { ...merged, ...(origin ? { origin } : {}) };
  }
  if (withTargets.length !== reports.length) {
    throw new ConfigError([
      {
        input: 'merge-reports',
        message: 'some shard reports have targets and some do not; merge the shards of one run',
      },
    ]);
  }
  const order = reports[0]!.shard!.targets!;
  const sections: TargetSection[] = [];
  for (const name of order) {
    const parts = reports.flatMap((r) => r.targets?.filter((t) => t.name === name) ?? []);
    if (parts.length === 0) continue;
    sections.push({
      name,
      ...(parts[0]!.environment ? { environment: parts[0]!.environment } : {}),
      report: await mergeTarget(parts.map((p) => p.report)),
    });
  }
  const earliest = reports.map((r) => r.startedAt).sort()[0]!;
  const merged = combineTargets(sections, earliest, Math.max(...reports.map((r) => r.durationMs)));
  return { ...merged, ...(origin ? { origin } : {}) };
}

function checkShards(files: ShardFile[], expected: ReportOrigin | undefined): void {
  const problems: string[] = [];
  const say = (message: string) => problems.push(message);
  if (files.length === 0) say('matched no report; give a glob of the shards\u2019 JSON reports, e.g. reports/*.json');
  for (const { name, report } of files) {
    const version = (report as Partial<Report> & { schemaVersion?: unknown }).schemaVersion;
    if (report.tool !== 'post-deploy-gate') say(`${name} is not a post-deploy-gate report`);
    else if (version !== REPORT_SCHEMA_VERSION)
      say(
        `${name} has schema version ${JSON.stringify(version ?? null)}; this gate merges version ${REPORT_SCHEMA_VERSION} (the shards ran another version of the gate)`,
      );
    else if (!report.shard) say(`${name} is not a shard's report (its run had no shard input)`);
  }
  if (problems.length) throw new ConfigError(problems.map((message) => ({ input: 'merge-reports', message })));
  const first = files[0]!;
  const want = expected?.sha || expected?.runId ? expected : first.report.origin;
  for (const { name, report } of files) {
    const o = report.origin ?? {};
    if (want?.sha && o.sha !== want.sha)
      say(`${name} is from commit ${short(o.sha)}, not ${short(want.sha)}: merge only the shards of this commit`);
    else if (want?.runId && o.runId !== want.runId)
      say(`${name} is from workflow run ${o.runId ?? '(none)'}, not ${want.runId}: merge only the shards of this run`);
  }
  const count = first.report.shard!.count;
  const seen = new Map<number, string>();
  for (const { name, report } of files) {
    const shard = report.shard!;
    if (shard.count !== count) say(`${name} is shard ${shard.index}/${shard.count}, but ${first.name} is of ${count}`);
    else if (seen.has(shard.index))
      say(`shard ${shard.index}/${count} appears twice: ${seen.get(shard.index)} and ${name}`);
    else seen.set(shard.index, name);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length && !problems.length)
    say(
      `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing: a merge needs every shard (did a shard job fail before writing its report?)`,
    );
  if (problems.length) throw new ConfigError(problems.map((message) => ({ input: 'merge-reports', message })));
}

function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : '(none)';
}

/** One target's shards → one report of all its routes. */
async function mergeTarget(parts: Report[]): Promise<Report> {
  // A deploy not checked (its deployment failed, a bad setting, a fault) was not checked in any shard.
  const unchecked = parts.find((r) => !r.readiness);
  if (unchecked) return withoutShard(unchecked);
  // The health the shards saw: a shard that found it unhealthy speaks for the run.
  const lead = parts.find((r) => !r.readiness!.ready) ?? parts[0]!;
  const readiness = lead.readiness!;
  const routes = parts
    .flatMap((r) => r.routes.map((route, i) => ({ route, position: r.shard!.positions[i] ?? i })))
    .sort((a, b) => a.position - b.position)
    .map((x) => x.route as RouteResult);
  const assets = mergeAssets(parts.map((r) => r.assets));
  const degraded = parts.find((r) => r.watch?.ended === 'degraded');
  const watch = degraded?.watch ?? parts.find((r) => r.watch)?.watch;
  const clean = readiness.ready && routes.every((r) => r.passed) && !assets?.assets.some((a) => !a.passed);
  const url = lead.url ? new URL(lead.url) : undefined;
  const diagnoses = degraded
    ? degraded.diagnoses
    : clean || !url
      ? []
      : (await import('../diagnosis/compare.js')).diagnose({
          baseUrl: url,
          healthLabel: lead.shard!.healthLabel,
          readiness,
          routes,
          expectVersion: lead.shard!.expectVersion,
          notFoundProbe: parts.find((r) => r.notFoundProbe)?.notFoundProbe,
          assets: diagnoseAssets(assets),
        });
  const cancelled = parts.some((r) => r.cancelled);
  const findings = { readiness, routes, diagnoses, assets, watch };
  const { verdict, cause } = cancelled ? { verdict: 'error' as const, cause: undefined } : verdictOf(findings);
  const { shard: _shard, ...rest } = lead;
  return {
    ...rest,
    verdict,
    cause,
    summary: cancelled ? lead.summary : summarize(verdict, findings),
    startedAt: parts.map((r) => r.startedAt).sort()[0]!,
    durationMs: Math.max(...parts.map((r) => r.durationMs)),
    readiness,
    routes,
    diagnoses,
    assets,
    warnings: [...new Set(parts.flatMap((r) => r.warnings))],
    ...(watch ? { watch } : {}),
  };
}

function withoutShard(report: Report): Report {
  const { shard: _shard, ...rest } = report;
  return rest;
}

/** The pages and assets of every shard; an asset several shards fetched counts once. */
function mergeAssets(checks: Array<AssetCheck | undefined>): AssetCheck | undefined {
  const present = checks.filter((c): c is AssetCheck => !!c);
  if (!present.length) return undefined;
  const assets = new Map<string, AssetCheck['assets'][number]>();
  for (const check of present) for (const a of check.assets) if (!assets.has(a.url)) assets.set(a.url, a);
  return {
    limit: present[0]!.limit,
    pages: present.flatMap((c) => c.pages),
    assets: [...assets.values()],
    notChecked: present.reduce((n, c) => n + c.notChecked, 0),
    crossOrigin: Math.max(...present.map((c) => c.crossOrigin)),
  };
}
