import { RE2JS } from 're2js';

/**
 * `matches /…/` patterns run on RE2 (re2js, the pure-JavaScript port): matching time is linear in the
 * body whatever the pattern, so a pattern from a pull request cannot hang the run on a hostile body, and
 * no worker thread or time limit is needed. The price is RE2's syntax: no backreferences, no lookaround.
 */

export const PATTERN_SYNTAX_HELP =
  'patterns use RE2 syntax (linear time), which has no backreferences (\\1) and no lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…))';

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0, // RE2 always matches by code point
};

const compiled = new Map<string, RE2JS>();

/** The compiled pattern, or a thrown RE2 syntax error (config parsing turns it into a message). */
export function compilePattern(pattern: string, flags: string): RE2JS {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    const bits = [...flags].reduce((all, flag) => all | (FLAG_BITS[flag] ?? 0), 0);
    re = RE2JS.compile(pattern, bits);
    compiled.set(key, re);
  }
  return re;
}

/** Whether `text` contains a match, like RegExp.prototype.test. */
export function testPattern(pattern: string, flags: string, text: string): boolean {
  return compilePattern(pattern, flags).test(text);
}
