/**
 * Responses whose bodies adapters can write without web streams. They are real Fetch
 * `Response`s (tests and the Lambda adapter read them as usual), but they keep their body
 * as text or as a source of text pieces and build a `ReadableStream` only when someone
 * asks for `body`: on Node 20 each web stream costs several microseconds to create and
 * every chunk read through it a promise, which the Node adapter skips.
 *
 * They are instances of one subclass of `Response`, with the body in ordinary fields: nothing
 * per answer is attached from outside. Two earlier shapes kept every answer's whole request
 * alive through V8's young-generation collections, so it was promoted to the old generation
 * and freed only by a full collection (under load: a MiB and more promoted per scavenge,
 * more CPU and, with the spread literals of runtime/merged.ts, ~25 MiB of peak RSS):
 * - a module-level WeakMap from response to body: the scavenger treats the values of an old
 *   WeakMap as live;
 * - getters defined on each instance (`Object.defineProperties`): every instance got its own
 *   hidden class, whose descriptors (in the old generation) held the getter's closure and,
 *   through it, the body source, the relay and the upstream call.
 * @module
 */
import { readAll, toReadableStream, type PieceSource } from '../stream/pieces.ts';

const encoder = new TextEncoder();

/** A response whose body is held as text or as a source of pieces until someone asks for `body`. */
class LazyResponse extends Response {
  /** The web stream over the body, once `body` was read. */
  lazyStream: ReadableStream<Uint8Array> | null = null;

  constructor(
    init: ResponseInit,
    readonly lazyText: string | undefined,
    readonly lazyPieces: PieceSource | undefined,
  ) {
    super(null, init);
  }
}

function textStream(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(text));
      controller.close();
    },
  });
}

function read(r: LazyResponse): Promise<string> {
  return r.lazyText !== undefined ? Promise.resolve(r.lazyText) : readAll(r.lazyPieces!);
}

// Set once on the prototype, shadowing Response.prototype's. (The types declare these members
// as fields, so the class body cannot declare them as a getter and methods.)
Object.defineProperties(LazyResponse.prototype, {
  body: {
    get(this: LazyResponse): ReadableStream<Uint8Array> {
      return (this.lazyStream ??= this.lazyText !== undefined ? textStream(this.lazyText) : toReadableStream(this.lazyPieces!));
    },
  },
  text: {
    value(this: LazyResponse): Promise<string> {
      return read(this);
    },
  },
  json: {
    async value(this: LazyResponse): Promise<unknown> {
      return JSON.parse(await read(this)) as unknown;
    },
  },
  arrayBuffer: {
    async value(this: LazyResponse): Promise<ArrayBuffer> {
      return encoder.encode(await read(this)).buffer;
    },
  },
});

/** A response with a text body (JSON answers and errors). */
export function textResponse(text: string, init: ResponseInit): Response {
  return new LazyResponse(init, text, undefined);
}

/** A response streamed as text pieces (SSE). Its body is read once: through `piecesOf`, `body` or `text()`. */
export function streamResponse(pieces: PieceSource, init: ResponseInit): Response {
  return new LazyResponse(init, undefined, pieces);
}

/** The text body of a response made by `textResponse`, else undefined. */
export function textOf(r: Response): string | undefined {
  return r instanceof LazyResponse ? r.lazyText : undefined;
}

/** The text pieces of a response made by `streamResponse`, else undefined. */
export function piecesOf(r: Response): PieceSource | undefined {
  return r instanceof LazyResponse ? r.lazyPieces : undefined;
}
