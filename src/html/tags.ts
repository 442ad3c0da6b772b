/**
 * Counting tags without the HTML parser: how a page is cut to the tags the parser may read, both on the
 * decoded page (headOfTags) and on its bytes as they arrive (tagCap), by one rule. A tag here is a `<`
 * followed by a letter, `!`, `/` or `?`: a start or end tag, a comment, a doctype or a bogus comment.
 */

const LT = 0x3c;

function startsTag(code: number | undefined): boolean {
  if (code === undefined) return false;
  return (
    (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x21 || code === 0x2f || code === 0x3f
  );
}

/**
 * The page up to its `limit`-th tag: what is handed to the parser. A hostile page (a megabyte of unclosed
 * `<b>`) grows parse5's tree to hundreds of MB; a page a person reads has far fewer tags than this.
 */
export function headOfTags(page: string, limit: number): string {
  let count = 0;
  for (let at = page.indexOf('<'); at !== -1; at = page.indexOf('<', at + 1)) {
    if (startsTag(page.charCodeAt(at + 1)) && ++count > limit) return page.slice(0, at);
  }
  return page;
}

/**
 * The same cut made on a body as it is read, chunk by chunk: answers where in a chunk the page's
 * `limit`+1-th tag starts (the read ends there), or undefined to read on. Past the tags the parser reads,
 * the rest of a page is never downloaded, decoded or kept. Bytes work as characters here: in UTF-8 every
 * byte of a multi-byte character is ≥ 0x80, so `<` and ASCII never occur inside one.
 */
export function tagCap(limit: number): (chunk: Uint8Array) => number | undefined {
  let count = 0;
  // A `<` that ended the previous chunk: whether it starts a tag depends on this chunk's first byte.
  let pending = false;
  return (chunk) => {
    if (pending) {
      pending = false;
      // The cut falls just before a `<` already kept: end before this chunk (a lone `<` at the end is text).
      if (startsTag(chunk[0]) && ++count > limit) return 0;
    }
    for (let at = chunk.indexOf(LT); at !== -1; at = chunk.indexOf(LT, at + 1)) {
      if (at + 1 === chunk.length) {
        pending = true;
        break;
      }
      if (startsTag(chunk[at + 1]) && ++count > limit) return at;
    }
    return undefined;
  };
}
