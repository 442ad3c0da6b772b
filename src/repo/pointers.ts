import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CAUSE_INFO, type CauseId } from '../diagnosis/catalogue/causes.js';
import type { Stack } from '../diagnosis/catalogue/stacks.js';

/**
 * Where in the checked-out repository the fix most likely goes: the settings line, the proxy directive,
 * the server bind (the rules are each cause's `pointers` in the catalogue). Only lines that exist are
 * named; otherwise "no candidate found". The walk is bounded (files, depth, size) so a large monorepo
 * cannot slow the run down.
 */

export interface Pointer {
  /** Relative to the workspace, with `/` separators (what annotations expect). */
  file: string;
  line: number;
  text: string;
}

export interface PointerResult {
  pointer?: Pointer;
  /** Other places that match the same rule, for the summary. */
  others: number;
  /** What was looked for, in words (shown when nothing was found). */
  lookedFor: string;
}

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'venv',
  '.venv',
  'env',
  'dist',
  'build',
  '__pycache__',
  'vendor',
  '.next',
  'target',
  '.tox',
  'coverage',
]);
const MAX_FILES = 5_000;
const MAX_DEPTH = 6;
const MAX_FILE_BYTES = 256 * 1024;

/**
 * With the stack known, only its rules and the stack-neutral ones are tried (no gunicorn bind for a puma
 * app); without it every rule is, since a matching line is evidence itself, but "looked for" names only
 * the neutral ones.
 */
export function findPointer(
  cause: CauseId,
  workspace: string,
  stack?: Stack,
  files: readonly string[] = listFiles(workspace),
): PointerResult | undefined {
  const all = CAUSE_INFO[cause].pointers;
  if (!all) return undefined;
  const rules = all.filter((r) => !r.stacks || !stack || r.stacks.includes(stack));
  for (const rule of rules) {
    const hits: Pointer[] = [];
    for (const file of files) {
      if (!rule.file.test(file)) continue;
      const hit = firstMatchingLine(join(workspace, file), rule.line);
      if (hit) hits.push({ file, ...hit });
    }
    if (hits.length) return { pointer: hits[0], others: hits.length - 1, lookedFor: rule.what };
  }
  const named = stack ? rules : rules.filter((r) => !r.stacks);
  if (named.length === 0) return undefined;
  return { others: 0, lookedFor: named.map((r) => r.what).join(', ') };
}

export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || files.length >= MAX_FILES) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (files.length >= MAX_FILES) return;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) walk(path, depth + 1);
      else if (entry.isFile()) files.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(root, 0);
  return files;
}

function firstMatchingLine(path: string, pattern: RegExp): { line: number; text: string } | undefined {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) return undefined;
    const lines = readFileSync(path, 'utf8').split('\n');
    const index = lines.findIndex((l) => pattern.test(l));
    return index === -1 ? undefined : { line: index + 1, text: lines[index]!.trim().slice(0, 200) };
  } catch {
    return undefined;
  }
}
