import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The data flows one way: config → deploy → readiness → smoke → diagnosis → gate → report → edges. This
 * walks the import graph of src/ (static, dynamic and type-only imports alike) and checks it.
 */

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)[^'";]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** file (relative to src/) → the src files it imports. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) =>
      relative(SRC, join(dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, '.ts'))),
    );
    graph.set(relative(SRC, file), [...new Set(targets)]);
  }
  return graph;
}

/** Every circle, each as the path that closes it. */
export function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const STAGES = /^(config|deploy|http|diagnosis)\/|^(readiness|smoke|backoff|body-pattern|clock|log|verdict)\.ts$/;

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('resolves every relative import to a file', () => {
    const files = new Set(graph.keys());
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => !files.has(t)).map((t) => `${file} → ${t}`),
    );
    expect(missing).toEqual([]);
    expect(graph.size).toBeGreaterThan(40);
  });

  it('has no circle', () => {
    expect(circles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('finds a circle when there is one', () => {
    const looped = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(circles(looped)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('keeps every stage from importing the report, the gate, GitHub reporting or an edge', () => {
    const backwards = [...graph]
      .filter(([file]) => STAGES.test(file))
      .flatMap(([file, targets]) =>
        targets
          .filter((t) =>
            /^(report|repo|cli)\/|^(gate|run|main|index)\.ts$|^github\/(sticky-comment|pull-request)\.ts$/.test(t),
          )
          .map((t) => `${file} → ${t}`),
      );
    expect(backwards).toEqual([]);
  });

  it('keeps the GitHub client, the YAML parser and the diagnosis out of what every run loads', () => {
    // Followed from the action's entry through static imports only: what a one-route run with no config file loads.
    const loaded = new Set<string>();
    const statics = (file: string) =>
      [
        ...readFileSync(join(SRC, file), 'utf8').matchAll(
          /(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s*'([^']+)'|(?:^|\n)import\s*'([^']+)'/g,
        ),
      ].map((m) => (m[1] ?? m[2])!);
    const packages = new Set<string>();
    const walk = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const spec of statics(file)) {
        if (spec.startsWith('.')) walk(relative(SRC, join(dirname(join(SRC, file)), spec.replace(/\.js$/, '.ts'))));
        else packages.add(spec);
      }
    };
    walk('main.ts');
    expect([...packages].filter((p) => /^(@actions\/github|@octokit\/|yaml$)/.test(p))).toEqual([]);
    // @actions/core loads all of undici through its OIDC client (issue 19): the runner protocol is ours.
    expect([...packages].filter((p) => p.startsWith('@actions/') || p === 'undici')).toEqual([]);
    // RE2 loads only for a run that can hold a `matches /…/` route (config/resolve.ts).
    expect(packages.has('re2js')).toBe(false);
    // The event and the check whether reporting can write at all (no client) are all of github/ a run loads.
    const light = new Set(['github/event.ts', 'github/preflight.ts']);
    expect([...loaded].filter((f) => f.startsWith('github/') && !light.has(f))).toEqual([]);
    // A passing run diagnoses nothing: the diagnosis and the signature families load with the first failure.
    const diagnosis =
      /^diagnosis\/(compare|classify|attribution)\.ts$|^diagnosis\/catalogue\/(index|platforms|proxies|frameworks|transport)\.ts$/;
    expect([...loaded].filter((f) => diagnosis.test(f))).toEqual([]);
    expect(loaded.has('diagnosis/catalogue/soft-failures.ts')).toBe(true);
    // The HTML parser loads with the first page (check-assets), not with every run.
    expect(packages.has('parse5')).toBe(false);
  });
});
