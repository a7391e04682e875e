/**
 * The client side of a committed stream, driven event by event: SSE framing, [DONE] only
 * after a real end, error events after the first byte, usage and keep-alive comments.
 */
import { describe, expect, it } from 'vitest';
import type { OutChunk } from '../../../runtime/providers/types.ts';
import { chatStream } from '../../../runtime/providers/openai/chat.ts';
import { chatProtocol } from '../../../runtime/apis/chat.ts';
import { streamResponse } from '../../../runtime/core/response.ts';
import type { Answer, ContentStep, EventSource } from '../../../runtime/routing/answer.ts';
import type { SseEvent } from '../../../runtime/sse/types.ts';
import { relay, type StreamSummary } from '../../../runtime/stream/relay.ts';

const CTX = { requestedModel: 'm', requestId: 'r', created: 0 };
const ev = (data: unknown): SseEvent => ({ event: null, data: typeof data === 'string' ? data : JSON.stringify(data), id: null });
const content = (text: string, finish: string | null = null): unknown => ({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: finish }] });
const firstChunk: OutChunk = { chunk: content('Hel') as OutChunk['chunk'], raw: JSON.stringify(content('Hel')) };
const first: ContentStep = { kind: 'chunks', chunks: [firstChunk], usage: null };

/** A source that yields `batches` in turn, each after `delays[i]` ms; `throwAt` makes that batch fail. */
function source(batches: (SseEvent[] | null)[], delays: number[] = [], throwAt = -1): EventSource & { cancelled: boolean } {
  let i = 0;
  const s = {
    cancelled: false,
    async next() {
      const n = i++;
      await new Promise((r) => setTimeout(r, delays[n] ?? 0));
      if (n === throwAt) throw new Error('socket closed');
      return n < batches.length ? batches[n]! : null;
    },
    cancel() {
      s.cancelled = true;
    },
  };
  return s;
}

function answer(events: EventSource, body: Record<string, unknown> = {}): Extract<Answer, { kind: 'stream' }> {
  return {
    kind: 'stream',
    served: { provider: 'p', model: 'm' },
    first: [first],
    usage: null,
    ended: false,
    tail: { events, translator: chatStream(body), touch: () => undefined, stopFailure: () => null, dispose: () => undefined },
  };
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream) out += decoder.decode(chunk);
  return out;
}

function run(events: EventSource, body?: Record<string, unknown>, keepAliveMs?: number): Promise<{ text: string; summary: StreamSummary }> {
  let summary: StreamSummary | undefined;
  const stream = streamResponse(relay(answer(events, body), chatProtocol.streamEncoder(CTX), (s) => (summary = s), keepAliveMs), {}).body!;
  return drain(stream).then((text) => ({ text, summary: summary! }));
}

