import type { Observation } from '../http/observation.js';
import { FINGERPRINTS } from './catalogue/index.js';
import { matchFingerprint } from './catalogue/match.js';
import { STACK_NAMES, type Stack } from './catalogue/stacks.js';

/**
 * Which app stack answered, from what was seen: a signature of the stack's own page, or headers only that
 * stack sends. An absent header proves nothing (Next.js sends no `x-powered-by` on API routes), so only
 * headers that are present count. Two stacks seen in one run (a front end and an API behind one proxy)
 * decide nothing for the run; each answer may still show its own.
 */

export interface StackSeen {
  stack: Stack;
  /** What showed it, in words for the evidence. */
  why: string;
}

interface HeaderSign {
  stack: Stack;
  why: string;
  test: (h: Record<string, string>) => boolean;
}

const HEADER_SIGNS: readonly HeaderSign[] = [
  {
    stack: 'rails',
    why: 'headers x-runtime and x-request-id (Rails)',
    test: (h) => h['x-runtime'] !== undefined && h['x-request-id'] !== undefined,
  },
  {
    stack: 'rails',
    why: 'headers x-download-options and x-permitted-cross-domain-policies (Rails defaults)',
    test: (h) => h['x-download-options'] !== undefined && h['x-permitted-cross-domain-policies'] !== undefined,
  },
  { stack: 'nextjs', why: 'header x-powered-by: Next.js', test: (h) => /next\.js/i.test(h['x-powered-by'] ?? '') },
  {
    stack: 'nextjs',
    why: 'Next.js headers (x-nextjs-*, vary: next-router-state-tree)',
    test: (h) =>
      Object.keys(h).some((name) => name.startsWith('x-nextjs-')) || /next-router-state-tree/i.test(h['vary'] ?? ''),
  },
  { stack: 'express', why: 'header x-powered-by: Express', test: (h) => /^express$/i.test(h['x-powered-by'] ?? '') },
  { stack: 'flask', why: 'header server: Werkzeug (Flask)', test: (h) => /werkzeug/i.test(h['server'] ?? '') },
  { stack: 'starlette', why: 'header server: uvicorn', test: (h) => /^uvicorn/i.test(h['server'] ?? '') },
  {
    stack: 'tomcat',
    why: 'a JSESSIONID cookie (a Java servlet container)',
    test: (h) => /(^|[,\s])JSESSIONID=/.test(h['set-cookie'] ?? ''),
  },
];

/** The stack one answer shows, if any. */
export function stackOfAnswer(observation: Observation | undefined): StackSeen | undefined {
  if (!observation || observation.status === undefined || observation.error) return undefined;
  const row = matchFingerprint(observation, FINGERPRINTS)?.row;
  if (row?.stack) return { stack: row.stack, why: `${row.who}'s own answer (${row.id})` };
  const sign = HEADER_SIGNS.find((s) => s.test(observation.headers));
  if (sign) return { stack: sign.stack, why: sign.why };
  if (/["'(]\/_next\/static\//.test(observation.body)) return { stack: 'nextjs', why: 'the page loads /_next/static/' };
  return undefined;
}

/** The one stack a set of answers shows; none when they show none or several. */
export function stackOfAnswers(observations: ReadonlyArray<Observation | undefined>): StackSeen | undefined {
  const seen = observations.map(stackOfAnswer).filter((s): s is StackSeen => s !== undefined);
  const stacks = new Set(seen.map((s) => s.stack));
  return stacks.size === 1 ? seen[0] : undefined;
}

/** "Rails (puma), from headers x-runtime and x-request-id (Rails)", for the evidence. */
export function stackLine(seen: StackSeen, where: string): string {
  return `stack: ${STACK_NAMES[seen.stack]}, from ${seen.why} ${where}`;
}
