/**
 * Responses whose bodies adapters can write without web streams. They are Fetch `Response`s
 * (tests and the Lambda adapter read them as usual), but they keep their body as text or as
 * a source of text pieces and build a `ReadableStream` only when someone asks for `body`: on
 * Node 20 each web stream costs several microseconds to create and every chunk read through
 * it a promise, which the Node adapter skips. Their headers are a plain record behind the
 * Fetch `Headers` interface (./response-headers.ts), which the Node adapter writes as it is.
 *
 * They are instances of one class, with the body in ordinary fields: nothing per answer is
 * attached from outside. Two earlier shapes kept every answer's whole request
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
import { ResponseHeaders, type HeaderInit } from './response-headers.ts';

const encoder = new TextEncoder();

function textStream(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(encoder.encode(text));
      controller.close();
    },
  });
}

/** Reads a web stream of UTF-8 bytes to its end. */
async function streamText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let out = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out + decoder.decode();
    out += decoder.decode(value, { stream: true });
  }
}

/** What the gateway's responses are made with: a status and headers (no statusText). */
export interface LazyInit {
  readonly status?: number;
  readonly headers?: HeaderInit;
}

/**
 * A Fetch `Response` whose body is held as text or as a source of pieces until someone asks
 * for `body`. It implements the Response interface itself rather than extending undici's
 * class: no undici object per answer, and a process that only serves answers never loads undici.
 */
class LazyResponse implements Response {
  readonly headers: ResponseHeaders;
  readonly status: number;
  readonly statusText = '';
  readonly type = 'default' as const;
  readonly url = '';
  readonly redirected = false;
  /** The web stream over the body, once `body` was read. */
  private lazyStream: ReadableStream<Uint8Array> | null = null;
  private used = false;

  constructor(
    init: LazyInit,
    readonly lazyText: string | undefined,
    readonly lazyPieces: PieceSource | undefined,
  ) {
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`status ${status} is outside 200-599`);
    this.status = status;
    this.headers = new ResponseHeaders(init.headers);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get body(): ReadableStream<Uint8Array> {
    return (this.lazyStream ??= this.lazyText !== undefined ? textStream(this.lazyText) : toReadableStream(this.lazyPieces!));
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  /** The whole body once (Fetch: a body is consumed by the first read of it). */
  private consume(): Promise<string> {
    if (this.used || this.lazyStream?.locked) return Promise.reject(new TypeError('Body is unusable: it has already been read'));
    this.used = true;
    if (this.lazyStream !== null) return streamText(this.lazyStream);
    return this.lazyText !== undefined ? Promise.resolve(this.lazyText) : readAll(this.lazyPieces!);
  }

  text(): Promise<string> {
    return this.consume();
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.consume()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return encoder.encode(await this.consume()).buffer as ArrayBuffer;
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.consume()], { type: this.headers.get('content-type') ?? '' });
  }

  /** Rare enough to hand to undici, which knows multipart. */
  async formData(): Promise<FormData> {
    const text = await this.consume();
    return new Response(text, { status: this.status, headers: this.headers.record }).formData();
  }

  clone(): Response {
    if (this.used || this.lazyStream?.locked) throw new TypeError('Body is unusable: it has already been read');
    const init = { status: this.status, headers: this.headers };
    if (this.lazyText !== undefined && this.lazyStream === null) return new LazyResponse(init, this.lazyText, undefined);
    const [mine, theirs] = this.body.tee();
    this.lazyStream = mine;
    return new Response(theirs, { status: this.status, headers: [...this.headers] });
  }
}

/** A response with a text body (JSON answers and errors). */
export function textResponse(text: string, init: LazyInit): Response {
  return new LazyResponse(init, text, undefined);
}

/** A response streamed as text pieces (SSE). Its body is read once: through `piecesOf`, `body` or `text()`. */
export function streamResponse(pieces: PieceSource, init: LazyInit): Response {
  return new LazyResponse(init, undefined, pieces);
}

/** The text body of a response made by `textResponse`, else undefined. */
export function textOf(r: Response): string | undefined {
  return r instanceof LazyResponse ? r.lazyText : undefined;
}

/** The headers of a response made here as a record for `writeHead` (no set-cookie), else undefined. */
export function headerRecordOf(r: Response): Readonly<Record<string, string>> | undefined {
  return r instanceof LazyResponse && !r.headers.has('set-cookie') ? r.headers.record : undefined;
}

/** The text pieces of a response made by `streamResponse`, else undefined. */
export function piecesOf(r: Response): PieceSource | undefined {
  return r instanceof LazyResponse ? r.lazyPieces : undefined;
}
