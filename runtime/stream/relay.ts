/**
 * The client's side of a committed stream, written in the client's own protocol as upstream
 * events arrive (pushed into the reader's sink, see ./pieces.ts), with usage counted on the
 * way. A stream that fails after bytes went out ends with an error in that protocol and never
 * as a normal stop; a client that goes away stops the upstream call. Long silences get SSE comments so proxies keep the line open.
 * @module
 */
import type { StreamEncoder } from '../apis/types.ts';
import type { Usage } from '../openai/types.ts';
import type { OutChunk } from '../providers/types.ts';
import type { Answer, ContentStep } from '../routing/answer.ts';
import { failure, type Failure } from '../routing/failure.ts';
import { clientErrorOf } from '../routing/failure-response.ts';
import { encodeSseComment } from '../sse/encoder.ts';
import type { SseEvent } from '../sse/types.ts';
import type { PieceSink, PieceSource } from './pieces.ts';

/** How a relayed stream ended. */
export interface StreamSummary {
  readonly outcome: 'done' | 'failed' | 'cancelled';
  readonly failure: Failure | null;
  readonly usage: Usage | null;
  /** Characters of generated text and tool arguments, for estimating usage when none was reported. */
  readonly outputChars: number;
  readonly chunks: number;
}

/** Silence after which a keep-alive comment is sent. */
export const KEEP_ALIVE_MS = 15_000;

function outputChars(chunks: readonly OutChunk[]): number {
  let n = 0;
  for (const { chunk } of chunks) {
    for (const choice of chunk.choices ?? []) {
      n += choice.delta?.content?.length ?? 0;
      for (const call of choice.delta?.tool_calls ?? []) n += call.function?.arguments?.length ?? 0;
    }
  }
  return n;
}

function hasFinish(chunks: readonly OutChunk[]): boolean {
  return chunks.some(({ chunk }) => (chunk.choices ?? []).some((c) => c.finish_reason !== null && c.finish_reason !== undefined));
}

/** What the stream has carried so far, and its encoding into the client's protocol. */
class StreamState {
  usage: Usage | null;
  chars = 0;
  count = 0;
  /** A finish (finish_reason, or a native protocol's own end) has been seen. */
  finished = false;
  /** Events are passed through in the client's protocol: the protocol ends them itself. */
  native = false;

  constructor(
    private readonly encoder: StreamEncoder,
    usage: Usage | null,
  ) {
    this.usage = usage;
  }

  /** Client text for a content step. */
  absorb(step: ContentStep): string {
    if (step.usage) this.usage = step.usage;
    if (step.kind === 'events') {
      this.native = true;
      this.chars += step.outputChars;
      this.count += step.events.length;
      this.finished ||= step.finished;
      return this.encoder.events(step.events);
    }
    this.chars += outputChars(step.chunks);
    this.count += step.chunks.length;
    this.finished ||= hasFinish(step.chunks);
    return step.chunks.length > 0 ? this.encoder.chunks(step.chunks) : '';
  }

  /** Client text that ends the stream normally. */
  done(): string {
    return this.native ? '' : this.encoder.done(this.usage);
  }

  /** Client text that ends the stream with `f`. */
  error(f: Failure): string {
    return this.encoder.error(clientErrorOf(f, []));
  }
}

/** The reason a relay stops when its reader goes away. */
const CLIENT_CLOSED = failure('network', 'client_closed', 'The client closed the connection.');

/**
 * The body of a committed stream, written into the reader's sink in the client's protocol;
 * `onEnd` runs once when it finishes in any way (`cancel()` means the client left).
 */
export function relay(
  answer: Extract<Answer, { kind: 'stream' }>,
  encoder: StreamEncoder,
  onEnd: (summary: StreamSummary) => void,
  keepAliveMs = KEEP_ALIVE_MS,
): PieceSource {
  return new Relay(answer, encoder, onEnd, keepAliveMs);
}

/**
 * Reads one upstream batch at a time and writes what it translates to before asking for the
 * next, so a reader that stops taking pieces stops the reads (and the upstream socket fills).
 * One timer per stream sends keep-alives after `keepAliveMs` of silence; each batch restarts
 * it with a cheap `refresh()`.
 */
