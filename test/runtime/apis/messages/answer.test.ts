/** Canonical chat answers → Anthropic `message` objects: text, tool calls, stop reasons, usage with cache fields; read back by the Anthropic SDK. */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { anthropicUsage, stopReason } from '../../../../runtime/apis/messages/answer.ts';
import { messagesProtocol } from '../../../../runtime/apis/messages/index.ts';
import { isGatewayError } from '../../../../runtime/core/errors.ts';
import type { ChatCompletion, JsonObject, Usage } from '../../../../runtime/openai/types.ts';
import { CACHED_USAGE, CTX, USAGE, stubFetch } from '../support.ts';

function completion(message: JsonObject, finishReason: string | null, usage: Usage | null = USAGE): ChatCompletion {
  return { id: 'chatcmpl-1', object: 'chat.completion', created: CTX.created, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }], usage };
}

const TOOL_CALLS = [
  { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
  { id: 'call_t', type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' } },
];

/** [name, chat completion, Anthropic message]. */
const ANSWERS: readonly [string, ChatCompletion, JsonObject][] = [
  [
    'text',
    completion({ content: "Hi, I'm Claude." }, 'stop'),
    {
      id: 'msg_req_1',
      type: 'message',
      role: 'assistant',
      model: 'smart',
      content: [{ type: 'text', text: "Hi, I'm Claude." }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 25, output_tokens: 15 },
    },
  ],
  [
    'text and two tool calls',
    completion({ content: 'Let me check.', tool_calls: TOOL_CALLS }, 'tool_calls'),
    {
      id: 'msg_req_1',
      type: 'message',
      role: 'assistant',
      model: 'smart',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Oslo' } },
        { type: 'tool_use', id: 'call_t', name: 'get_time', input: { zone: 'Europe/Oslo' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 25, output_tokens: 15 },
    },
  ],
  [
    'tool calls only, empty arguments',
    completion({ content: null, tool_calls: [{ id: 'call_n', type: 'function', function: { name: 'now', arguments: '' } }] }, 'tool_calls'),
    {
      id: 'msg_req_1',
      type: 'message',
      role: 'assistant',
      model: 'smart',
      content: [{ type: 'tool_use', id: 'call_n', name: 'now', input: {} }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 25, output_tokens: 15 },
    },
  ],
  [
    'a refusal',
    completion({ content: null, refusal: "I'm sorry, I can't help with that." }, 'stop'),
    {
      id: 'msg_req_1',
      type: 'message',
      role: 'assistant',
      model: 'smart',
      content: [{ type: 'text', text: "I'm sorry, I can't help with that." }],
      stop_reason: 'refusal',
      stop_sequence: null,
      usage: { input_tokens: 25, output_tokens: 15 },
    },
  ],
  [
    'cache reads and writes come out of input_tokens',
    completion({ content: 'Cached.' }, 'stop', CACHED_USAGE),
    {
      id: 'msg_req_1',
      type: 'message',
      role: 'assistant',
      model: 'smart',
      content: [{ type: 'text', text: 'Cached.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 200, cache_read_input_tokens: 1800 },
    },
  ],
  [
    'no usage and no content',
    completion({ content: '' }, 'length', null),
    { id: 'msg_req_1', type: 'message', role: 'assistant', model: 'smart', content: [], stop_reason: 'max_tokens', stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
  ],
];

const STOP_REASONS: readonly [string | null, boolean, string][] = [
  ['stop', false, 'end_turn'],
  ['length', false, 'max_tokens'],
  ['tool_calls', false, 'tool_use'],
  ['function_call', false, 'tool_use'],
  ['content_filter', false, 'refusal'],
  ['stop', true, 'refusal'],
  [null, false, 'end_turn'],
  ['something_new', false, 'end_turn'],
];

const USAGES: readonly [string, Usage, JsonObject][] = [
  ['plain', USAGE, { input_tokens: 25, output_tokens: 15 }],
  ['cached_tokens 0 (OpenAI always reports it)', { ...USAGE, prompt_tokens_details: { cached_tokens: 0 } }, { input_tokens: 25, output_tokens: 15, cache_read_input_tokens: 0 }],
  ['reads only', { ...USAGE, prompt_tokens_details: { cached_tokens: 20 } }, { input_tokens: 5, output_tokens: 15, cache_read_input_tokens: 20 }],
  ['reads and writes', CACHED_USAGE, { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 200, cache_read_input_tokens: 1800 }],
];

describe('messagesProtocol.fromChat', () => {
  it.each(ANSWERS)('%s', (_name, chat, message) => {
    expect(messagesProtocol.fromChat(chat, CTX)).toEqual(message);
  });

  it.each(STOP_REASONS)('finish_reason %s (refusal %s) → %s', (finish, refused, reason) => {
    expect(stopReason(finish, refused)).toBe(reason);
  });

  it.each(USAGES)('usage: %s', (_name, usage, anthropic) => {
    expect(anthropicUsage(usage)).toEqual(anthropic);
  });

  it('refuses tool arguments that are not a JSON object as upstream_malformed', () => {
    for (const args of ['{"city":', '[1,2]']) {
      const chat = completion({ content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: args } }] }, 'tool_calls');
      let thrown: unknown;
      try {
        messagesProtocol.fromChat(chat, CTX);
      } catch (error) {
        thrown = error;
      }
      expect(isGatewayError(thrown) && thrown.code).toBe('upstream_malformed');
    }
  });

  it('is read back by the Anthropic SDK unchanged', async () => {
    const message = messagesProtocol.fromChat(completion({ content: 'Let me check.', tool_calls: TOOL_CALLS }, 'tool_calls', CACHED_USAGE), CTX);
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://gateway.test', maxRetries: 0, fetch: stubFetch(200, JSON.stringify(message)).fetch });
    const read = await client.messages.create({ model: 'smart', max_tokens: 100, messages: [{ role: 'user', content: 'Weather and time in Oslo?' }] });
    expect(read.content.map((b) => (b.type === 'tool_use' ? b.input : b.type))).toEqual(['text', { city: 'Oslo' }, { zone: 'Europe/Oslo' }]);
    expect(read.stop_reason).toBe('tool_use');
    expect(read.usage.cache_read_input_tokens).toBe(1800);
  });
});
