import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
// @ts-expect-error: a plain JS build script without types
import { sourceHash } from '../../scripts/source-hash.js';

/**
 * Vitest global setup: the bundle tests run dist/index.js, so a dist/ built from other sources than the
 * working tree's is rebuilt first (`npm run package`), and `npm test` always tests the code it shows.
 */
export default function freshDist(): void {
  const root = new URL('../../', import.meta.url);
  let built = '';
  try {
    built = readFileSync(new URL('dist/source-hash.txt', root), 'utf8').trim();
  } catch {
    // No stamp: built before stamps existed, or not built at all.
  }
  if (built === (sourceHash() as string)) return;
  console.log('dist/ was built from other sources: rebuilding it (npm run package) before the tests');
  execFileSync(process.execPath, ['scripts/package.js'], { cwd: root, stdio: 'inherit' });
}
