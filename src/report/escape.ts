/**
 * Everything that came from the deployment (bodies, header values, status texts, error strings) is
 * untrusted. These functions make it inert for the place it lands.
 */

// C0/C1 controls except tab and newline, plus bidi overrides and isolates (Trojan Source).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const ZWSP = '\u200b';

/** Drops control and bidi characters; keeps tab and newline. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** One log line: no control characters, no newlines (so nothing can start a `::command::` line). */
export function forLog(text: string): string {
  return stripControl(text).replace(/[\r\n\t]+/g, ' ');
}

/**
 * Inline text for Markdown and HTML (summary, comment, table cells): on one line, HTML-escaped, the
 * characters that make emphasis, code, links, tables and #123 references written as entities, and
 * @mentions and autolinks broken with a zero-width space so nobody is pinged and nothing becomes a link.
 * Block syntax (headings, lists, quotes) cannot start mid-line, so `-`, `.`, `>`-free text stays readable.
 */
export function inline(text: string): string {
  return entities(text)
    .replace(/@/g, `@${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`);
}

function entities(text: string): string {
  return forLog(text).replace(/[&<>"'`*_[\]|~\\#]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Text shown as code inline: `<code>` with the content made inert. */
export function code(text: string): string {
  return `<code>${inline(text)}</code>`;
}

/** A fenced code block whose fence is longer than any run of backticks inside, so it cannot be closed early. */
export function fenced(text: string, language = ''): string {
  const body = stripControl(text).replace(/\r\n?/g, '\n');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${body}${body.endsWith('\n') ? '' : '\n'}${fence}`;
}

/**
 * Our own sentences (fixes, headlines, config messages) with `code` spans: the spans kept as code, the
 * rest escaped. No zero-width spaces here: a reader copies `https://shop.example.com` from a fix.
 */
export function ownMarkdown(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) =>
      part.startsWith('`') && part.endsWith('`') && part.length > 1
        ? `<code>${entities(part.slice(1, -1))}</code>`
        : entities(part),
    )
    .join('');
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
