import type { Report } from './report.js';
import { stripControl } from './escape.js';

/**
 * Secrets (configured header values, the GitHub token) removed from every string of a report, in the
 * forms a server might echo them back: as sent, URL-encoded and base64. Runs before any renderer, and
 * again on what each sink finally writes, because the sinks transform text: a secret echoed with a
 * control byte inside becomes the plain secret once the control byte is stripped, so matching here is
 * done on the text as the sinks will show it too. A secret cut by a length limit is still a secret: at
 * a cut edge (the end of a kept body, the `…` of an excerpt) a long enough prefix of it is removed.
 */

export const REDACTED = '***';
/** Shorter values would redact ordinary words; they are still never logged by us. */
const MIN_SECRET_LENGTH = 4;
/** A cut-off piece of a secret this long is treated as the secret. */
const MIN_EDGE_PIECE = 4;
const CUT_MARK = '…';

export function secretForms(values: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    forms.add(value);
    forms.add(encodeURIComponent(value));
    forms.add(Buffer.from(value).toString('base64'));
    // `Bearer xyz` / `Basic xyz`: the credential alone is the secret too.
    const token = /^\w+\s+(\S{4,})$/.exec(value)?.[1];
    if (token) forms.add(token);
    // Echoed inside a JSON string or an HTML page: escaped the ways servers escape (`\"`, `\/`, `&quot;` …).
    for (const escaped of escapedForms(value)) forms.add(escaped);
  }
  // Longest first, so a value is not half-replaced by one of its own parts.
  return [...forms].sort((a, b) => b.length - a.length);
}

function escapedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const html = (quote: string, apostrophe: string) =>
    value
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', quote)
      .replaceAll("'", apostrophe);
  return [
    json,
    json.replaceAll('/', '\\/'),
    html('&quot;', '&#39;'),
    html('&#34;', '&#39;'),
    html('&quot;', '&#x27;'),
    html('&#34;', '&#x27;'),
    html('"', "'"),
  ].filter((form) => form !== value);
}

function replaceForms(text: string, forms: readonly string[]): string {
  let result = text;
  for (const form of forms) if (result.includes(form)) result = result.split(form).join(REDACTED);
  return result;
}

/** `text` without any form of a secret, also once control characters are dropped or whitespace joined. */
export function redactText(text: string, forms: readonly string[], endIsCut = false): string {
  if (forms.length === 0) return text;
  let result = replaceForms(text, forms);
  const stripped = stripControl(result);
  if (stripped !== result && replaceForms(stripped, forms) !== stripped) result = replaceForms(stripped, forms);
  const joined = result.replace(/[\r\n\t]+/g, ' ');
  if (joined !== result && replaceForms(joined, forms) !== joined) result = replaceForms(joined, forms);
  return redactCutEdges(result, forms, endIsCut);
}

/** Before every `…` (and at the end, when the text was cut there): a secret's prefix goes too. */
function redactCutEdges(text: string, forms: readonly string[], endIsCut: boolean): string {
  if (!endIsCut && !text.includes(CUT_MARK)) return text;
  const pieces = text.split(CUT_MARK);
  return pieces
    .map((piece, index) => (index < pieces.length - 1 || endIsCut ? withoutTrailingPrefix(piece, forms) : piece))
    .join(CUT_MARK);
}

function withoutTrailingPrefix(text: string, forms: readonly string[]): string {
  let longest = 0;
  for (const form of forms) {
    for (let length = Math.min(form.length - 1, text.length); length >= MIN_EDGE_PIECE; length--) {
      if (length > longest && text.endsWith(form.slice(0, length))) longest = length;
    }
  }
  return longest ? text.slice(0, text.length - longest) + REDACTED : text;
}

/** A function that redacts whatever secrets `secrets` holds when it is called (the list may grow). */
export function redactorFor(secrets: readonly string[]): (text: string) => string {
  let cachedFor = -1;
  let forms: string[] = [];
  return (text) => {
    if (cachedFor !== secrets.length) {
      forms = secretForms(secrets);
      cachedFor = secrets.length;
    }
    return redactText(text, forms);
  };
}

export function redactReport(report: Report, secrets: readonly string[]): Report {
  const forms = secretForms(secrets);
  if (forms.length === 0) return report;
  return walk(report, forms, '') as Report;
}

function walk(value: unknown, forms: readonly string[], key: string): unknown {
  // Kept bodies and a sample's signature (a body's first 200 characters) are cut at a length limit
  // before this runs: their end is a cut edge.
  if (typeof value === 'string') return redactText(value, forms, key === 'body' || key === 'signature');
  if (Array.isArray(value)) return value.map((item) => walk(item, forms, ''));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [redactText(name, forms), walk(item, forms, name)]),
    );
  }
  return value;
}
