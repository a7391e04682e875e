/** Writes a Fetch-API `Response` to Lambda's response stream: the HTTP prelude, then the body as it arrives. */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { merged } from '../merged.ts';

/** The prelude API Gateway reads before the body (status, headers, cookies). */
export interface ResponsePrelude {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: string[];
}

/** The prelude for `response`, with `extraHeaders` added (they win over the response's own). */
export function preludeOf(response: Response, extraHeaders: Readonly<Record<string, string>>): ResponsePrelude {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  return {
    statusCode: response.status,
    headers: merged(headers, extraHeaders),
    cookies: response.headers.getSetCookie(),
  };
}

/**
 * Streams `response` into `responseStream` and resolves when the stream has ended; rejects
 * when it was destroyed first (the client left).
 * Chunks are written as they arrive, respecting backpressure, so SSE reaches the client unbuffered.
 */
export async function writeResponse(
  responseStream: Writable,
  response: Response,
  extraHeaders: Readonly<Record<string, string>> = {},
): Promise<void> {
  const out = awslambda.HttpResponseStream.from(responseStream, { ...preludeOf(response, extraHeaders) });
  if (response.body) {
    try {
      for await (const chunk of response.body) {
        // A stream destroyed under us (the client left) takes no more writes and never drains.
        if (out.destroyed) break;
        if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
      }
    } catch (err) {
      // The body broke off: the client keeps what was written, and the answer is cut, not ended.
      out.destroy(err instanceof Error ? err : new Error('the response body failed'));
      throw err;
    }
  }
  out.end();
  await finished(out);
}
