import { compilePattern, PATTERN_SYNTAX_HELP, PatternEngineNotLoaded } from '../body-pattern.js';
import type { BodyAssertion, ConfigIssue, RouteSpec, StatusExpectation } from './types.js';

/**
 * The route-line grammar of the contract: `[METHOD] PATH [STATUS] [contains "TEXT" | matches /REGEX/]`.
 * Returns the route or a message saying what is wrong and what is accepted.
 */
export const ROUTE_LINE_HELP =
  'a line like `[METHOD] /path [STATUS] [contains "TEXT" | matches /REGEX/]`, e.g. `/`, `/products/ 200`, ' +
  '`/api/items 200 contains "items"`, `POST /api/login 401`';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const REGEX_FLAGS = /^[imsu]*$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * A route line from the `routes` input or the config file: its route, or its problem added to `issues`
 * under `where` (`line 2 "…"`, `routes.yml:4`). The one place route lines become routes.
 */
export function readRouteLine(line: string, where: string, issues: ConfigIssue[]): RouteSpec | undefined {
  const parsed = parseRouteLine(line);
  if (parsed.ok) return parsed.value;
  issues.push({ input: 'routes', message: `${where}: ${parsed.message}` });
  return undefined;
}

export function parseRouteLine(line: string): Parsed<RouteSpec> {
  let rest = line.trim();
  const label = rest;
  let method = 'GET';
  const methodMatch = /^([A-Za-z]+)\s+(?=\/)/.exec(rest);
  if (methodMatch) {
    const word = methodMatch[1]!.toUpperCase();
    if (!(METHODS as readonly string[]).includes(word)) {
      return { ok: false, message: `unknown method "${methodMatch[1]}"; use one of ${METHODS.join(', ')}` };
    }
    method = word;
    rest = rest.slice(methodMatch[0].length);
  }
  const pathMatch = /^\S+/.exec(rest);
  if (!pathMatch || !pathMatch[0].startsWith('/')) {
    return { ok: false, message: `the path must start with "/"; expected ${ROUTE_LINE_HELP}` };
  }
  const path = pathMatch[0];
  if (path.startsWith('//')) {
    return { ok: false, message: 'the path must not start with "//" (that would name another host)' };
  }
  rest = rest.slice(path.length).trim();

  let expect: StatusExpectation | undefined;
  const statusMatch = /^([0-9x,\-]+)(?=\s|$)/i.exec(rest);
  if (statusMatch) {
    const parsed = parseStatusList(statusMatch[1]!);
    if (!parsed.ok) return parsed;
    expect = parsed.value;
    rest = rest.slice(statusMatch[0].length).trim();
  }

  let body: BodyAssertion | undefined;
  if (rest) {
    const parsed = parseBodyAssertion(rest);
    if (!parsed.ok) return parsed;
    body = parsed.value;
  }
  return { ok: true, value: { method, path, expect, body, headers: [], label } };
}

/** `200`, `2xx`, `200-299`, or a comma list of those (`200,302`). */
export function parseStatusList(text: string): Parsed<StatusExpectation> {
  const ranges: Array<readonly [number, number]> = [];
  for (const part of text.split(',')) {
    const item = part.trim().toLowerCase();
    let range: readonly [number, number] | undefined;
    if (/^[1-5]xx$/.test(item)) {
      const hundred = Number(item[0]) * 100;
      range = [hundred, hundred + 99];
    } else if (/^\d{3}$/.test(item)) {
      range = [Number(item), Number(item)];
    } else if (/^\d{3}-\d{3}$/.test(item)) {
      const [low, high] = item.split('-').map(Number) as [number, number];
      if (low <= high) range = [low, high];
    }
    if (!range || range[0] < 100 || range[1] > 599) {
      return {
        ok: false,
        message: `"${part}" is not a status; use 200, 2xx, 200-299, or a comma list such as 200,302`,
      };
    }
    ranges.push(range);
  }
  return { ok: true, value: { ranges, text } };
}

function parseBodyAssertion(text: string): Parsed<BodyAssertion> {
  const contains = /^contains\s+"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (contains) {
    const value = contains[1]!.replace(/\\(.)/g, '$1');
    if (!value) return { ok: false, message: 'contains "" matches every body; give some text' };
    return { ok: true, value: { kind: 'contains', text: value } };
  }
  const matches = /^matches\s+\/(.+)\/([a-z]*)$/.exec(text);
  if (matches) return compileBodyPattern(matches[1]!, matches[2]!);
  return {
    ok: false,
    message: `cannot read "${text}"; after the status use contains "TEXT" or matches /REGEX/`,
  };
}

/** Checks that a body pattern compiles with the accepted flags, before any request. */
export function compileBodyPattern(pattern: string, flags: string): Parsed<BodyAssertion> {
  if (!REGEX_FLAGS.test(flags)) {
    return { ok: false, message: `regex flags "${flags}" are not accepted; use any of i, m, s, u` };
  }
  try {
    compilePattern(pattern, flags);
  } catch (error) {
    if (error instanceof PatternEngineNotLoaded) throw error;
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    return { ok: false, message: `invalid regular expression /${pattern}/: ${reason}; ${PATTERN_SYNTAX_HELP}` };
  }
  return { ok: true, value: { kind: 'matches', pattern, flags } };
}

export function statusAccepted(expect: StatusExpectation, status: number): boolean {
  return expect.ranges.some(([low, high]) => status >= low && status <= high);
}

/** An explicit 3xx in the expectation means "check the redirect itself", so it is not followed. */
export function expectsRedirect(expect: StatusExpectation | undefined): boolean {
  return !!expect && expect.ranges.some(([low, high]) => low < 400 && high >= 300);
}
