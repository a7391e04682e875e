/**
 * Streamed bodies as text pieces pushed into a sink, with backpressure: the source writes
 * while the sink takes more, waits for `resume()` when it does not, and stops on `cancel()`.
 * Pushing rather than pulling (an async iterator) costs no promise per piece: an upstream
 * chunk goes from the socket to the client's socket in one synchronous run.
 * @module
 */

/** Where a body's pieces go, in order. */
export interface PieceSink {
  /** Takes a piece; false asks the source to wait for `resume()` before writing more. */
  write(piece: string): boolean;
  /**
   * The body is complete (also after an error event in the client's protocol) with `last` as
   * its final piece: no more writes follow. One call, so a socket can send both in one write.
   */
  end(last?: string): void;
}

/** A body that writes itself into a sink. */
export interface PieceSource {
  /** Starts writing into `sink`; a source can be piped once. */
  pipe(sink: PieceSink): void;
  /** The sink takes more again. A no-op when the source was not waiting. */
  resume(): void;
  /** The reader went away: stop, release what the source holds, and never call the sink again. */
  cancel(): void;
}

/** A source of `pieces`, written as fast as the sink takes them (a cached stream replayed). */
export function arraySource(pieces: readonly string[]): PieceSource {
  let sink: PieceSink | null = null;
  let next = 0;
  let over = false;
  const run = (): void => {
    while (sink !== null && !over) {
      if (next >= pieces.length - 1) {
        over = true;
        sink.end(pieces[next]);
        return;
      }
      if (!sink.write(pieces[next++]!)) return;
    }
  };
  return {
    pipe(s) {
      if (sink !== null) throw new TypeError('a streamed body can be read only once');
      sink = s;
      run();
    },
    resume: run,
    cancel() {
      over = true;
    },
  };
}

/**
 * Passes `source` through while keeping a copy of its pieces in `into` (SSE comments, which
 * start with `:`, left out; `into` emptied once the copy passes `max` characters).
 * `passed(true)` when the body ended with the whole copy kept, `passed(false)` otherwise.
 */
export function keepCopy(source: PieceSource, into: string[], max: number, passed: (whole: boolean) => void): PieceSource {
  let size = 0;
  const keep = (piece: string): void => {
    if (piece.charCodeAt(0) === 0x3a) return;
    size += piece.length;
    if (size <= max) into.push(piece);
    else into.length = 0;
  };
  return {
    pipe(sink) {
      source.pipe({
        write(piece) {
          keep(piece);
          return sink.write(piece);
        },
        end(last) {
          if (last !== undefined && last !== '') keep(last);
          passed(size <= max);
          sink.end(last);
        },
      });
    },
    resume: () => source.resume(),
    cancel() {
      passed(false);
      source.cancel();
    },
  };
}

/** The whole body as one string (for `Response.text()`). */
export function readAll(source: PieceSource): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    source.pipe({
      write(piece) {
        out += piece;
        return true;
      },
      end: (last) => resolve(last === undefined ? out : out + last),
    });
  });
}

const utf8 = new TextEncoder();

/**
 * The body as a web `ReadableStream` of UTF-8 bytes (the Lambda adapter and tests read it so).
 * Nothing is produced until the first read, and one piece per read after that.
 */
export function toReadableStream(source: PieceSource): ReadableStream<Uint8Array> {
  let open = true;
  let piped = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (piped) {
          source.resume();
          return;
        }
        piped = true;
        source.pipe({
          write(piece) {
            if (!open) return false;
            controller.enqueue(utf8.encode(piece));
            return (controller.desiredSize ?? 0) > 0;
          },
          end(last) {
            if (!open) return;
            open = false;
            if (last !== undefined && last !== '') controller.enqueue(utf8.encode(last));
            controller.close();
          },
        });
      },
      cancel() {
        open = false;
        source.cancel();
      },
    },
    { highWaterMark: 0 },
  );
}
