import { closeSync, constants, mkdtempSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The action's JSON report: always under the runner's temp folder, always a file this run creates.
 * O_EXCL refuses a file that is already there (someone else's, or a planted symlink: O_EXCL never
 * follows one), and O_NOFOLLOW guards the same on systems where that matters. If the usual name is
 * taken (a second gate in the same job), a fresh folder of our own holds it.
 */
export function writeNewReport(folder: string, name: string, text: string): string {
  try {
    return writeExclusive(join(folder, name), text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return writeExclusive(join(mkdtempSync(join(folder, 'post-deploy-gate-')), name), text);
  }
}

function writeExclusive(path: string, text: string): string {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return path;
}
