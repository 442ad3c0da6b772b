/**
 * Everything that came from the deployment (bodies, header values, status texts, error strings) is
 * untrusted. These functions make it inert for plain-text sinks (logs, annotations, the terminal);
 * markdown.ts does the same for the summary and the comment.
 */

const ZWSP = '\u200b';

// C0/C1 controls except tab and newline, plus bidi overrides and isolates (Trojan Source).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Drops control and bidi characters; keeps tab and newline. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/**
 * One log line: no control characters, no newlines (so nothing can start a `::command::` line), and no
 * workflow command anywhere in it: the runner still executes the legacy `##[command]` form wherever it
 * appears in a line (`##[stop-commands]` would silence the gate's own `::error`), so `##[` and `::` are
 * broken with an invisible zero-width space. Nothing this inserts can form either sequence again.
 */
export function forLog(text: string): string {
  return stripControl(text)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/#(?=#\[)/g, `#${ZWSP}`)
    .replace(/:(?=:)/g, `:${ZWSP}`);
}

/**
 * An output a workflow may print (`summary`): one log line as `forLog` makes it, and inert where the
 * runner pastes `${{ steps.gate.outputs.summary }}` into a script as text before bash runs: the quote,
 * dollar, backtick and backslash characters that end or act inside '…' and "…" become look-alikes that
 * read the same (’ “ ” ＄ ˋ ∖). The README's recipes pass outputs through `env:` anyway.
 */
export function forWorkflowOutput(text: string): string {
  return forLog(text)
    .replace(/(^|[\s([])"/g, '$1“')
    .replaceAll('"', '”')
    .replaceAll("'", '’')
    .replaceAll('$', '＄')
    .replaceAll('`', 'ˋ')
    .replaceAll('\\', '∖');
}

/** A URL for an output: the same address, with the characters a shell acts on percent-encoded. */
export function urlForWorkflowOutput(url: string): string {
  return forLog(url).replace(/[$`'"\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Plain text without the Markdown backticks of our own messages (annotations, terminal). */
export function plain(text: string): string {
  return forLog(text.replaceAll('`', ''));
}

/** GitHub's limits count UTF-8 bytes, not characters: one emoji is 4 bytes, one `€` is 3. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest start of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
export function headWithinBytes(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  if (utf8Bytes(text) <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back to the start of a character
  return bytes.subarray(0, end).toString('utf8');
}

/** Cuts `text` to `maxBytes` of UTF-8, saying so. */
export function capped(text: string, maxBytes: number, note = '… (cut)'): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  return `${headWithinBytes(text, maxBytes - utf8Bytes(note))}${note}`;
}
