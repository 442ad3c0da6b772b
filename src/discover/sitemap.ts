import { createGunzip } from 'node:zlib';
import { SaxesParser } from 'saxes';
import { MAX_URL_CHARS } from './bounds.js';

/**
 * One sitemap file (XML, or gzip of XML) read as a stream: `<urlset>` entries or `<sitemapindex>`
 * children, each `<loc>` once. saxes is a conformant streaming parser that never expands entities
 * beyond XML's five; a sitemap has no use for a DOCTYPE, so one is refused outright, which also keeps
 * entity declarations (the "billion laughs" bomb) from being looked at at all. Gzip is inflated
 * chunk by chunk with a cap on the inflated size, so a small bomb stays small.
 */

export interface SitemapRead {
  kind: 'urlset' | 'index';
  locs: string[];
  /** The first problem, in words: what was refused or cut (the locs read before it are kept). */
  problem?: string;
  /** Bytes of XML read (after inflating). */
  xmlBytes: number;
}

export interface SitemapLimits {
  /** Most XML bytes read, after inflating. */
  maxXmlBytes: number;
  /** Most `<loc>` entries taken from this file. */
  maxEntries: number;
}

const HTML_START = /^\uFEFF?\s*(<!doctype\s+html|<html[\s>])/i;
const GZIP_MAGIC = [0x1f, 0x8b];
const CHUNK = 64 * 1024;

export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

export async function readSitemap(bytes: Buffer, limits: SitemapLimits): Promise<SitemapRead> {
  const reader = new LocReader(limits);
  if (isGzip(bytes)) await inflateInto(bytes, reader, limits.maxXmlBytes);
  else for (let at = 0; at < bytes.length && !reader.stopped; at += CHUNK) reader.write(bytes.subarray(at, at + CHUNK));
  return reader.finish();
}

/** Inflates `bytes` into the reader, stopping at `maxBytes` of output (a gzip bomb is refused there). */
async function inflateInto(bytes: Buffer, reader: LocReader, maxBytes: number): Promise<void> {
  const gunzip = createGunzip();
  // Fed in small pieces so the output is seen (and can be stopped) as it grows.
  const feed = async () => {
    for (let at = 0; at < bytes.length && !gunzip.destroyed; at += CHUNK) {
      if (!gunzip.write(bytes.subarray(at, at + CHUNK))) await new Promise((r) => gunzip.once('drain', r));
    }
    gunzip.end();
  };
  let inflated = 0;
  const fed = feed().catch(() => undefined);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      if (inflated > maxBytes) {
        reader.fail(
          `refused: it inflates to more than ${mib(maxBytes)} (a gzip bomb, or a sitemap over the cap); the entries before the cap are kept`,
        );
        break;
      }
      reader.write(chunk);
      if (reader.stopped) break;
    }
  } catch (error) {
    reader.fail(`the gzip stream is broken (${(error as Error).message}); the entries before it are kept`);
  } finally {
    gunzip.destroy();
    await fed;
  }
}

/** Collects `<loc>` texts of `<url>` or `<sitemap>` elements from a stream of XML bytes. */
class LocReader {
  private readonly parser = new SaxesParser({ position: false });
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private readonly locs: string[] = [];
  private kind: SitemapRead['kind'] | undefined;
  private problem: string | undefined;
  private depth = 0;
  private inLoc = false;
  private loc = '';
  private xmlBytes = 0;
  stopped = false;

  constructor(private readonly limits: SitemapLimits) {
    const { parser } = this;
    parser.on('doctype', () =>
      this.fail('refused: it declares a DOCTYPE, which a sitemap never needs (its entities are not expanded)'),
    );
    parser.on('opentag', (tag) => {
      if (this.stopped) return;
      this.depth++;
      const name = localName(tag.name);
      if (this.depth === 1) {
        if (name === 'urlset') this.kind = 'urlset';
        else if (name === 'sitemapindex') this.kind = 'index';
        else this.fail(`not a sitemap: its root element is <${name.slice(0, 40)}>, not <urlset> or <sitemapindex>`);
      } else if (this.depth === 3 && name === 'loc') {
        this.inLoc = true;
        this.loc = '';
      }
    });
    const text = (t: string) => {
      if (this.inLoc && this.loc.length <= MAX_URL_CHARS) this.loc += t;
    };
    parser.on('text', text);
    parser.on('cdata', text);
    parser.on('closetag', () => {
      if (this.stopped) return;
      if (this.inLoc && this.depth === 3) {
        this.inLoc = false;
        const loc = this.loc.trim();
        // Longer than the protocol allows: not an entry (and not kept in memory).
        if (loc && loc.length <= MAX_URL_CHARS) this.locs.push(loc);
        if (this.locs.length >= this.limits.maxEntries) {
          this.problem ??= `cut at ${this.limits.maxEntries} entries (the run's cap); the rest were not read`;
          this.stopped = true;
        }
      }
      this.depth--;
    });
    parser.on('error', (error) => this.fail(`not well-formed XML: ${firstLine(error.message)}`));
  }

  write(chunk: Buffer): void {
    if (this.stopped) return;
    this.xmlBytes += chunk.length;
    if (this.xmlBytes > this.limits.maxXmlBytes) {
      this.fail(`cut at ${mib(this.limits.maxXmlBytes)} of XML (the cap); the entries before it are kept`);
      return;
    }
    const text = this.decoder.decode(chunk, { stream: true });
    if (this.xmlBytes === chunk.length && HTML_START.test(text)) {
      this.fail('not a sitemap: an HTML page (often an app answering every unknown path with its index page)');
      return;
    }
    try {
      this.parser.write(text);
    } catch (error) {
      this.fail(`not well-formed XML: ${firstLine((error as Error).message)}`);
    }
  }

  fail(problem: string): void {
    this.problem ??= problem;
    this.stopped = true;
  }

  finish(): SitemapRead {
    if (!this.stopped) {
      try {
        this.parser.write(this.decoder.decode()).close();
      } catch (error) {
        this.problem ??= `not well-formed XML: ${firstLine((error as Error).message)}`;
      }
    }
    if (!this.kind && !this.problem) this.problem = 'not a sitemap: no <urlset> or <sitemapindex> element';
    return {
      kind: this.kind ?? 'urlset',
      locs: this.locs,
      xmlBytes: Math.min(this.xmlBytes, this.limits.maxXmlBytes),
      ...(this.problem ? { problem: this.problem } : {}),
    };
  }
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}

export function mib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
    : `${Math.round(bytes / 1024)} KiB`;
}
