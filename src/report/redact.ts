import type { Report } from './report.js';

/**
 * Secrets (configured header values) removed from every string of a report, in the forms a server
 * might echo them back: as sent, URL-encoded and base64. Runs once, before any renderer, so no sink
 * (log, summary, annotation, comment, JSON) can leak what a deployment echoed.
 */

export const REDACTED = '***';
/** Shorter values would redact ordinary words; they are still never logged by us. */
const MIN_SECRET_LENGTH = 4;

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
  }
  // Longest first, so a value is not half-replaced by one of its own parts.
  return [...forms].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, forms: readonly string[]): string {
  let result = text;
  for (const form of forms) result = result.split(form).join(REDACTED);
  return result;
}

export function redactReport(report: Report, secrets: readonly string[]): Report {
  const forms = secretForms(secrets);
  if (forms.length === 0) return report;
  return walk(report, forms) as Report;
}

function walk(value: unknown, forms: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, forms);
  if (Array.isArray(value)) return value.map((item) => walk(item, forms));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactText(key, forms), walk(item, forms)]));
  }
  return value;
}