class Relay implements PieceSource {
  private readonly state: StreamState;
  private sink: PieceSink | null = null;
  private ended = false;
  /** The sink is full: no reads until `resume()`. */
  private waiting = false;
  /** A `next()` on the upstream events is outstanding. */
  private reading = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly answer: Extract<Answer, { kind: 'stream' }>,
    encoder: StreamEncoder,
    private readonly onEnd: (summary: StreamSummary) => void,
    private readonly keepAliveMs: number,
  ) {
    this.state = new StreamState(encoder, answer.usage);
  }

  pipe(sink: PieceSink): void {
    if (this.sink !== null) throw new TypeError('a streamed body can be read only once');
    this.sink = sink;
    if (this.ended) return;
    this.guard(() => {
      const { state, answer } = this;
      let first = '';
      for (const step of answer.first) first += state.absorb(step);
      if (answer.ended) return this.finish('done', null, first + state.done());
      this.timer = setTimeout(this.onSilence, this.keepAliveMs);
      if (first !== '') this.send(first);
      this.read();
    });
  }

  resume(): void {
    if (!this.waiting || this.ended) return;
    this.waiting = false;
    this.read();
  }

  cancel(): void {
    if (this.ended) return;
    this.sink = null;
    this.finish('cancelled', CLIENT_CLOSED, null);
  }

  private read(): void {
    if (this.ended || this.reading || this.waiting) return;
    this.reading = true;
    this.answer.tail.events.next().then(this.onBatch, this.onBroken);
  }

  private send(text: string): void {
    if (this.sink !== null && !this.sink.write(text)) this.waiting = true;
  }

  private readonly onBatch = (batch: readonly SseEvent[] | null): void => {
    this.reading = false;
    if (this.ended) return;
    this.guard(() => {
      const { tail } = this.answer;
      const state = this.state;
      this.timer?.refresh();
      if (batch === null) {
        if (state.finished) return this.finish('done', null, state.done());
        const f = tail.stopFailure() ?? failure('network', 'upstream_stream_cut', 'The provider stream ended before the answer was complete.');
        return this.finish('failed', f, state.error(f));
      }
      tail.touch();
      let text = '';
      for (const event of batch) {
        const s = tail.translator.next(event);
        if (s.kind === 'chunks' || s.kind === 'events') text += state.absorb(s);
        else if (s.kind === 'error') return this.finish('failed', s.failure, text + state.error(s.failure));
        else if (s.kind === 'done') return this.finish('done', null, text + state.done());
      }
      if (text !== '') this.send(text);
      this.read();
    });
  };

  private readonly onBroken = (): void => {
    this.reading = false;
    if (this.ended) return;
    this.guard(() => {
      const f = this.answer.tail.stopFailure() ?? failure('network', 'upstream_stream_broken', 'The provider stream broke off.');
      if (f.code === 'client_closed') this.finish('cancelled', f, '');
      else this.finish('failed', f, this.state.error(f));
    });
  };

  private readonly onSilence = (): void => {
    if (this.ended) return;
    this.timer?.refresh();
    // A reader that is not taking pieces is not sent keep-alives either.
    if (!this.waiting) this.send(encodeSseComment('keep-alive'));
  };

  /** Runs a step; a bug in translation or encoding ends the stream with an error event, never silently. */
  private guard(step: () => void): void {
    try {
      step();
    } catch {
      if (this.ended) return;
      const f = failure('server', 'internal_error', 'The gateway failed while relaying the stream.');
      let last = '';
      try {
        last = this.state.error(f);
      } catch {
        // nothing more can be said in the client's protocol
      }
      this.finish('failed', f, last);
    }
  }

  /** Ends the stream once: timers and upstream released, `last` and the end written (unless the reader left), then `onEnd`. */
  private finish(outcome: StreamSummary['outcome'], f: Failure | null, last: string | null): void {
    this.ended = true;
    if (this.timer !== null) clearTimeout(this.timer);
    const { tail } = this.answer;
    tail.dispose();
    if (outcome !== 'done') tail.events.cancel();
    const sink = this.sink;
    if (sink !== null && last !== null) sink.end(last);
    const state = this.state;
    this.onEnd({ outcome, failure: f, usage: state.usage, outputChars: state.chars, chunks: state.count });
  }
}
