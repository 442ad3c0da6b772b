import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '../diagnosis/catalogue/stacks.js';

/**
 * Which app stack the checked-out repository holds, from files each stack's projects have: a Gemfile or
 * config/puma.rb (Rails), next.config.* (Next.js), WEB-INF/web.xml or a *.war (Tomcat), go.mod (Go),
 * manage.py (Django), and the dependencies in package.json. A repository with several (a monorepo)
 * decides nothing.
 */

export interface FilesStack {
  stack: Stack;
  /** The files that showed it. */
  files: string[];
}

const BY_NAME: ReadonlyArray<readonly [RegExp, Stack]> = [
  [/(^|\/)(Gemfile|config\/puma\.rb|config\/application\.rb)$/, 'rails'],
  [/(^|\/)next\.config\.(js|mjs|cjs|ts)$/, 'nextjs'],
  [/(^|\/)WEB-INF\/web\.xml$|\.war$/, 'tomcat'],
  [/(^|\/)go\.mod$/, 'go'],
  [/(^|\/)manage\.py$/, 'django'],
  [/(^|\/)vite\.config\.(js|ts|mjs|cjs|mts)$/, 'vite'],
];

const PACKAGE_DEPENDENCIES: ReadonlyArray<readonly [string, Stack]> = [
  ['next', 'nextjs'],
  ['express', 'express'],
  ['vite', 'vite'],
];

const MAX_PACKAGE_BYTES = 256 * 1024;

export function stackOfFiles(files: readonly string[], root: string): FilesStack | undefined {
  const found = new Map<Stack, string[]>();
  const note = (stack: Stack, file: string) => found.set(stack, [...(found.get(stack) ?? []), file]);
  for (const file of files) {
    for (const [pattern, stack] of BY_NAME) if (pattern.test(file)) note(stack, file);
    if (/(^|\/)package\.json$/.test(file)) for (const stack of packageStacks(join(root, file))) note(stack, file);
  }
  // Next.js and Vite projects depend on their tool: one project, not two stacks.
  const stacks = [...found.keys()];
  return stacks.length === 1 ? { stack: stacks[0]!, files: found.get(stacks[0]!)!.slice(0, 3) } : undefined;
}

function packageStacks(path: string): Stack[] {
  try {
    if (statSync(path).size > MAX_PACKAGE_BYTES) return [];
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const deps = { ...(pkg['dependencies'] as object), ...(pkg['devDependencies'] as object) };
    return PACKAGE_DEPENDENCIES.filter(([name]) => name in deps).map(([, stack]) => stack);
  } catch {
    return [];
  }
}
