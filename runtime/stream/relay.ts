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

/**
 * One timer per stream that fires after `ms` of silence; resetting it on every batch is a
 * cheap `refresh()`, not a new timer and promise per batch.
 */
function silenceAlarm(ms: number): { silence: Promise<'silence'>; reset(): void; rearm(): void; stop(): void } {
  let fire: (value: 'silence') => void = () => {};
  const alarm = {
    silence: new Promise<'silence'>((resolve) => (fire = resolve)),
    timer: setTimeout(() => fire('silence'), ms),
    reset: () => void alarm.timer.refresh(),
    rearm: () => {
      alarm.silence = new Promise<'silence'>((resolve) => (fire = resolve));
      alarm.timer = setTimeout(() => fire('silence'), ms);
    },
    stop: () => clearTimeout(alarm.timer),
  };
  return alarm;
}

/**
 * The SSE body for a committed stream, as text pieces in the client's protocol; `onEnd`
 * runs once when it finishes in any way (calling `return()` on it means the client left).
 */
export async function* relay(
  answer: Extract<Answer, { kind: 'stream' }>,
  encoder: StreamEncoder,
  onEnd: (summary: StreamSummary) => void,
  keepAliveMs = KEEP_ALIVE_MS,
): AsyncGenerator<string, void, undefined> {
  const { tail } = answer;
  const state = new StreamState(encoder, answer.usage);
  let ended = false;
  let cleanup = (): void => {};
  const finish = (outcome: StreamSummary['outcome'], f: Failure | null): void => {
    ended = true;
    cleanup();
    tail.dispose();
    if (outcome !== 'done') tail.events.cancel();
    onEnd({ outcome, failure: f, usage: state.usage, outputChars: state.chars, chunks: state.count });
  };
  try {
    const first = answer.first.map((s) => state.absorb(s)).join('');
    if (answer.ended) {
      finish('done', null);
      yield first + state.done();
      return;
    }
    if (first) yield first;
    let pending: ReturnType<typeof tail.events.next> | null = null;
    const quiet = silenceAlarm(keepAliveMs);
    cleanup = quiet.stop;
    for (;;) {
      pending ??= tail.events.next();
      let batch;
      try {
        batch = await Promise.race([pending, quiet.silence]);
      } catch {
        const f = tail.stopFailure() ?? failure('network', 'upstream_stream_broken', 'The provider stream broke off.');
        if (f.code === 'client_closed') return finish('cancelled', f);
        finish('failed', f);
        yield state.error(f);
        return;
      }
      if (batch === 'silence') {
        quiet.rearm();
        yield encodeSseComment('keep-alive');
        continue;
      }
      quiet.reset();
      pending = null;
      if (batch === null) {
        if (state.finished) {
          finish('done', null);
          yield state.done();
        } else {
          const f = tail.stopFailure() ?? failure('network', 'upstream_stream_cut', 'The provider stream ended before the answer was complete.');
          finish('failed', f);
          yield state.error(f);
        }
        return;
      }
      tail.touch();
      let text = '';
      for (const event of batch) {
        const s = tail.translator.next(event);
        if (s.kind === 'chunks' || s.kind === 'events') text += state.absorb(s);
        else if (s.kind === 'error') {
          finish('failed', s.failure);
          yield text + state.error(s.failure);
          return;
        } else if (s.kind === 'done') {
          finish('done', null);
          yield text + state.done();
          return;
        }
      }
      if (text !== '') yield text;
    }
  } finally {
    // Reached without an end only when the consumer stopped reading: the client went away.
    if (!ended) finish('cancelled', failure('network', 'client_closed', 'The client closed the connection.'));
  }
}
