/** Streaming decompression of response bodies by `content-encoding` (gzip, deflate, br) with node:zlib. */
import type { Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createUnzip } from 'node:zlib';

/** A content coding the client decodes. */
export type ContentCoding = 'gzip' | 'deflate' | 'br';

/**
 * Lenient flushing, as browsers and undici do: every input chunk yields what it decodes at
 * once (a compressed SSE stream is not held back), and a stream that ends without its final
 * block is not an error (the HTTP framing already says whether the body was complete).
 */
const ZLIB_OPTIONS = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS = { flush: constants.BROTLI_OPERATION_FLUSH, finishFlush: constants.BROTLI_OPERATION_FLUSH };

/**
 * The coding to undo for a response, or null to hand the bytes on as they are: no
 * `content-encoding`, `identity`, an unknown or stacked coding (the header then stays), or a
 * response without a body (204, 304, `content-length: 0`), which zlib would call truncated.
 */
export function contentCodingOf(
  status: number,
  encoding: string | undefined,
  contentLength: string | undefined,
): ContentCoding | null {
  if (encoding === undefined || status === 204 || status === 304 || contentLength === '0') return null;
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    default:
      return null;
  }
}

/**
 * A decompressing stream for `coding`. `deflate` accepts the zlib format RFC 9110 specifies
 * (and gzip, which some servers mislabel); raw deflate without the zlib header is refused.
 */
export function createDecoder(coding: ContentCoding): Transform {
  if (coding === 'gzip') return createGunzip(ZLIB_OPTIONS);
  if (coding === 'deflate') return createUnzip(ZLIB_OPTIONS);
  return createBrotliDecompress(BROTLI_OPTIONS);
}
