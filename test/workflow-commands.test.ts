import * as core from '@actions/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as ours from '../src/runner/workflow-commands.js';

// The action speaks to the runner without @actions/core (it loads all of undici at start-up, issue 19).
// What it writes must stay what @actions/core writes: @actions/core is the oracle here, call for call.

const MESSAGES = [
  'plain',
  '',
  '100% done\r\nnext line\nlast',
  'a: b, c :: d',
  '::error::forged',
  '%0A already encoded',
  'ünïcødé ✓ “quotes”',
];
const PROPERTIES: ours.AnnotationProperties[] = [
  {},
  { title: 'Route / failed' },
  { title: '' },
  { title: 'a: b, c\n%', file: 'config/gate.yml', startLine: 12 },
  { file: 'routes.txt', startLine: 0 },
  { title: undefined, file: undefined, startLine: undefined },
];

/** Everything a call writes to stdout. */
function stdoutOf(call: () => unknown): string {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    call();
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workflow-commands-'));
});
afterEach(() => {
  process.env = { ...saved };
});

describe('workflow commands, held to @actions/core', () => {
  it.each(['error', 'warning', 'notice'] as const)('%s annotations are written as core writes them', (level) => {
    for (const message of MESSAGES) {
      for (const properties of PROPERTIES) {
        expect(stdoutOf(() => ours[level](message, properties))).toBe(stdoutOf(() => core[level](message, properties)));
      }
      expect(stdoutOf(() => ours[level](message))).toBe(stdoutOf(() => core[level](message)));
    }
  });

  it('log lines, debug lines and masks are written as core writes them', () => {
    for (const message of MESSAGES) {
      expect(stdoutOf(() => ours.info(message))).toBe(stdoutOf(() => core.info(message)));
      expect(stdoutOf(() => ours.debug(message))).toBe(stdoutOf(() => core.debug(message)));
      expect(stdoutOf(() => ours.setSecret(message))).toBe(stdoutOf(() => core.setSecret(message)));
    }
  });

  it('inputs are read and trimmed as core reads them', () => {
    process.env['INPUT_HEALTH-PATH'] = '  /health/ \n';
    process.env['INPUT_FAIL_ON'] = 'fail';
    process.env['INPUT_ROUTES'] = '/\n/about\n';
    for (const name of ['health-path', 'fail on', 'routes', 'missing', 'Health-Path']) {
      expect(ours.getInput(name)).toBe(core.getInput(name));
    }
    expect(ours.getInput('health-path')).toBe('/health/');
  });

  it('outputs reach GITHUB_OUTPUT in the same heredoc form, each under a fresh delimiter', () => {
    const file = (name: string) => {
      const path = join(dir, name);
      writeFileSync(path, '');
      return path;
    };
    const [mine, theirs] = [file('ours'), file('core')];
    for (const [i, value] of MESSAGES.entries()) {
      process.env['GITHUB_OUTPUT'] = mine;
      ours.setOutput(`out-${i}`, value);
      process.env['GITHUB_OUTPUT'] = theirs;
      core.setOutput(`out-${i}`, value);
    }
    const delimiters = /ghadelimiter_[0-9a-f-]{36}/g;
    const written = readFileSync(mine, 'utf8');
    expect(written.replace(delimiters, 'D')).toBe(readFileSync(theirs, 'utf8').replace(delimiters, 'D'));
    const used = written.match(delimiters) ?? [];
    expect(used).toHaveLength(MESSAGES.length * 2);
    expect(new Set(used).size).toBe(MESSAGES.length);
  });

  it('without GITHUB_OUTPUT, an output is the deprecated stdout command core falls back to', () => {
    delete process.env['GITHUB_OUTPUT'];
    for (const value of MESSAGES) {
      expect(stdoutOf(() => ours.setOutput('verdict', value))).toBe(stdoutOf(() => core.setOutput('verdict', value)));
    }
  });

  it('a missing GITHUB_OUTPUT file is an error, as in core', () => {
    process.env['GITHUB_OUTPUT'] = join(dir, 'absent');
    expect(() => ours.setOutput('verdict', 'pass')).toThrow('Missing file at path');
    expect(() => core.setOutput('verdict', 'pass')).toThrow('Missing file at path');
  });

  it('the job summary is appended as core.summary.addRaw(…).write() appends it', async () => {
    const [mine, theirs] = [join(dir, 'summary-ours'), join(dir, 'summary-core')];
    writeFileSync(mine, '# earlier step\n');
    writeFileSync(theirs, '# earlier step\n');
    for (const markdown of ['## Gate: pass\n\n| a | b |\n', 'second write, no newline', '']) {
      process.env['GITHUB_STEP_SUMMARY'] = mine;
      ours.appendSummary(markdown);
      process.env['GITHUB_STEP_SUMMARY'] = theirs;
      await core.summary.addRaw(markdown).write();
    }
    expect(readFileSync(mine, 'utf8')).toBe(readFileSync(theirs, 'utf8'));
    expect(readFileSync(mine, 'utf8')).toContain('## Gate: pass');
  });

  it('no job summary on offer is an error naming GITHUB_STEP_SUMMARY, as in core', async () => {
    delete process.env['GITHUB_STEP_SUMMARY'];
    expect(() => ours.appendSummary('x')).toThrow('GITHUB_STEP_SUMMARY');
    // core's summary is a singleton that keeps the path it first found: ask a fresh one.
    const Summary = Object.getPrototypeOf(core.summary).constructor as new () => typeof core.summary;
    await expect(new Summary().addRaw('x').write()).rejects.toThrow('GITHUB_STEP_SUMMARY');
  });
});
