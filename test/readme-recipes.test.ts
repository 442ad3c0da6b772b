import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 23, item 0: the runner pastes `${{ … }}` into a `run:` script as text before the shell runs, so an
 * expression whose value a deployment or a pull request controls is a script-injection sink there. Every
 * workflow recipe in the README and docs/ passes such values through `env:` instead.
 */

const ROOT = new URL('..', import.meta.url).pathname;
/** Values someone other than the workflow's author may write: step and job outputs, the event's text. */
const TAINTED =
  /\$\{\{[^}]*\b(steps\.[\w-]+\.outputs|needs\.[\w-]+\.outputs|github\.event\.|github\.head_ref|inputs\.)[^}]*\}\}/;

/** Folders that hold no recipe of ours: dependencies, builds, recorded outputs. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'lib', 'golden', 'fixtures']);

/** Every Markdown file of the repository (README, CONTRIBUTING, SECURITY, CHANGELOG, docs/ …). */
function markdownFiles(dir = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIPPED.has(entry.name)) files.push(...markdownFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.md')) files.push(path);
  }
  return files;
}

/** The repository's own workflows: the same rule holds for them. */
function workflowFiles(): string[] {
  const dir = join('.github', 'workflows');
  return readdirSync(join(ROOT, dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(dir, name));
}

/** The YAML code blocks of a Markdown text. */
function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^(`{3,}|~{3,})ya?ml[^\n]*\n([\s\S]*?)\n\1\s*$/gm)].map((m) => m[2]!);
}

/** Every `run:` script in a YAML text, the lines of a block scalar included, with the line it starts on. */
export function runScripts(yaml: string): Array<{ line: number; script: string }> {
  const lines = yaml.split('\n');
  const scripts: Array<{ line: number; script: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(\s*)(?:-\s+)?run:\s*(.*)$/.exec(lines[i]!);
    if (!match) continue;
    const indent = match[1]!.length + (lines[i]!.trimStart().startsWith('-') ? 2 : 0);
    const body = [match[2]!];
    while (i + 1 < lines.length && (lines[i + 1]!.trim() === '' || /^\s*/.exec(lines[i + 1]!)![0].length > indent))
      body.push(lines[++i]!);
    scripts.push({ line: i + 1, script: body.join('\n') });
  }
  return scripts;
}

function sinks(markdown: string): string[] {
  return yamlBlocks(markdown).flatMap((block) =>
    runScripts(block)
      .filter(({ script }) => TAINTED.test(script))
      .map(({ script }) => script.trim()),
  );
}

describe('workflow recipes in the README and docs/', () => {
  it('never paste an output or the event’s text into a `run:` script', () => {
    const files = markdownFiles();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', join('docs', 'architecture.md')]));
    const found = files.flatMap((file) => sinks(readFileSync(join(ROOT, file), 'utf8')).map((s) => `${file}: ${s}`));
    expect(found).toEqual([]);
  });

  it('the repository’s own workflows never paste an output or the event’s text into `run:` either', () => {
    const files = workflowFiles();
    expect(files.length).toBeGreaterThan(0);
    const found = files.flatMap((file) =>
      runScripts(readFileSync(join(ROOT, file), 'utf8'))
        .filter(({ script }) => TAINTED.test(script))
        .map(({ line, script }) => `${file}:${line}: ${script.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it('the scan finds the sinks it is for (the old quick start among them)', () => {
    const recipe = (run: string) => `\`\`\`yaml\nsteps:\n  - uses: x\n${run}\n\`\`\``;
    expect(
      sinks(recipe('  - run: echo "${{ steps.gate.outputs.cause }}: ${{ steps.gate.outputs.summary }}"')),
    ).toHaveLength(1);
    expect(
      sinks(recipe('  - name: x\n    run: |\n      echo hi\n      echo "${{ github.event.pull_request.title }}"')),
    ).toHaveLength(1);
    expect(sinks(recipe('  - run: >-\n      echo ${{ needs.build.outputs.url }}'))).toHaveLength(1);
    // Through env: the script reads a variable; `${{ }}` outside `run:` is not a sink.
    expect(
      sinks(
        recipe(
          '  - env:\n      SUMMARY: ${{ steps.gate.outputs.summary }}\n    run: echo "$SUMMARY"\n  - run: echo ${{ github.sha }}',
        ),
      ),
    ).toEqual([]);
  });
});
