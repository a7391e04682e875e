/** A response body as an async iterator over chunks as they arrive, with backpressure, cancel and a byte-capped `text()`. */
import type { Readable } from 'node:stream';
import { tooLargeError } from './errors.ts';
import type { UpstreamError } from './types.ts';

/**
 * Bytes queued for a consumer that has not asked for them yet, before the source is paused.
 * With Node's own 16 KiB readable buffer and the kernel's socket buffer behind it, a slow
 * consumer holds at most about this much per response in memory.
 */
const HIGH_WATER_BYTES = 64 * 1024;

/** Schedules microtasks. */
const RESOLVED = Promise.resolve();

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** `idle`: nobody reads yet; `reading`: flowing; then one final state. */
type State = 'idle' | 'reading' | BodyOutcome;

interface Waiter {
  resolve(result: IteratorResult<Uint8Array, undefined>): void;
  reject(error: UpstreamError): void;
}

/** How a body ended: read to its end, failed (network, decoding, abort), or cancelled by its reader. */
export type BodyOutcome = 'ended' | 'failed' | 'cancelled';

/** Called once when the body reaches its outcome, to release (or destroy) the connection. */
export type ReleaseBody = (outcome: BodyOutcome) => void;

/**
 * The body of one response. The exchange feeds it through `fail`; it reads `source` itself
 * (`data`/`end`), only once someone iterates, so an unread body stays in the socket.
 * Callers must read it to the end or cancel it: until then the connection stays busy.
 */
export class ResponseBody implements AsyncIterable<Uint8Array>, AsyncIterator<Uint8Array, undefined> {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private waiter: Waiter | null = null;
  private state: State = 'idle';
  private error: UpstreamError | null = null;
  private paused = false;
  private iterated = false;
  /** A microtask will hand the waiter everything queued by then. */
  private delivering = false;

  /**
   * @param source the (possibly decompressed) body stream
   * @param declaredLength the response's `content-length` when it describes `source`, else -1
   * @param release called once at the final state
   */
  constructor(
    private readonly source: Readable,
    private readonly declaredLength: number,
    private readonly release: ReleaseBody,
  ) {
    source.on('end', this.onEnd);
  }

  /** Starts reading; a body can be iterated once (by a consumer or by `text()`). */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array, undefined> {
    if (this.iterated) throw new TypeError('the response body can be read only once');
    this.iterated = true;
    this.start();
    return this;
  }

  /**
   * What has arrived since the last call, as one chunk (the chunks that arrived in one go are
   * joined), `done` at the end or after `cancel()`.
   */
  next(): Promise<IteratorResult<Uint8Array, undefined>> {
    if (this.queue.length > 0) return Promise.resolve(this.takeQueued());
    if (this.error !== null) return Promise.reject(this.error);
    if (this.state === 'idle') this.start();
    if (this.state !== 'reading') return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Leaving a `for await` early cancels the body (and releases its connection). */
  return(): Promise<IteratorResult<Uint8Array, undefined>> {
    this.cancel();
    return Promise.resolve(DONE);
  }

  /** Reads the whole body as UTF-8 (a leading BOM removed); `too_large` past `maxBytes`. */
  async text(maxBytes: number): Promise<string> {
    if (this.declaredLength > maxBytes) {
      this.cancel();
      throw tooLargeError(maxBytes);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of this) {
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLargeError(maxBytes);
      chunks.push(chunk as Buffer);
    }
    return decodeUtf8(chunks, total);
  }

  /**
   * Stops reading and releases the connection: destroyed while the response is still
   * arriving, kept (the rest drained) when it has already arrived whole. A no-op once the body is over.
   */
  cancel(): void {
    if (!this.settle('cancelled')) return;
    this.clearQueue();
    this.waiter?.resolve(DONE);
    this.waiter = null;
  }

  /**
   * Ends the body with `error`. Chunks already queued are still delivered first unless
   * `discard` (an abort: the caller no longer wants them).
   */
  fail(error: UpstreamError, discard: boolean): void {
    if (!this.settle('failed')) return;
    this.error = error;
    if (discard) this.clearQueue();
    // Undiscarded chunks still queued go to the waiter first (`deliver` is on its way); the error comes after them.
    if (this.queue.length > 0) return;
    this.waiter?.reject(error);
    this.waiter = null;
  }

  /** Reads as soon as possible: for bodies known to be empty, so the connection is freed without a reader. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'reading';
    this.source.on('data', this.onData);
  }

  /**
   * Queues the chunk; a waiting reader gets it in a microtask, together with whatever else
   * the same socket read carried. Node's HTTP parser emits one `data` per chunk of a chunked
   * body, and an SSE upstream often sends every event as a chunk of its own: handing them
   * over one by one cost a promise round trip, a decode and a client write per event.
   */
  private readonly onData = (chunk: Buffer): void => {
    if (this.state !== 'reading') return;
    this.queue.push(chunk);
    this.queuedBytes += chunk.byteLength;
    if (this.waiter !== null && !this.delivering) {
      this.delivering = true;
      // A resolved promise rather than queueMicrotask, which wraps each callback in an AsyncResource.
      RESOLVED.then(this.deliver);
    }
    if (!this.paused && this.queuedBytes >= HIGH_WATER_BYTES) {
      this.paused = true;
      this.source.pause();
    }
  };

  private readonly deliver = (): void => {
    this.delivering = false;
    const waiter = this.waiter;
    if (waiter === null || this.queue.length === 0) return;
    this.waiter = null;
    waiter.resolve(this.takeQueued());
  };

  private readonly onEnd = (): void => {
    if (!this.settle('ended')) return;
    // Chunks still queued go to the waiter first (`deliver` is on its way); `done` comes after them.
    if (this.queue.length > 0) return;
    this.waiter?.resolve(DONE);
    this.waiter = null;
  };

  /** Moves to a final state once; false when already final. */
  private settle(outcome: BodyOutcome): boolean {
    if (this.state !== 'idle' && this.state !== 'reading') return false;
    this.state = outcome;
    this.release(outcome);
    return true;
  }

  /** Everything queued, as one chunk. */
  private takeQueued(): IteratorYieldResult<Uint8Array> {
    const queue = this.queue;
    const chunk = queue.length === 1 ? queue[0]! : Buffer.concat(queue, this.queuedBytes);
    queue.length = 0;
    this.queuedBytes = 0;
    if (this.paused) {
      this.paused = false;
      this.source.resume();
    }
    return { done: false, value: chunk };
  }

  private clearQueue(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
  }
}

function decodeUtf8(chunks: readonly Buffer[], total: number): string {
  const first = chunks[0];
  if (first === undefined) return '';
  const text = chunks.length === 1 ? first.toString('utf8') : Buffer.concat(chunks, total).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
