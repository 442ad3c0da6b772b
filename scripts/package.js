// Rebuilds dist/ from scratch: the action bundle (dist/index.js) and the chunks it loads on demand.
// ncc minifies only the entry file, so the chunks are minified here with terser (deterministic output).
// The CLI is not bundled: it runs from lib/ (tsc output, built by `npm ci` through `prepare`).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';
import { sourceHash } from './source-hash.js';

rmSync('dist', { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    'node_modules/@vercel/ncc/dist/ncc/cli.js',
    'build',
    'src/index.ts',
    '-o',
    'dist',
    '--minify',
    '--license',
    'licenses.txt',
    '--target',
    'es2022',
    '--quiet',
  ],
  { stdio: 'inherit' },
);
for (const file of readdirSync('dist').filter((f) => /^\d+\.index\.js$/.test(f))) {
  const path = `dist/${file}`;
  const result = await minify(readFileSync(path, 'utf8'), { module: true, ecma: 2022, compress: true, mangle: true });
  writeFileSync(path, result.code);
}
// What this bundle was built from, so the tests can tell a stale dist/ (test/support/fresh-dist.ts).
writeFileSync('dist/source-hash.txt', `${sourceHash()}\n`);
