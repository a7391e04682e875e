/** The UpstreamResponses the Bedrock transport hands the pipeline: JSON answers, error answers (`{ "__type", "message" }`) and SSE bodies. */
import { tooLargeError } from '../../http/errors.ts';
import type { UpstreamResponse } from '../../http/types.ts';
import type { JsonObject } from '../../openai/types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON text of an SDK value, with byte fields (images, embeddings bodies) as base64 as on the wire. */
export function wireJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = key === '' ? v : this[key];
    return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') : v;
  });
}

/** A complete answer held in memory. */
export function textAnswer(status: number, headers: Readonly<Record<string, string>>, text: string): UpstreamResponse {
  const bytes = encoder.encode(text);
  return {
    status,
    headers,
    body: {
      async *[Symbol.asyncIterator]() {
        yield bytes;
      },
    },
    text: (maxBytes) => (bytes.length > maxBytes ? Promise.reject(tooLargeError(maxBytes)) : Promise.resolve(text)),
    cancel() {},
  };
}

/** A 200 JSON answer. */
export function jsonAnswer(text: string): UpstreamResponse {
  return textAnswer(200, { 'content-type': 'application/json' }, text);
}

/** An error answer for an exception, as Bedrock writes them (`x-amzn-errortype` and a JSON body). */
export function errorAnswer(status: number, body: JsonObject & { readonly __type: string }, requestId: string | null): UpstreamResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-errortype': body.__type };
  if (requestId) headers['x-amzn-requestid'] = requestId;
  return textAnswer(status, headers, JSON.stringify(body));
}

/** Reads a streamed body whole, up to `maxBytes`. */
export async function readAll(body: AsyncIterable<Uint8Array>, maxBytes: number, cancel: () => void): Promise<string> {
  let text = '';
  let size = 0;
  for await (const part of body) {
    size += part.length;
    if (size > maxBytes) {
      cancel();
      throw tooLargeError(maxBytes);
    }
    text += decoder.decode(part, { stream: true });
  }
  return text + decoder.decode();
}
