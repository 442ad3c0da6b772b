import { closeSync, constants, lstatSync, mkdirSync, openSync, realpathSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { Parsed } from './route-line.js';

/**
 * `report-path`: where a copy of the JSON report goes, for `actions/upload-artifact`. Only the workflow
 * names it (an action input, never the config file), and even so it stays inside GITHUB_WORKSPACE: a
 * relative path without `..`, written without following a symlink out of the workspace.
 */

export function parseWorkspacePath(text: string): Parsed<string> {
  const value = text.trim();
  const accepted = 'give a path relative to the workspace, e.g. gate/report.json';
  if (isAbsolute(value) || /^[a-zA-Z]:/.test(value))
    return { ok: false, message: `"${value}" is absolute; ${accepted}` };
  if (value.split(/[\\/]+/).includes('..'))
    return { ok: false, message: `"${value}" leaves the workspace (..); ${accepted}` };
  if (/[\\/]$/.test(value) || value === '.') return { ok: false, message: `"${value}" names a folder; ${accepted}` };
  if (/[\0-\x1f]/.test(value)) return { ok: false, message: `the path has a control character; ${accepted}` };
  return { ok: true, value: normalize(value) };
}

/**
 * Writes `text` at `path` inside `workspace`. Folders on the way are created, and then the real folder
 * is checked to be inside the real workspace (a symlinked folder pointing out is refused); the file itself
 * is never a symlink (O_NOFOLLOW). Returns the absolute path written.
 */
export function writeInWorkspace(workspace: string, path: string, text: string): string {
  const root = realpathSync(workspace);
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
  const folder = realpathSync(dirname(target));
  const rel = relative(root, folder);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`report-path "${path}" leads outside the workspace through a symbolic link`);
  }
  const file = join(folder, target.slice(dirname(target).length + 1));
  try {
    if (lstatSync(file).isSymbolicLink()) throw new Error(`report-path "${path}" is a symbolic link`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return file;
}
