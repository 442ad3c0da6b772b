import { createBrotliDecompress, createGunzip, createInflate, createZstdDecompress } from 'node:zlib';
import { Readable, type Transform } from 'node:stream';
import { gateError } from './errors.js';

/**
 * Reads at most `limit` decoded bytes of a response body, then stops (the connection is dropped rather
 * than the rest downloaded). The cap applies after decompression, so a small gzip bomb stays small. A
 * `stop` may end the read sooner: given each decoded chunk in turn, it answers where in it enough has been
 * read (a page's tag cap), or undefined to go on.
 */

export type BodyStop = (chunk: Buffer) => number | undefined;

/** More stacked codings than this is not a real server; refuse instead of decoding. */
const MAX_CODINGS = 2;

export interface BodyExcerpt {
  bytes: Buffer;
  truncated: boolean;
}

export async function readCappedBody(
  body: Readable,
  contentEncoding: string | undefined,
  limit: number,
  stop?: BodyStop,
): Promise<BodyExcerpt> {
  // undici's body emits an 'error' when destroyed early; without a listener that would end the process.
  // Errors that matter reach us through the listeners below.
  body.on('error', () => undefined);
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  if (codings.length > MAX_CODINGS) {
    body.destroy();
    throw gateError('GATE_BAD_ENCODING', `refused ${codings.length} stacked content codings (${codings.join(', ')})`);
  }
  let stream: Readable = body;
  const decoders: Transform[] = [];
  // Codings are listed in the order they were applied, so undo them from the last.
  for (const coding of codings.reverse()) {
    const decoder = decoderFor(coding);
    if (!decoder) break; // Unknown coding: keep the raw bytes; the excerpt shows what came.
    decoders.push(decoder);
    stream = stream.pipe(decoder);
  }
  // A broken source must fail the decoders too, or the read below would wait for data forever.
  body.on('error', (error) => decoders.forEach((d) => d.destroy(error)));

  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  // 'data' events rather than an async iterator: the same bytes, without a promise per chunk (it shows at
  // a thousand routes). Errors and a stream that closes without its end reject, as the iterator would.
  await new Promise<void>((resolve, reject) => {
    let ended = false;
    const onData = (chunk: Buffer) => {
      const room = Math.min(limit - size, stop?.(chunk) ?? Number.POSITIVE_INFINITY);
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        truncated = true;
        stream.off('data', onData);
        decoders.forEach((d) => d.destroy());
        body.destroy();
        ended = true;
        resolve();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    stream.on('data', onData);
    stream.once('end', () => {
      ended = true;
      resolve();
    });
    stream.once('error', (error) => {
      ended = true;
      reject(error);
    });
    stream.once('close', () => {
      if (!ended) reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  });
  return { bytes: Buffer.concat(chunks, size), truncated };
}

function decoderFor(coding: string): Transform | undefined {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    case 'zstd':
      return createZstdDecompress();
    default:
      return undefined;
  }
}

/** Text for humans and fingerprints: invalid UTF-8 becomes U+FFFD rather than failing. */
export function decodeText(bytes: Buffer): string {
  // One decoder for all: without `stream`, each decode() starts afresh.
  return utf8.decode(bytes);
}
const utf8 = new TextDecoder('utf-8', { fatal: false });
