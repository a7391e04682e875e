/** Converse answers, ConverseStream events and InvokeModel embeddings answers → what the client gets. */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { chatResponse } from '../../../../runtime/providers/bedrock/chat-response.ts';
import { embeddingsRequest, embeddingsResponse, familyOf } from '../../../../runtime/providers/bedrock/embeddings.ts';
import { chatStream } from '../../../../runtime/providers/bedrock/stream.ts';
import { usageOf } from '../../../../runtime/providers/bedrock/usage.ts';
import { UnsupportedInput, type StreamStep } from '../../../../runtime/providers/types.ts';
import { bodyOf, call } from './support.ts';

const answer = (content: unknown[], stopReason: string): JsonObject => ({ output: { message: { role: 'assistant', content } }, stopReason, usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7 }, metrics: { latencyMs: 1 } });
const ask = { messages: [{ role: 'user', content: 'q' }] };

describe('chat answers', () => {
  it('maps every stop reason to a finish reason', () => {
    const finish = (stop: string): unknown => {
      const r = chatResponse(answer([{ text: 'x' }], stop), call(ask));
      return r.ok ? (r.value.choices as JsonObject[])[0]!.finish_reason : r.failure.class;
    };
    expect(finish('end_turn')).toBe('stop');
    expect(finish('stop_sequence')).toBe('stop');
    expect(finish('max_tokens')).toBe('length');
    expect(finish('model_context_window_exceeded')).toBe('length');
    expect(finish('tool_use')).toBe('tool_calls');
    expect(finish('guardrail_intervened')).toBe('content_filter');
    expect(finish('content_filtered')).toBe('content_filter');
    expect(finish('malformed_tool_use')).toBe('server');
    expect(finish('something_new')).toBe('stop');
  });

  it('is a content_filtered failure when filtering left nothing, and content when the guardrail left its message', () => {
    const empty = chatResponse(answer([], 'guardrail_intervened'), call(ask));
    expect(empty).toMatchObject({ ok: false, failure: { class: 'content_filtered', code: 'content_filter' } });
    const masked = chatResponse(answer([{ text: 'Sorry, I cannot answer that.' }], 'guardrail_intervened'), call(ask));
    expect(masked.ok && (masked.value.choices as JsonObject[])[0]).toMatchObject({ message: { content: 'Sorry, I cannot answer that.' }, finish_reason: 'content_filter' });
  });

  it('gives tool calls with null content when the model only called tools, and ignores reasoning blocks', () => {
    const r = chatResponse(answer([{ reasoningContent: { reasoningText: { text: 'hmm' } } }, { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } }], 'tool_use'), call(ask));
    expect(r.ok && (r.value.choices as JsonObject[])[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('refuses a body that is not a Converse answer', () => {
    expect(chatResponse({ message: 'hi' }, call(ask))).toMatchObject({ ok: false, failure: { class: 'server', code: 'upstream_malformed' } });
  });
});

describe('usage', () => {
  it('counts cache reads and writes into the prompt, as OpenAI does', () => {
    expect(usageOf({ inputTokens: 10, outputTokens: 5, totalTokens: 115, cacheReadInputTokens: 60, cacheWriteInputTokens: 40 })).toEqual({
      prompt_tokens: 110,
      completion_tokens: 5,
      total_tokens: 115,
      prompt_tokens_details: { cached_tokens: 60 },
    });
    expect(usageOf({ inputTokens: 'x' })).toBeNull();
  });
});

function run(events: [string, unknown][], body: JsonObject = { ...ask, stream: true }): { chunks: JsonObject[]; steps: StreamStep[] } {
  const t = chatStream(call(body));
  const steps = events.map(([event, data]) => t.next({ event, data: JSON.stringify(data), id: null }));
  const chunks = steps.flatMap((s) => (s.kind === 'chunks' ? s.chunks.map((c) => c.chunk as JsonObject) : []));
  return { chunks, steps };
}
const deltas = (chunks: JsonObject[]): unknown[] => chunks.map((c) => (c.choices as JsonObject[])[0]?.delta);

describe('streams', () => {
  it('puts the role on the first chunk with content, so an exception before any content fails the attempt', () => {
    const { steps } = run([
      ['messageStart', { role: 'assistant' }],
      ['throttlingException', { message: 'Too many requests' }],
    ]);
    expect(steps[0]).toEqual({ kind: 'ignore' });
    expect(steps[1]).toMatchObject({ kind: 'error', failure: { class: 'rate_limited', status: 429, code: 'ThrottlingException', maybeAccepted: true } });
  });

  it('maps each stream exception to its class', () => {
    const cls = (name: string, message = 'x'): unknown => (run([[name, { message }]]).steps[0] as { failure: { class: string } }).failure.class;
    expect(cls('internalServerException')).toBe('server');
    expect(cls('modelStreamErrorException')).toBe('server');
    expect(cls('serviceUnavailableException')).toBe('overloaded');
    expect(cls('validationException')).toBe('invalid_request');
    expect(cls('validationException', 'Input is too long for requested model.')).toBe('context_length_exceeded');
  });

  it('starts with a tool call when the model only calls tools: role, null content, id and name', () => {
    const { chunks } = run([
      ['messageStart', { role: 'assistant' }],
      ['contentBlockStart', { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't1', name: 'f' } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { toolUse: { input: '{}' } } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      ['messageStop', { stopReason: 'tool_use' }],
    ]);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{}' } }] },
      {},
    ]);
  });

  it('answers an empty reply with one chunk holding the role and the finish', () => {
    const { chunks } = run([
      ['messageStart', { role: 'assistant' }],
      ['messageStop', { stopReason: 'end_turn' }],
    ]);
    expect(chunks.map((c) => (c.choices as JsonObject[])[0])).toEqual([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'stop' }]);
  });

  it('fails a stream filtered before any content, and ends one filtered after some with content_filter', () => {
    expect(run([['messageStop', { stopReason: 'content_filtered' }]]).steps[0]).toMatchObject({ kind: 'error', failure: { class: 'content_filtered' } });
    const after = run([
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }],
      ['messageStop', { stopReason: 'guardrail_intervened' }],
    ]);
    expect((after.chunks[1]!.choices as JsonObject[])[0]!.finish_reason).toBe('content_filter');
  });

  it('reports usage from metadata without a chunk unless the client asked for it', () => {
    const meta: [string, unknown] = ['metadata', { usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 }, metrics: { latencyMs: 9 } }];
    expect(run([meta]).steps[0]).toEqual({ kind: 'chunks', chunks: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
    const asked = run([meta], { ...ask, stream: true, stream_options: { include_usage: true } });
    expect(asked.chunks).toEqual([{ id: 'chatcmpl-req-1', object: 'chat.completion.chunk', created: 1_764_000_000, model: call(ask).model, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }]);
  });

  it('ignores unknown events and reasoning deltas; fails on data that is not JSON and on tool input for an unknown block', () => {
    const t = chatStream(call({ ...ask, stream: true }));
    expect(t.next({ event: 'somethingNew', data: '{}', id: null })).toEqual({ kind: 'ignore' });
    expect(t.next({ event: 'contentBlockDelta', data: JSON.stringify({ contentBlockIndex: 0, delta: { reasoningContent: { text: 'hmm' } } }), id: null })).toEqual({ kind: 'ignore' });
    expect(t.next({ event: 'contentBlockDelta', data: 'nope', id: null })).toMatchObject({ kind: 'error', failure: { code: 'upstream_malformed' } });
    expect(t.next({ event: 'contentBlockDelta', data: JSON.stringify({ contentBlockIndex: 4, delta: { toolUse: { input: '{}' } } }), id: null })).toMatchObject({ kind: 'error' });
  });
});

