import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INPUT_DEFAULTS } from '../src/config/defaults.js';
import { CAUSES } from '../src/diagnosis/catalogue/index.js';
import { ACTION_INPUTS } from '../src/main.js';
// @ts-expect-error: a plain JS build script without types
import { withTables } from '../scripts/readme-tables.js';

/** action.yml, the parser, the README and the contract must say the same thing. */

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the public contract', () => {
  it('declares exactly the contract inputs, read by main.ts', () => {
    expect(Object.keys(action.inputs)).toEqual([...ACTION_INPUTS]);
  });

  it('has the same defaults in action.yml and the parser', () => {
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) expect(String(action.inputs[name].default)).toBe(value);
  });

  it('declares the contract outputs and runs on node24', () => {
    expect(Object.keys(action.outputs)).toEqual([
      'verdict',
      'cause',
      'summary',
      'url',
      'report',
      'ready-after',
      'targets',
    ]);
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('keeps the README tables generated from action.yml and the cause catalogue', () => {
    expect(withTables(readme, CAUSES)).toBe(readme);
  });

  it('documents every cause id in the README', () => {
    for (const { id: cause } of CAUSES) expect(readme, cause).toContain(`\`${cause}\``);
  });
});
