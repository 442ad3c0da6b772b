/**
 * Everything that came from the deployment (bodies, header values, status texts, error strings) is
 * untrusted. These functions make it inert for plain-text sinks (logs, annotations, the terminal);
 * markdown.ts does the same for the summary and the comment.
 */

// C0/C1 controls except tab and newline, plus bidi overrides and isolates (Trojan Source).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Drops control and bidi characters; keeps tab and newline. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** One log line: no control characters, no newlines (so nothing can start a `::command::` line). */
export function forLog(text: string): string {
  return stripControl(text).replace(/[\r\n\t]+/g, ' ');
}

/** Plain text without the Markdown backticks of our own messages (annotations, terminal). */
export function plain(text: string): string {
  return forLog(text.replaceAll('`', ''));
}

/** Cuts `text` to `max` characters, saying so. */
export function capped(text: string, max: number, note = '… (cut)'): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - note.length))}${note}`;
}