describe('embeddings', () => {
  const TITAN = 'amazon.titan-embed-text-v2:0';
  const COHERE = 'cohere.embed-english-v3';

  it('knows the model families, inference profiles and ARNs included', () => {
    expect(familyOf(TITAN)).toBe('titan-v2');
    expect(familyOf('amazon.titan-embed-text-v1')).toBe('titan-v1');
    expect(familyOf('us.cohere.embed-v4:0')).toBe('cohere');
    expect(familyOf('arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0')).toBe('titan-v2');
    expect(familyOf('anthropic.claude-3-haiku-20240307-v1:0')).toBeNull();
  });

  it('asks Titan once per input (with dimensions) and Cohere in batches of 96 search documents', () => {
    expect(bodyOf(embeddingsRequest(call({ input: ['a', 'b'], dimensions: 256 }, TITAN)).body)).toEqual([{ inputText: 'a', dimensions: 256 }, { inputText: 'b', dimensions: 256 }]);
    const texts = Array.from({ length: 100 }, (_, i) => `t${i}`);
    const cohere = bodyOf(embeddingsRequest(call({ input: texts }, COHERE)).body) as unknown as JsonObject[];
    expect(cohere.map((b) => (b.texts as string[]).length)).toEqual([96, 4]);
    expect(cohere[0]!.input_type).toBe('search_document');
    expect(embeddingsRequest(call({ input: 'a' }, TITAN)).url).toBe('bedrock://us-east-1/model/amazon.titan-embed-text-v2%3A0/invoke');
  });

  it('refuses what the model cannot take', () => {
    const refuse = (body: JsonObject, model: string, message: string): void => expect(() => embeddingsRequest(call(body, model))).toThrow(new UnsupportedInput(message).message);
    refuse({ input: 'a', dimensions: 300 }, TITAN, 'dimensions must be 256, 512 or 1024');
    refuse({ input: 'a', dimensions: 256 }, COHERE, 'dimensions is not supported');
    refuse({ input: [[1, 2, 3]] }, TITAN, 'token arrays are not supported');
    refuse({ input: 'a' }, 'meta.llama3-8b-instruct-v1:0', 'Titan Text Embeddings and Cohere Embed');
    refuse({ input: 'a', encoding_format: 'int8' }, TITAN, 'encoding_format must be');
  });

  it('answers Cohere (no token count) with estimated usage, and base64 vectors when asked', () => {
    const r = embeddingsResponse([{ embeddings: [[1, 0.5], [0, -1]], id: 'x', response_type: 'embeddings_floats', texts: ['abcd', 'efgh'] }], call({ input: ['abcd', 'efgh'], encoding_format: 'base64' }, COHERE));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.usage).toBeNull();
    expect(r.value.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
    const first = (r.value.data as JsonObject[])[0]!.embedding as string;
    expect(Array.from(new Float32Array(new Uint8Array(Buffer.from(first, 'base64')).buffer))).toEqual([1, 0.5]);
  });

  it('reads Cohere answers by type and refuses bodies without vectors', () => {
    const byType = embeddingsResponse([{ embeddings: { float: [[1]] }, response_type: 'embeddings_by_type' }], call({ input: 'a' }, COHERE));
    expect(byType.ok && byType.value.data).toEqual([{ object: 'embedding', index: 0, embedding: [1] }]);
    expect(embeddingsResponse([{ nope: 1 }], call({ input: 'a' }, TITAN))).toMatchObject({ ok: false, failure: { code: 'upstream_malformed' } });
  });
});
