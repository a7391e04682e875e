/**
 * Responses whose bodies adapters can write without web streams. They are real Fetch
 * `Response`s (tests and the Lambda adapter read them as usual), but they keep their body
 * as text or as a source of text pieces and build a `ReadableStream` only when someone
 * asks for `body`: on Node 20 each web stream costs several microseconds to create and
 * every chunk read through it a promise, which the Node adapter skips.
 * @module
 */
import { readAll, toReadableStream, type PieceSource } from '../stream/pieces.ts';

const encoder = new TextEncoder();
const texts = new WeakMap<Response, string>();
const sources = new WeakMap<Response, PieceSource>();

function lazyBody(r: Response, make: () => ReadableStream<Uint8Array>, read: () => Promise<string>): Response {
  let stream: ReadableStream<Uint8Array> | null = null;
  // Own properties shadow Response.prototype's: the body exists only once asked for.
  Object.defineProperties(r, {
    body: { get: () => (stream ??= make()) },
    text: { value: read },
    json: { value: async () => JSON.parse(await read()) as unknown },
    arrayBuffer: { value: async () => encoder.encode(await read()).buffer },
  });
  return r;
}

/** A response with a text body (JSON answers and errors). */
export function textResponse(text: string, init: ResponseInit): Response {
  const r = new Response(null, init);
  texts.set(r, text);
  const make = (): ReadableStream<Uint8Array> =>
    new ReadableStream({
      start(controller) {
        controller.enqueue(encoder.encode(text));
        controller.close();
      },
    });
  return lazyBody(r, make, () => Promise.resolve(text));
}

/** A response streamed as text pieces (SSE). Its body is read once: through `piecesOf`, `body` or `text()`. */
export function streamResponse(pieces: PieceSource, init: ResponseInit): Response {
  const r = new Response(null, init);
  sources.set(r, pieces);
  return lazyBody(r, () => toReadableStream(pieces), () => readAll(pieces));
}

/** The text body of a response made by `textResponse`, else undefined. */
export function textOf(r: Response): string | undefined {
  return texts.get(r);
}

/** The text pieces of a response made by `streamResponse`, else undefined. */
export function piecesOf(r: Response): PieceSource | undefined {
  return sources.get(r);
}
