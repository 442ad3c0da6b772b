import { closeSync, fstatSync, globSync, openSync, readSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { resolveInWorkspace } from '../config/file.js';
import { ConfigError, type ConfigIssue } from '../config/types.js';
import { MAX_SHARDS } from '../config/defaults.js';
import type { Report } from '../report/report.js';
import type { ShardFile } from './merge.js';

/**
 * The shard reports a merge reads: a glob (the `merge-reports` input, or the CLI's arguments) resolved
 * inside the workspace, each match a regular file of bounded size holding JSON. The action refuses a
 * pattern that leaves the workspace and a match that leads out of it through a link.
 */

/** A shard's report of 1,000 routes with full failing bodies stays far below this. */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;

export function readShardFiles(patterns: string[], workspace: string, confine: boolean): ShardFile[] {
  const issues: ConfigIssue[] = [];
  const say = (message: string) => issues.push({ input: 'merge-reports', message });
  const names = new Set<string>();
  for (const pattern of patterns) {
    if (confine && (isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..'))) {
      say(`"${pattern}" leaves the workspace; give a glob relative to it, e.g. reports/*.json`);
      continue;
    }
    const matches = /[*?[{]/.test(pattern) ? globSync(pattern, { cwd: workspace }) : [pattern];
    for (const match of matches.sort()) names.add(match);
  }
  if (names.size > MAX_SHARDS * 2) say(`matched ${names.size} files; a merge reads at most ${MAX_SHARDS * 2}`);
  if (issues.length) throw new ConfigError(issues);
  const files: ShardFile[] = [];
  for (const name of names) {
    const where = resolveInWorkspace(name, workspace, confine);
    if (!where.path) {
      say(where.message!);
      continue;
    }
    const text = readBounded(where.path, name, say);
    if (text === undefined) continue;
    try {
      const report = JSON.parse(text) as Report;
      if (!report || typeof report !== 'object' || Array.isArray(report)) say(`${name} is not a JSON report`);
      else files.push({ name, report });
    } catch {
      say(`${name} is not JSON (a shard's \`report\` output file is)`);
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return files;
}

function readBounded(path: string, name: string, say: (message: string) => void): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) return void say(`${name} is not a regular file`);
    if (stat.size > MAX_REPORT_BYTES)
      return void say(
        `${name} is ${Math.ceil(stat.size / 1048576)} MiB; a report may be at most ${MAX_REPORT_BYTES / 1048576} MiB`,
      );
    const buffer = Buffer.alloc(stat.size);
    const size = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, size).toString('utf8');
  } catch (error) {
    return void say(`cannot read ${name} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
