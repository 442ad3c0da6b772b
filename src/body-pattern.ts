import type { RE2JS } from 're2js';

/**
 * `matches /…/` patterns run on RE2 (re2js, the pure-JavaScript port): matching time is linear in the
 * body whatever the pattern, so a pattern from a pull request cannot hang the run on a hostile body, and
 * no worker thread or time limit is needed. The price is RE2's syntax: no backreferences, no lookaround.
 */

export const PATTERN_SYNTAX_HELP =
  'patterns use RE2 syntax (linear time), which has no backreferences (\\1) and no lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…))';

/**
 * RE2 is loaded only by runs that can hold a pattern (its module costs ~16 ms of CPU at start-up, issue 19):
 * config resolution calls this first when an input says `matches` or a config file is given.
 */
let engine: { RE2: typeof RE2JS; flagBits: Readonly<Record<string, number>> } | undefined;
export async function loadPatternEngine(): Promise<void> {
  if (engine) return;
  const { RE2JS: RE2 } = await import('re2js');
  engine = {
    RE2,
    flagBits: { i: RE2.CASE_INSENSITIVE, m: RE2.MULTILINE, s: RE2.DOTALL, u: 0 /* RE2 always matches by code point */ },
  };
}

/** A path that compiles a pattern without loading RE2 first: a bug, never to be taken for a bad pattern. */
export class PatternEngineNotLoaded extends Error {
  constructor() {
    super('internal error: a body pattern was compiled before loadPatternEngine()');
  }
}

function loaded(): NonNullable<typeof engine> {
  if (!engine) throw new PatternEngineNotLoaded();
  return engine;
}

const compiled = new Map<string, RE2JS>();

/** The compiled pattern, or a thrown RE2 syntax error (config parsing turns it into a message). */
export function compilePattern(pattern: string, flags: string): RE2JS {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const { RE2, flagBits } = loaded();
    const bits = [...flags].reduce((all, flag) => all | (flagBits[flag] ?? 0), 0);
    re = RE2.compile(pattern, bits);
    compiled.set(key, re);
  }
  return re;
}

/** Whether `text` contains a match, like RegExp.prototype.test. */
export function testPattern(pattern: string, flags: string, text: string): boolean {
  return compilePattern(pattern, flags).test(text);
}
