/**
 * Refuses body patterns that can take exponential time (catastrophic backtracking): a quantified group
 * that itself contains a quantifier, such as `(a+)+`, `(\w*)*`, `(.*,){20}`. A rough structural check,
 * not a proof; patterns that slip through still run under a time limit (src/body-pattern.ts).
 */
export function catastrophicReason(pattern: string): string | undefined {
  // For each open group: does its content hold a quantifier?
  const stack: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++; // an escaped character is a literal, whatever it is
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      const innerQuantified = stack.pop() ?? false;
      const quantifier = repeatingQuantifier(pattern, i + 1);
      if (innerQuantified && quantifier) {
        return `the group ending at position ${i + 1} repeats (${quantifier}) and holds a repeat itself, which can take exponential time on some bodies; rewrite it without a repeat inside a repeat`;
      }
      if (stack.length && (innerQuantified || quantifier)) stack[stack.length - 1] = true;
    } else if (stack.length && repeatingQuantifier(pattern, i)) {
      stack[stack.length - 1] = true;
    }
  }
  return undefined;
}

/** `*`, `+` or `{n,}`/`{n,m}` with m > 1 at `index`: a quantifier that repeats. */
function repeatingQuantifier(pattern: string, index: number): string | undefined {
  const rest = pattern.slice(index);
  if (rest.startsWith('*') || rest.startsWith('+')) return rest[0];
  const braces = /^\{(\d+)(,(\d*))?\}/.exec(rest);
  if (braces && (braces[2] === ',' || (braces[3] !== undefined && Number(braces[3]) > 1) || Number(braces[1]) > 1)) {
    return braces[0];
  }
  return undefined;
}
