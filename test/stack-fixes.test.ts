import { describe, expect, it } from 'vitest';
import { CAUSES, CAUSE_INFO, composeFix, FINGERPRINTS, type CauseId } from '../src/diagnosis/catalogue/index.js';
import { foreignWords, STACKS, stacksNamed, type Stack } from '../src/diagnosis/catalogue/stacks.js';

/**
 * A fix for the wrong stack sends people down the wrong path. Every cause the catalogue knows × every
 * stack (and no stack at all), and every signature × every stack: the fix names no server, framework or
 * build step of a stack the evidence does not show. With no stack shown, only what every stack has in
 * common (proxy text) is said.
 */

const causes = CAUSES.map((c) => c.id as CauseId);
const shown = (...stacks: Array<Stack | undefined>) => stacks.filter((s): s is Stack => s !== undefined);

describe('cause × stack: a fix names only the stack the evidence shows', () => {
  it.each(causes)('%s with no stack shown names no stack', (cause) => {
    const fix = composeFix(cause, undefined, undefined);
    expect(foreignWords(fix, []), fix).toEqual([]);
  });

  const pairs = causes.flatMap((cause) => STACKS.map((stack) => [cause, stack] as const));
  it.each(pairs)('%s on %s', (cause, stack) => {
    const fix = composeFix(cause, undefined, stack);
    expect(foreignWords(fix, [stack]), fix).toEqual([]);
  });

  it('keeps every stackFix addition to its own stack', () => {
    for (const cause of causes)
      for (const [stack, text] of Object.entries(CAUSE_INFO[cause].stackFix ?? {}))
        expect(foreignWords(text!, [stack as Stack]), `${cause}/${stack}: ${text}`).toEqual([]);
  });

  it('adds something for the stacks it knows (puma for Rails, not gunicorn)', () => {
    const rails = composeFix('upstream-unreachable', undefined, 'rails');
    expect(rails).toContain('config/puma.rb');
    expect(rails).not.toMatch(/gunicorn/);
    const next = composeFix('static-assets-missing', undefined, 'nextjs');
    expect(next).toMatch(/\.next\/static/);
    expect(next).not.toMatch(/collectstatic|STATIC_ROOT/);
  });
});

describe('signature × stack: a row may add the stack its own answer shows, nothing else', () => {
  const rows = FINGERPRINTS.filter((row) => row.fix !== undefined);
  it.each(rows.map((row) => [row.id, row] as const))('%s', (_id, row) => {
    for (const stack of [undefined, ...STACKS]) {
      const fix = composeFix(row.cause, row, stack);
      expect(foreignWords(fix, shown(row.stack, stack)), `${row.id} with ${stack ?? 'no stack'}: ${fix}`).toEqual([]);
    }
  });
});

describe('the words that name a stack', () => {
  it('are recognised, so the walks above can fail', () => {
    expect(stacksNamed('run `manage.py collectstatic`')).toEqual(['django']);
    expect(foreignWords("match gunicorn's `--bind`", ['rails'])).toEqual(['gunicorn']);
    expect(foreignWords("match gunicorn's `--bind`", ['django'])).toEqual([]);
    expect(foreignWords('`bind` in `config/puma.rb`', [])).toEqual(['config/puma.rb']);
    expect(foreignWords('copy `.next/static` and `public`', ['django'])).toEqual(['.next/']);
    expect(foreignWords('the WAR file name is the context path', ['go'])).toEqual(['WAR']);
    expect(foreignWords('recover() from the panic in the handler', [])).toEqual(['recover()']);
    expect(foreignWords("check `proxy_pass` in nginx's config", [])).toEqual([]);
  });
});
