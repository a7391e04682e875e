/**
 * Messages API answers to chat completions: stop reasons, usage with prompt-cache tokens,
 * content made of several blocks, and answers that are not messages.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { anthropicAdapter } from '../../../../runtime/providers/anthropic/index.ts';
import { input } from './support.ts';

const message = (extra: JsonObject = {}): JsonObject => ({
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-test-20250101',
  content: [{ type: 'text', text: 'Hi' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 3 },
  ...extra,
});
const parse = (body: unknown) => anthropicAdapter.chat.response(body, input({ messages: [] }));
const value = (body: unknown): JsonObject => {
  const r = parse(body);
  if (!r.ok) throw new Error(r.failure.message);
  return r.value;
};
const choice = (body: unknown): JsonObject => (value(body).choices as JsonObject[])[0]!;

describe('stop reasons', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['something_new', 'stop'],
  ])('%s → %s', (stop, finish) => {
    expect(choice(message({ stop_reason: stop })).finish_reason).toBe(finish);
  });
});

describe('usage', () => {
  it('counts cache reads and writes in the prompt and reports both apart', () => {
    const r = parse(message({ usage: { input_tokens: 50, cache_creation_input_tokens: 1000, cache_read_input_tokens: 2000, output_tokens: 30 } }));
    const want = { prompt_tokens: 3050, completion_tokens: 30, total_tokens: 3080, prompt_tokens_details: { cached_tokens: 2000, cache_creation_tokens: 1000 } };
    expect(r.ok && r.value.usage).toEqual(want);
    expect(r.ok && r.usage).toEqual(want);
  });

  it('reads null cache counts as none, and leaves usage out when the answer has none', () => {
    expect(value(message({ usage: { input_tokens: 5, cache_creation_input_tokens: null, cache_read_input_tokens: null, output_tokens: 1 } })).usage).toEqual({
      prompt_tokens: 5,
      completion_tokens: 1,
      total_tokens: 6,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
    });
    const r = parse(message({ usage: undefined }));
    expect(r.ok && r.usage).toBeNull();
    expect(r.ok && r.value).not.toHaveProperty('usage');
  });
});

describe('content', () => {
  it('joins text blocks around tool calls and keeps id, model and the gateway created time', () => {
    const v = value(
      message({
        content: [
          { type: 'text', text: 'Let me check. ' },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: [1, { b: 'c' }] } },
          { type: 'text', text: 'Done.' },
        ],
        stop_reason: 'tool_use',
      }),
    );
    expect(v).toMatchObject({ id: 'msg_01', object: 'chat.completion', created: 1_700_000_000, model: 'claude-test-20250101' });
    expect((v.choices as JsonObject[])[0]!.message).toEqual({
      role: 'assistant',
      content: 'Let me check. Done.',
      refusal: null,
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":[1,{"b":"c"}]}' } }],
    });
  });

  it('has null content for tool calls alone and empty content for an empty answer; thinking blocks are not text', () => {
    expect((choice(message({ content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] })).message as JsonObject).content).toBeNull();
    expect((choice(message({ content: [] })).message as JsonObject).content).toBe('');
    expect((choice(message({ content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'A' }] })).message as JsonObject).content).toBe('A');
  });

  it('fails on an error body and on bodies that are not messages', () => {
    const err = parse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(err.ok === false && err.failure).toMatchObject({ class: 'overloaded', source: 'provider', maybeAccepted: true });
    for (const body of [null, [], { id: 'x' }, { content: [] }]) expect(parse(body)).toMatchObject({ ok: false, failure: { class: 'server', code: 'upstream_malformed' } });
  });
});
