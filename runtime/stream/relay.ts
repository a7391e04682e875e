/**
 * The client's side of a committed stream, written in the client's own protocol as upstream
 * events arrive, with usage counted on the way. A stream that fails after bytes went out
 * ends with an error in that protocol and never as a normal stop; a client that goes away
 * stops the upstream call. Long silences get SSE comments so proxies keep the line open.
 * @module
 */
import type { StreamEncoder } from '../apis/types.ts';
import type { Usage } from '../openai/types.ts';
import type { OutChunk } from '../providers/types.ts';
import type { Answer, ContentStep } from '../routing/answer.ts';
import { failure, type Failure } from '../routing/failure.ts';
import { clientErrorOf } from '../routing/failure-response.ts';
import { encodeSseComment } from '../sse/encoder.ts';

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

const textEncoder = new TextEncoder();

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

/** The SSE body for a committed stream; `onEnd` runs once when it finishes in any way. */
export function relay(answer: Extract<Answer, { kind: 'stream' }>, encoder: StreamEncoder, onEnd: (summary: StreamSummary) => void, keepAliveMs = KEEP_ALIVE_MS): ReadableStream<Uint8Array> {
  const { tail } = answer;
  const state = new StreamState(encoder, answer.usage);
  let closed = false;
  let pending: Promise<Awaited<ReturnType<typeof tail.events.next>>> | null = null;
  const end = (controller: ReadableStreamDefaultController<Uint8Array> | null, outcome: StreamSummary['outcome'], f: Failure | null, text: string): void => {
    if (closed) return;
    closed = true;
    tail.dispose();
    if (outcome !== 'done') tail.events.cancel();
    if (controller) {
      if (text) controller.enqueue(textEncoder.encode(text));
      controller.close();
    }
    onEnd({ outcome, failure: f, usage: state.usage, outputChars: state.chars, chunks: state.count });
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, f: Failure, before = ''): void => end(controller, 'failed', f, before + state.error(f));

  /** Handles one upstream batch; true when it wrote to the client or ended the stream. */
  const step = async (controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> => {
    pending ??= tail.events.next();
    let keepAlive: ReturnType<typeof setTimeout> | undefined;
    const silence = new Promise<'silence'>((resolve) => {
      keepAlive = setTimeout(() => resolve('silence'), keepAliveMs);
    });
    let batch;
    try {
      batch = await Promise.race([pending, silence]);
    } catch {
      pending = null;
      const f = tail.stopFailure() ?? failure('network', 'upstream_stream_broken', 'The provider stream broke off.');
      if (f.code === 'client_closed') end(null, 'cancelled', f, '');
      else fail(controller, f);
      return true;
    } finally {
      clearTimeout(keepAlive);
    }
    if (batch === 'silence') {
      controller.enqueue(textEncoder.encode(encodeSseComment('keep-alive')));
      return true;
    }
    pending = null;
    if (batch === null) {
      if (state.finished) end(controller, 'done', null, state.done());
      else fail(controller, tail.stopFailure() ?? failure('network', 'upstream_stream_cut', 'The provider stream ended before the answer was complete.'));
      return true;
    }
    tail.touch();
    let text = '';
    for (const event of batch) {
      const s = tail.translator.next(event);
      if (s.kind === 'chunks' || s.kind === 'events') text += state.absorb(s);
      else if (s.kind === 'error') {
        fail(controller, s.failure, text);
        return true;
      } else if (s.kind === 'done') {
        end(controller, 'done', null, text + state.done());
        return true;
      }
    }
    if (text === '') return false;
    controller.enqueue(textEncoder.encode(text));
    return true;
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const text = answer.first.map((s) => state.absorb(s)).join('');
        if (text) controller.enqueue(textEncoder.encode(text));
        if (answer.ended) end(controller, 'done', null, state.done());
      },
      async pull(controller) {
        // Loop until something was written or the stream ended: a batch can translate to nothing.
        while (!closed && !(await step(controller)));
      },
      cancel() {
        end(null, 'cancelled', failure('network', 'client_closed', 'The client closed the connection.'), '');
      },
    },
    { highWaterMark: 0 },
  );
}
