// A hash of everything dist/ is built from: the sources, the locked dependencies and the build script.
// scripts/package.js writes it to dist/source-hash.txt; the tests rebuild dist/ first when it differs
// (test/support/fresh-dist.ts), so the bundle tests never run a stale bundle.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['src', 'package-lock.json', 'tsconfig.json', 'scripts/package.js'];

function files(path) {
  try {
    return readdirSync(path, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((entry) => files(join(path, entry.name)));
  } catch {
    return [path];
  }
}

export function sourceHash() {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(join(ROOT, input))) {
      hash.update(relative(ROOT, file).split('\\').join('/') + '\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}
