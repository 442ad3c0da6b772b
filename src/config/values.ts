import { isBlockedAddress } from '../http/addresses.js';
import { formatDuration, parseDuration, DURATION_HELP } from './duration.js';
import type { LatencyBudget } from './types.js';
import type { Parsed } from './route-line.js';
import { MAX_SHARDS } from './defaults.js';

/** Parsers for single setting values. Each returns the value or a message naming what is accepted. */

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * What a header value may not hold: RFC 9110 field-value is visible ASCII, space and tab, plus obs-text
 * (0x80–0xFF), which is refused too: undici would send it as Latin-1 bytes, never as the UTF-8 the
 * user typed, and anything beyond 0xFF it refuses per request.
 */
const FIELD_VALUE_REFUSED = /[^\t\x20-\x7e]/;
/** Headers the HTTP client owns; letting users set them would break framing or the Host check. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te']);

export function parseBoolean(text: string): Parsed<boolean> {
  // YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them.
  if (['true', 'True', 'TRUE'].includes(text)) return { ok: true, value: true };
  if (['false', 'False', 'FALSE'].includes(text)) return { ok: true, value: false };
  return { ok: false, message: `"${text}" is not a boolean; use true or false` };
}

export function parseBoundedDuration(text: string, minMs: number, maxMs: number, range: string): Parsed<number> {
  const ms = parseDuration(text);
  if (ms === undefined) return { ok: false, message: `"${text}" is not ${DURATION_HELP}` };
  if (ms < minMs || ms > maxMs) return { ok: false, message: `${text} is out of range; use ${range}` };
  return { ok: true, value: ms };
}

export function parseCount(text: string, min: number, max: number): Parsed<number> {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    return { ok: false, message: `"${text}" is not accepted; use a whole number from ${min} to ${max}` };
  }
  return { ok: true, value: Number(text) };
}

/**
 * A base URL: http or https, no credentials. A URL with credentials is refused without repeating it,
 * since the text itself is the secret.
 */
export function parseBaseUrl(text: string): Parsed<URL> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return {
      ok: false,
      message: 'is not a URL; use an absolute http:// or https:// URL such as https://shop.example.com',
    };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      message:
        'must not carry credentials (user:password@); send them with `headers` instead (values there are masked)',
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `scheme "${url.protocol.replace(':', '')}" is not accepted; use http or https` };
  }
  if (isBlockedAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
    return {
      ok: false,
      message: `${url.hostname} is a link-local or cloud-metadata address; the gate never contacts those`,
    };
  }
  if (url.hash) url.hash = '';
  return { ok: true, value: url };
}

/** The health endpoint: a path starting with `/`, or an absolute http(s) URL. */
export function parseHealthPath(text: string): Parsed<string> {
  const value = text.trim();
  if (value.startsWith('/') && !value.startsWith('//') && !/\s/.test(value)) return { ok: true, value };
  if (/^https?:\/\//i.test(value)) {
    const url = parseBaseUrl(value);
    return url.ok ? { ok: true, value: url.value.href } : url;
  }
  return { ok: false, message: `"${value}" is not accepted; use a path such as /health or an absolute http(s) URL` };
}

/** One `Name: value` header line. The value is a secret, so messages never repeat it. */
export function parseHeaderLine(line: string): Parsed<readonly [string, string]> {
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon).trim() : '';
  if (!name || !HEADER_NAME.test(name)) {
    const shown = HEADER_NAME.test(name) ? name : 'a line';
    return { ok: false, message: `${shown} is not a "Name: value" header line (the value is not shown)` };
  }
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    return { ok: false, message: `header ${name} is set by the HTTP client and cannot be configured` };
  }
  const value = line.slice(colon + 1).trim();
  const bad = FIELD_VALUE_REFUSED.exec(value);
  if (bad) {
    const what = bad[0] < ' ' || bad[0] === '\x7f' ? 'a control character' : 'a non-ASCII character';
    return {
      ok: false,
      message:
        `header ${name} has ${what} at position ${bad.index + 1} of its value (the value is not shown); ` +
        'a header value may hold visible ASCII characters, spaces and tabs only (RFC 9110 field-value)',
    };
  }
  return { ok: true, value: [name, value] };
}

/** `K/N`: this job checks the K-th of N shares of the routes and targets (an Actions matrix). */
export function parseShard(text: string): Parsed<{ index: number; count: number }> {
  const match = /^\s*(\d{1,3})\s*\/\s*(\d{1,3})\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    return {
      ok: false,
      message: `"${text}" is not accepted; use K/N with 1 ≤ K ≤ N ≤ ${MAX_SHARDS}, e.g. \${{ matrix.shard }}/4 with shard: [1, 2, 3, 4]`,
    };
  }
  return { ok: true, value: { index, count } };
}

/** Lines of a multi-line input: trimmed, blanks and `#` comments dropped. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The values of `Name: value` header lines: the secrets to mask before anything is printed. */
export function headerValues(text: string): string[] {
  return lines(text)
    .map((line) => line.slice(line.indexOf(':') + 1).trim())
    .filter(Boolean);
}

const PERCENT_BUDGET = /^\+?\s*(\d+(?:\.\d+)?)\s*%$/;

/**
 * `latency-budget`: `+50%` (slower by more than half) or `+300ms` (by more than 300 ms; any duration).
 * The `+` is optional; a budget must be positive, since "any slower at all" would call noise a regression.
 */
export function parseLatencyBudget(text: string): Parsed<LatencyBudget> {
  const value = text.trim();
  const help = 'use a percentage such as +50% (5 to 1000) or a duration such as +300ms (10ms to 60s)';
  const percent = PERCENT_BUDGET.exec(value);
  if (percent) {
    const amount = Number(percent[1]);
    if (amount < 5 || amount > 1000) return { ok: false, message: `${value} is out of range; ${help}` };
    return { ok: true, value: { kind: 'percent', percent: amount, text: `+${amount}%` } };
  }
  const ms = parseDuration(value.replace(/^\+\s*/, ''));
  if (ms === undefined) return { ok: false, message: `"${value}" is not a latency budget; ${help}` };
  if (ms < 10 || ms > 60_000) return { ok: false, message: `${value} is out of range; ${help}` };
  return { ok: true, value: { kind: 'ms', ms, text: `+${formatDuration(ms)}` } };
}

/**
 * `baseline-headers`: `false` (the default: nothing configured is sent to the baseline), `true` (the same
 * `headers`, and the routes' own headers, go to the baseline's origin too), or `Name: value` lines sent to
 * the baseline only. Values are secrets: messages never repeat them.
 */
export function parseBaselineHeaders(text: string): Parsed<'same' | Array<readonly [string, string]>> {
  const value = text.trim();
  const flag = parseBoolean(value);
  if (flag.ok) return { ok: true, value: flag.value ? 'same' : [] };
  const headers: Array<readonly [string, string]> = [];
  for (const [index, line] of lines(value).entries()) {
    const parsed = parseHeaderLine(line);
    if (!parsed.ok) return { ok: false, message: `line ${index + 1}: ${parsed.message}; or use true or false` };
    headers.push(parsed.value);
  }
  return { ok: true, value: headers };
}

/** The secrets in a `baseline-headers` value: none when it is `true`/`false`. */
export function baselineHeaderValues(text: string): string[] {
  return parseBoolean(text.trim()).ok ? [] : headerValues(text);
}
