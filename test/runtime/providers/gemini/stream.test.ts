/**
 * Gemini SSE events → OpenAI chunks: text deltas, whole function calls with distinct
 * indexes, the finish chunk, the usage chunk only on request, safety blocks and errors
 * mid-stream, and events after the finish.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { chatStream } from '../../../../runtime/providers/gemini/stream.ts';
import type { StreamStep } from '../../../../runtime/providers/types.ts';
import { call, hi } from './support.ts';

const ev = (data: unknown) => ({ event: null, data: typeof data === 'string' ? data : JSON.stringify(data), id: null });
const cand = (parts: unknown[], finishReason?: string, usage?: JsonObject) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...(finishReason ? { finishReason } : {}) }],
  modelVersion: 'gemini-2.5-flash-001',
  ...(usage ? { usageMetadata: usage } : {}),
});

function run(events: unknown[], body: JsonObject = { messages: hi, stream: true }): { steps: StreamStep[]; chunks: JsonObject[] } {
  const t = chatStream(call(body));
  const steps = events.map((e) => t.next(ev(e)));
  const chunks = steps.flatMap((s) => (s.kind === 'chunks' ? s.chunks.map((c) => c.chunk as JsonObject) : []));
  return { steps, chunks };
}
const deltas = (chunks: JsonObject[]) => chunks.map((c) => (c.choices as JsonObject[])[0]?.delta);
const finishes = (chunks: JsonObject[]) => chunks.map((c) => (c.choices as JsonObject[])[0]?.finish_reason);

describe('text', () => {
  it('the role rides on the first delta, text deltas follow, the finish reason on the last event’s chunk', () => {
    const { chunks, steps } = run([cand([{ text: 'Hel' }], undefined, { promptTokenCount: 4, totalTokenCount: 4 }), cand([{ text: 'lo' }]), cand([{ text: '!' }], 'STOP', { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 })]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: 'Hel' }, { content: 'lo' }, { content: '!' }]);
    expect(finishes(chunks)).toEqual([null, null, 'stop']);
    expect(chunks[0]).toMatchObject({ id: 'chatcmpl-req-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gemini-2.5-flash-001' });
    expect(steps.map((s) => (s.kind === 'chunks' ? s.usage : null))).toEqual([
      { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 },
      { prompt_tokens: 4, completion_tokens: 0, total_tokens: 4 },
      { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
    ]);
  });

  it('a final event with an empty text part gives an empty delta with the finish reason', () => {
    const { chunks } = run([cand([{ text: 'Hi' }]), cand([{ text: '' }], 'MAX_TOKENS')]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: 'Hi' }, {}]);
    expect(finishes(chunks)).toEqual([null, 'length']);
  });

  it('events with nothing to say translate to no chunks; thought parts are left out', () => {
    const { chunks, steps } = run([{ usageMetadata: { promptTokenCount: 1 } }, cand([{ text: 'hmm', thought: true }]), cand([{ text: 'ok' }], 'STOP')]);
    expect(steps.slice(0, 2).map((s) => s.kind === 'chunks' && s.chunks.length)).toEqual([0, 0]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: 'ok' }]);
  });
});

describe('usage chunk', () => {
  const events = [cand([{ text: 'a' }]), cand([{ text: 'b' }], 'STOP', { promptTokenCount: 3, candidatesTokenCount: 1, thoughtsTokenCount: 2, totalTokenCount: 6 })];

  it('only when the client asked for it, after the finish chunk', () => {
    expect(run(events).chunks).toHaveLength(2);
    const { chunks } = run(events, { messages: hi, stream: true, stream_options: { include_usage: true } });
    expect(chunks).toHaveLength(3);
    expect(chunks[2]).toEqual({
      id: 'chatcmpl-req-1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'gemini-2.5-flash-001',
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6, completion_tokens_details: { reasoning_tokens: 2 } },
    });
  });
});

describe('tool calls', () => {
  it('each call arrives whole: one delta with index, id, name and arguments; parallel calls keep distinct indexes across events', () => {
    const { chunks } = run([
      cand([{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 's1' }, { functionCall: { name: 'get_time', args: { zone: 'CET' } } }]),
      cand([{ functionCall: { name: 'get_weather', args: { city: 'Bergen' } } }], 'STOP'),
    ]);
    expect(deltas(chunks)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { index: 0, id: 'call_req-1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' }, extra_content: { google: { thought_signature: 's1' } } },
          { index: 1, id: 'call_req-1_1', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
        ],
      },
      { tool_calls: [{ index: 2, id: 'call_req-1_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } }] },
    ]);
    expect(finishes(chunks)).toEqual([null, 'tool_calls']);
  });

  it('the finish is tool_calls even when the finishing event carries no call', () => {
    const { chunks } = run([cand([{ functionCall: { name: 'f', args: {} } }]), cand([{ text: '' }], 'STOP')]);
    expect(finishes(chunks)).toEqual([null, 'tool_calls']);
  });

  it('a malformed function call before any content is a server failure; after content the stream just stops', () => {
    expect(run([{ candidates: [{ finishReason: 'MALFORMED_FUNCTION_CALL' }] }]).steps[0]).toMatchObject({ kind: 'error', failure: { class: 'server' } });
    const { chunks } = run([cand([{ text: 'Let me' }]), { candidates: [{ finishReason: 'MALFORMED_FUNCTION_CALL' }] }]);
    expect(finishes(chunks)).toEqual([null, 'stop']);
  });
});

describe('blocks and errors', () => {
  it('a blocked prompt (first event) is a content_filtered error step', () => {
    expect(run([{ promptFeedback: { blockReason: 'SAFETY' } }]).steps[0]).toMatchObject({ kind: 'error', failure: { class: 'content_filtered', final: true } });
  });

  it('a safety stop mid-stream is a content_filtered error step after the text already sent', () => {
    const { steps, chunks } = run([cand([{ text: 'Step one:' }]), { candidates: [{ finishReason: 'SAFETY', index: 0, safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] }] }]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: 'Step one:' }]);
    expect(steps[1]).toMatchObject({ kind: 'error', failure: { class: 'content_filtered', code: 'content_filter' } });
    if (steps[1]!.kind === 'error') expect(steps[1]!.failure.message).toContain('part way through');
  });

  it('an error object in the stream is an error step, classed by its status', () => {
    expect(run([{ error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } }]).steps[0]).toMatchObject({ kind: 'error', failure: { class: 'rate_limited', status: null } });
    expect(run([{ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }]).steps[0]).toMatchObject({ kind: 'error', failure: { class: 'overloaded' } });
    expect(run([{ error: { code: 500, message: 'Internal error', status: 'INTERNAL' } }]).steps[0]).toMatchObject({ kind: 'error', failure: { class: 'server' } });
  });

  it('an event that is not JSON is a malformed-stream error', () => {
    expect(run(['{"candidates": [']).steps[0]).toMatchObject({ kind: 'error', failure: { class: 'server', code: 'upstream_malformed' } });
  });
});

describe('after the finish', () => {
  it('later events only update usage; any content they carry is still passed on, without a second finish', () => {
    const { chunks, steps } = run([
      cand([{ text: 'Done.' }], 'STOP', { promptTokenCount: 2, candidatesTokenCount: 1, totalTokenCount: 3 }),
      { candidates: [{ finishReason: 'MALFORMED_FUNCTION_CALL' }], usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 1, totalTokenCount: 3 } },
      cand([{ text: ' More.' }], 'STOP'),
    ]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: 'Done.' }, { content: ' More.' }]);
    expect(finishes(chunks)).toEqual(['stop', null]);
    expect(steps[1]).toMatchObject({ kind: 'chunks', chunks: [] });
  });
});
