/**
 * The client's side of a committed stream: OpenAI chunks as server-sent events, written as
 * upstream events arrive, with usage counted on the way. A stream that fails after bytes
 * went out ends with an error event in OpenAI's shape and no `[DONE]`; a client that goes
 * away stops the upstream call. Long silences get SSE comments so proxies keep the line.
 * @module
 */
import type { Usage } from '../openai/types.ts';
import type { OutChunk } from '../providers/types.ts';
import type { Answer } from '../routing/answer.ts';
import { failure, type Failure } from '../routing/failure.ts';
import { clientCode } from '../routing/failure-response.ts';
import { encodeSseComment, SSE_DONE } from '../sse/encoder.ts';

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

const encoder = new TextEncoder();

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

function encodeChunks(chunks: readonly OutChunk[]): string {
  let out = '';
  for (const c of chunks) out += `data: ${c.raw ?? JSON.stringify(c.chunk)}\n\n`;
  return out;
}

function errorEvent(f: Failure): string {
  const type = f.class === 'invalid_request' || f.class === 'content_filtered' || f.class === 'context_length_exceeded' ? 'invalid_request_error' : 'server_error';
  return `data: ${JSON.stringify({ error: { message: f.message, type, param: null, code: clientCode(f) } })}\n\n`;
}

/** The SSE body for a committed stream; `onEnd` runs once when it finishes in any way. */
export function relay(answer: Extract<Answer, { kind: 'stream' }>, onEnd: (summary: StreamSummary) => void, keepAliveMs = KEEP_ALIVE_MS): ReadableStream<Uint8Array> {
  const { tail } = answer;
  let usage = answer.usage;
  let chars = outputChars(answer.first);
  let count = answer.first.length;
  let finished = hasFinish(answer.first);
  let closed = false;
  let pending: Promise<Awaited<ReturnType<typeof tail.events.next>>> | null = null;
  const end = (controller: ReadableStreamDefaultController<Uint8Array> | null, outcome: StreamSummary['outcome'], f: Failure | null, text: string): void => {
    if (closed) return;
    closed = true;
    tail.dispose();
    if (outcome !== 'done') tail.events.cancel();
    if (controller) {
      if (text) controller.enqueue(encoder.encode(text));
      controller.close();
    }
    onEnd({ outcome, failure: f, usage, outputChars: chars, chunks: count });
  };
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
      else end(controller, 'failed', f, errorEvent(f));
      return true;
    } finally {
      clearTimeout(keepAlive);
    }
    if (batch === 'silence') {
      controller.enqueue(encoder.encode(encodeSseComment('keep-alive')));
      return true;
    }
    pending = null;
    if (batch === null) {
      if (finished) end(controller, 'done', null, SSE_DONE);
      else {
        const f = tail.stopFailure() ?? failure('network', 'upstream_stream_cut', 'The provider stream ended before the answer was complete.');
        end(controller, 'failed', f, errorEvent(f));
      }
      return true;
    }
    tail.touch();
    const out: OutChunk[] = [];
    for (const event of batch) {
      const s = tail.translator.next(event);
      if (s.kind === 'chunks') {
        out.push(...s.chunks);
        usage = s.usage ?? usage;
      } else if (s.kind === 'error' || s.kind === 'done') {
        if (out.length > 0) controller.enqueue(encoder.encode(encodeChunks(out)));
        chars += outputChars(out);
        count += out.length;
        if (s.kind === 'error') end(controller, 'failed', s.failure, errorEvent(s.failure));
        else end(controller, 'done', null, SSE_DONE);
        return true;
      }
    }
    if (out.length === 0) return false;
    chars += outputChars(out);
    count += out.length;
    finished ||= hasFinish(out);
    controller.enqueue(encoder.encode(encodeChunks(out)));
    return true;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(encodeChunks(answer.first)));
        if (answer.ended) end(controller, 'done', null, SSE_DONE);
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