describe('relay', () => {
  it('frames chunks as SSE and ends with [DONE] when the provider does', async () => {
    const { text, summary } = await run(source([[ev(content('lo')), ev(content('!', 'stop'))], [ev('[DONE]')]]));
    expect(text).toBe(`data: ${JSON.stringify(content('Hel'))}\n\ndata: ${JSON.stringify(content('lo'))}\n\ndata: ${JSON.stringify(content('!', 'stop'))}\n\ndata: [DONE]\n\n`);
    expect(summary).toMatchObject({ outcome: 'done', chunks: 3, outputChars: 6 });
  });

  it('adds [DONE] when a finished stream closes without it', async () => {
    const { text, summary } = await run(source([[ev(content('!', 'stop'))], null]));
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(summary.outcome).toBe('done');
  });

  it('ends a stream cut before its finish with an error event and no [DONE]', async () => {
    const src = source([[ev(content('lo'))], null]);
    const { text, summary } = await run(src);
    const last = text.trimEnd().split('\n\n').at(-1)!;
    expect(JSON.parse(last.slice('data: '.length))).toEqual({ error: { message: 'The provider stream ended before the answer was complete.', type: 'server_error', param: null, code: 'upstream_stream_cut' } });
    expect(text).not.toContain('[DONE]');
    expect(summary).toMatchObject({ outcome: 'failed', failure: { code: 'upstream_stream_cut' } });
  });

  it('relays an error event from the provider in the client’s protocol and stops reading', async () => {
    const src = source([[ev(content('lo')), ev({ error: { message: 'model overloaded', code: 'server_overloaded' } })], [ev(content('never'))]]);
    const { text, summary } = await run(src);
    expect(text).toContain('"lo"');
    expect(text).not.toContain('never');
    expect(text).toContain('"code":"upstream_overloaded"');
    expect(summary.outcome).toBe('failed');
    expect(src.cancelled).toBe(true);
  });

  it('turns a broken connection into an error event', async () => {
    const { text, summary } = await run(source([[ev(content('lo'))]], [], 1));
    expect(text).toContain('"code":"upstream_stream_broken"');
    expect(summary.outcome).toBe('failed');
  });

  it('counts usage from the usage chunk and hides it unless the client asked', async () => {
    const usage = { id: 'c', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } };
    const batches = [[ev(content('!', 'stop')), ev(usage)], [ev('[DONE]')]];
    const hidden = await run(source(batches));
    expect(hidden.text).not.toContain('prompt_tokens');
    expect(hidden.summary.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3 });
    const shown = await run(source(batches), { stream_options: { include_usage: true } });
    expect(shown.text).toContain('"prompt_tokens":7');
  });

  it('keeps a silent stream alive with SSE comments', async () => {
    const { text } = await run(source([[ev(content('lo', 'stop'))], [ev('[DONE]')]], [120, 0]), {}, 25);
    expect(text.match(/: keep-alive\n\n/g)?.length).toBeGreaterThanOrEqual(3);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('stops the upstream when the client cancels', async () => {
    const src = source([[ev(content('lo'))], [ev(content('more'))]], [0, 1000]);
    let summary: StreamSummary | undefined;
    const stream = streamResponse(relay(answer(src), chatProtocol.streamEncoder(CTX), (s) => (summary = s)), {}).body!;
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(src.cancelled).toBe(true);
    expect(summary?.outcome).toBe('cancelled');
  });

  it('reads no further upstream while the reader is full, and goes on at resume', async () => {
    let reads = 0;
    const src = source([[ev(content('lo'))], [ev(content('!', 'stop'))], [ev('[DONE]')]]);
    const counted: EventSource = { next: () => (reads++, src.next()), cancel: () => src.cancel() };
    const pieces: string[] = [];
    let ended = false;
    let room = 1;
    const body = relay(answer(counted), chatProtocol.streamEncoder(CTX), () => undefined);
    body.pipe({ write: (p) => (pieces.push(p), --room > 0), end: (last) => ((ended = true), last && pieces.push(last)) });
    await new Promise((r) => setTimeout(r, 30));
    // The first piece filled the reader: nothing was asked of the upstream yet.
    expect(pieces).toHaveLength(1);
    expect(reads).toBe(0);
    room = 100;
    body.resume();
    await new Promise((r) => setTimeout(r, 30));
    expect(ended).toBe(true);
    expect(pieces.join('')).toContain('"lo"');
    expect(pieces.at(-1)).toBe('data: [DONE]\n\n');
  });

  it('ends with an error event, not a normal stop, when translating an event throws', async () => {
    const broken = answer(source([[ev(content('lo'))]]));
    const translator = { next: () => { throw new Error('bug'); } };
    const { tail } = broken;
    let summary: StreamSummary | undefined;
    const stream = streamResponse(relay({ ...broken, tail: { ...tail, translator } }, chatProtocol.streamEncoder(CTX), (s) => (summary = s)), {}).body!;
    const text = await drain(stream);
    expect(text).toContain('"code":"internal_error"');
    expect(text).not.toContain('[DONE]');
    expect(text).not.toContain('bug');
    expect(summary).toMatchObject({ outcome: 'failed', failure: { code: 'internal_error' } });
  });

  it('reports a body cancelled before anyone read it, and releases the upstream', () => {
    const src = source([[ev(content('lo'))]]);
    let summary: StreamSummary | undefined;
    relay(answer(src), chatProtocol.streamEncoder(CTX), (s) => (summary = s)).cancel();
    expect(src.cancelled).toBe(true);
    expect(summary).toMatchObject({ outcome: 'cancelled', failure: { code: 'client_closed' } });
  });
});
