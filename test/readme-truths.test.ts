import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FINGERPRINTS } from '../src/diagnosis/catalogue/index.js';
import { runCli } from './support/runner.js';

/** Issue 22 item 6: what the README says about the code is checked against the code. */

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'));

describe('small truths in the README', () => {
  it('the signature count is the catalogue size', () => {
    const said = /\*\*Signatures\*\* — (\d+) of them/.exec(readme)?.[1];
    expect(Number(said)).toBe(FINGERPRINTS.length);
  });

  it('names the runner version that brought node24 (2.327.1), and no other', () => {
    expect(action.runs.using).toBe('node24');
    expect(readme).toContain('runner 2.327.1 or newer');
    expect(readme).not.toContain('2.327.0');
  });

  it('lists every CLI flag the CLI accepts', async () => {
    const help = (await runCli(['--help'])).stdout;
    const flags = [...help.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(flags).toContain('--watch');
    const block = readme.slice(readme.indexOf('## CLI'), readme.indexOf('## Development'));
    for (const flag of flags) expect(block, flag).toContain(flag);
  });

  it('quotes usage errors as the CLI prints them', async () => {
    const quoted = readme.slice(readme.indexOf('## CLI'), readme.indexOf('## Development'));
    const timeout = await runCli(['--url', 'http://127.0.0.1:9', '--timeout', 'soon']);
    expect(timeout.exitCode).toBe(2);
    expect(quoted).toContain(timeout.stderr.split('\n')[0]!);
    const typo = await runCli(['--rout', '/']);
    expect(typo.stderr.split('\n')[0]).toBe(`post-deploy-gate: Unknown option '--rout' (did you mean "--route"?)`);
    expect(quoted).toContain(typo.stderr.split('\n')[0]!);
  });

  it('describes the chart as conditional', () => {
    expect(readme).toContain('a Mermaid chart when there is a story to draw');
  });
});
