/**
 * Messages API streams to chat completion chunks: tool-call indexes when text comes first,
 * where the role goes, pings, usage, and the failures a stream can carry.
 */
import { describe, expect, it } from 'vitest';
import type { ChatChunk, JsonObject } from '../../../../runtime/openai/types.ts';
import { anthropicAdapter } from '../../../../runtime/providers/anthropic/index.ts';
import type { StreamStep } from '../../../../runtime/providers/types.ts';
import { blockStop, feed, input, jsonDelta, messageDelta, messageStart, messageStop, sse, textDelta, textStart, toolStart } from './support.ts';

const translator = (body: JsonObject = { stream: true }) => anthropicAdapter.chat.stream(input({ messages: [], ...body }));
const chunksOf = (steps: readonly StreamStep[]): ChatChunk[] => steps.flatMap((s) => (s.kind === 'chunks' ? s.chunks.map((c) => c.chunk) : []));
const deltas = (steps: readonly StreamStep[]): unknown[] => chunksOf(steps).flatMap((c) => (c.choices ?? []).map((ch) => ch.delta));

describe('tool calls', () => {
  it('numbers tool calls by their order among tool_use blocks, not by block index, with id and name first', () => {
    const steps = feed(translator(), [
      messageStart(),
      textStart(0),
      textDelta(0, 'Checking.'),
      blockStop(0),
      toolStart(1, 'toolu_a', 'get_weather'),
      jsonDelta(1, ''),
      jsonDelta(1, '{"city":'),
      toolStart(2, 'toolu_b', 'get_time'),
      jsonDelta(2, '{"zone":"UTC"}'),
      jsonDelta(1, '"Oslo"}'),
      blockStop(1),
      blockStop(2),
      messageDelta('tool_use'),
      messageStop,
    ]);
    expect(deltas(steps)).toEqual([
      { role: 'assistant', content: 'Checking.' },
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'get_time', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"zone":"UTC"}' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
      {},
    ]);
    expect(chunksOf(steps).at(-1)!.choices![0]!.finish_reason).toBe('tool_calls');
    expect(steps.at(-1)).toEqual({ kind: 'done' });
  });

  it('puts the role (and null content) on a first tool call, and sends input given whole at block start when no deltas follow', () => {
    const steps = feed(translator(), [messageStart(), toolStart(0, 'toolu_x', 'f', { q: 1 }), blockStop(0), messageDelta('tool_use')]);
    expect(deltas(steps)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'toolu_x', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"q":1}' } }] },
      {},
    ]);
  });
});

describe('shape of the chunks', () => {
  it('uses the message id and model from message_start, and the gateway created time', () => {
    const [chunk] = chunksOf(feed(translator(), [messageStart(undefined, 'msg_abc'), textStart(0), textDelta(0, 'Hi')]));
    expect(chunk).toEqual({ id: 'msg_abc', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'claude-test-20250101', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, logprobs: null, finish_reason: null }] });
  });

  it('sends nothing for message_start, ping, an empty text block start, thinking and unknown events', () => {
    const steps = feed(translator(), [
      messageStart(),
      { type: 'ping' },
      textStart(0),
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      { type: 'brand_new_event', x: 1 },
    ]);
    expect(steps.every((s) => s.kind === 'ignore')).toBe(true);
  });

  it('answers an empty message with the role, empty content and the finish reason in one chunk', () => {
    expect(deltas(feed(translator(), [messageStart(), messageDelta('max_tokens')]))).toEqual([{ role: 'assistant', content: '' }]);
  });

  it('finishes once: a later message_delta only updates usage, and message_stop finishes a stream that never said why it stopped', () => {
    const twice = feed(translator(), [messageStart(), textStart(0), textDelta(0, 'x'), messageDelta('end_turn', { output_tokens: 2 }), messageDelta('end_turn', { output_tokens: 3 })]);
    expect(twice.at(-1)).toMatchObject({ kind: 'chunks', chunks: [], usage: { completion_tokens: 3 } });
    expect(chunksOf(twice).filter((c) => c.choices?.[0]?.finish_reason)).toHaveLength(1);
    const t = translator();
    const steps = feed(t, [messageStart(), textStart(0), textDelta(0, 'x'), { type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 1 } }, messageStop]);
    expect(steps[3]).toMatchObject({ kind: 'chunks', chunks: [] });
    expect(chunksOf(steps.slice(4))[0]!.choices![0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(t.next(sse({ type: 'ping' }))).toEqual({ kind: 'done' });
  });

  it('is done at message_stop, and stays done', () => {
    const t = translator();
    feed(t, [messageStart(), textStart(0), textDelta(0, 'x'), messageDelta('end_turn')]);
    expect(t.next(sse(messageStop))).toEqual({ kind: 'done' });
    expect(t.next(sse({ type: 'ping' }))).toEqual({ kind: 'done' });
  });
});

describe('usage', () => {
  const events = [
    messageStart({ input_tokens: 20, cache_creation_input_tokens: 100, cache_read_input_tokens: 300, output_tokens: 1 }),
    textStart(0),
    textDelta(0, 'x'),
    messageDelta('end_turn', { input_tokens: null, cache_read_input_tokens: null, output_tokens: 12 }),
  ];
  const want = { prompt_tokens: 420, completion_tokens: 12, total_tokens: 432, prompt_tokens_details: { cached_tokens: 300, cache_creation_tokens: 100 } };

  it('reports usage with the finish, input counts from message_start, and no usage chunk unless asked', () => {
    const steps = feed(translator(), events);
    expect(steps.at(-1)).toMatchObject({ kind: 'chunks', usage: want });
    expect(chunksOf(steps).some((c) => c.choices?.length === 0)).toBe(false);
  });

  it('adds a usage chunk with no choices after the finish when the client asked for it', () => {
    const chunks = chunksOf(feed(translator({ stream: true, stream_options: { include_usage: true } }), events));
    expect(chunks.at(-1)).toEqual({ id: 'msg_1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'claude-test-20250101', choices: [], usage: want });
    expect(chunks.at(-2)!.choices![0]!.finish_reason).toBe('stop');
  });
});

describe('failures', () => {
  it('fails on an error event before any content, with the class of the error type', () => {
    const steps = feed(translator(), [messageStart(), { type: 'ping' }, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]);
    expect(chunksOf(steps)).toEqual([]);
    expect(steps.at(-1)).toMatchObject({ kind: 'error', failure: { class: 'overloaded', code: 'overloaded_error', status: null, source: 'provider', maybeAccepted: true } });
  });

  it.each([
    ['rate_limit_error', 'Rate limited', 'rate_limited'],
    ['api_error', 'Internal server error', 'server'],
    ['timeout_error', 'Request timed out', 'timeout'],
    ['invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum', 'context_length_exceeded'],
    ['authentication_error', 'invalid x-api-key', 'auth'],
    ['some_future_error', 'Huh', 'server'],
  ])('event: error of type %s → %s', (type, message, cls) => {
    expect(translator().next(sse({ type: 'error', error: { type, message } }))).toMatchObject({ kind: 'error', failure: { class: cls } });
  });

  it('fails with upstream_malformed on event data that is not a JSON object', () => {
    const t = translator();
    expect(t.next(sse('{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "oo', 'content_block_delta'))).toMatchObject({
      kind: 'error',
      failure: { class: 'server', code: 'upstream_malformed', maybeAccepted: true },
    });
    expect(t.next(sse('[1,2]', 'message_delta'))).toMatchObject({ kind: 'error', failure: { code: 'upstream_malformed' } });
  });
});
