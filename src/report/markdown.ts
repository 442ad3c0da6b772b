import { forLog, stripControl } from './escape.js';

/**
 * GitHub Markdown that reads as well raw (plain-text notification e-mails, API consumers) as rendered.
 * The gate's own words are written as plain Markdown with backtick code spans. Text from the deployment
 * (or the pull request's config) goes into code spans sized to their content, or into prose with the
 * fewest backslash escapes that keep it inert: no HTML entities anywhere. Rules are GFM's (spec 0.29):
 * a code span's content is literal (no HTML, links, autolinks or @mentions), and a backslash before any
 * ASCII punctuation makes it literal everywhere else.
 */

const ZWSP = '\u200b';

/**
 * A code span whose backtick run is longer than any inside, so the content cannot close it early.
 * Newlines become spaces (a span is one line); a space pads content that starts or ends with a backtick.
 */
export function codeSpan(text: string): string {
  const body = forLog(text) || ' ';
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || /^ .* $/.test(body) ? ' ' : '';
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/**
 * Untrusted text in running prose: one line, inert, and still readable raw. Only what GFM would act on
 * is escaped: `*`, `~`, `[`, `$` (GitHub's math), a `_` that could start or end emphasis (not the one in ALLOWED_HOSTS),
 * `<` that could open a tag or autolink, `&` that could start an entity, backticks, backslashes before
 * punctuation, and block syntax at the start. @mentions, #123 references and autolinks (https://, www.)
 * are broken with an invisible zero-width space: GitHub links those after rendering, so a backslash
 * would not stop them.
 */
export function prose(text: string): string {
  const line = forLog(text);
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const before = line[i - 1] ?? ' ';
    const after = line[i + 1] ?? ' ';
    // `$`: GitHub renders `$…$` and `$$…$$` as LaTeX math, and a backslash keeps a dollar sign literal.
    if (c === '*' || c === '~' || c === '[' || c === '`' || c === '$') out += `\\${c}`;
    else if (c === '\\') out += /[!-/:-@[-`{-~]/.test(after) ? '\\\\' : '\\';
    else if (c === '_') out += isWordChar(before) && isWordChar(after) ? '_' : '\\_';
    else if (c === '<') out += /[A-Za-z/!?]/.test(after) ? '\\<' : '<';
    else if (c === '&') out += /^&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i.test(line.slice(i)) ? '\\&' : '&';
    else if (c === '@' && /[\w-]/.test(after)) out += `@${ZWSP}`;
    else if (c === '#' && /\d/.test(after)) out += `#${ZWSP}`;
    else if (c === ':' && line.startsWith('//', i + 1)) out += `:${ZWSP}`;
    else if ((c === 'w' || c === 'W') && /^www\./i.test(line.slice(i)) && !isWordChar(before)) {
      out += `${line.slice(i, i + 3)}${ZWSP}`;
      i += 2;
    } else out += c;
  }
  return escapeBlockStart(out);
}

/** Text that would start a block at the beginning of a line (heading, list, quote, rule): escape its mark. */
function escapeBlockStart(text: string): string {
  if (/^(#{1,6}|[-+*])(\s|$)|^[>|]|^(=+|-+)\s*$/.test(text)) return `\\${text}`;
  return text.replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

function isWordChar(c: string): boolean {
  return /[\p{L}\p{N}]/u.test(c);
}

/**
 * The gate's own sentences (fixes, headlines, config messages), which mark code with backticks: each
 * span becomes a code span, the rest stays prose. Values the gate filled into a sentence are made inert
 * too, since `prose` only touches what GFM would act on.
 */
export function own(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? codeSpan(part.slice(1, -1)) : prose(part)))
    .join('');
}

/**
 * Markdown for a table cell: `|` would end the cell even inside a code span, and GFM takes `\|` as a
 * literal pipe in both places; a cell is one line.
 */
export function cell(markdown: string): string {
  return markdown.replace(/\r?\n/g, ' ').replaceAll('|', '\\|');
}

/** A fenced code block whose fence is longer than any run of backticks inside, so it cannot be closed early. */
export function fenced(text: string, language = ''): string {
  const body = stripControl(text).replace(/\r\n?/g, '\n');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${body}${body.endsWith('\n') ? '' : '\n'}${fence}`;
}

/** A Markdown link, only for a plain http(s) URL; anything else is dropped rather than made live. */
export function markdownLink(label: string, url: string): string {
  return /^https?:\/\/[^\s()<>]+$/.test(url) ? `[${prose(label)}](${encodeURI(url)})` : '';
}
