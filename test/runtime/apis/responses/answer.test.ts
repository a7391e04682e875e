/** Canonical chat answers → OpenAI `response` objects: output items, status, usage; read back by the openai SDK. */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { responsesProtocol } from '../../../../runtime/apis/responses/index.ts';
import type { ChatCompletion, JsonObject, Usage } from '../../../../runtime/openai/types.ts';
import { CACHED_USAGE, CTX, TEXT_STREAM, TOOLS_STREAM, USAGE, decodeSse, encodeAll, stubFetch } from '../support.ts';

function completion(message: JsonObject, finishReason: string | null, usage: Usage | null = USAGE): ChatCompletion {
  return { id: 'chatcmpl-1', object: 'chat.completion', created: CTX.created, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }], usage };
}

const TOOL_CALLS = [
  { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
  { id: 'call_t', type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Oslo"}' } },
];
const RESPONSE = { id: 'resp_req_1', object: 'response', created_at: CTX.created, error: null, model: 'smart' };
const USAGE_OUT = { input_tokens: 25, input_tokens_details: { cached_tokens: 0 }, output_tokens: 15, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 40 };
const text = (t: string): JsonObject => ({ type: 'output_text', text: t, annotations: [] });
const weather = (status: string): JsonObject => ({ id: 'fc_req_1_0', type: 'function_call', status, arguments: '{"city":"Oslo"}', call_id: 'call_w', name: 'get_weather' });
const time = (status: string): JsonObject => ({ id: 'fc_req_1_1', type: 'function_call', status, arguments: '{"zone":"Europe/Oslo"}', call_id: 'call_t', name: 'get_time' });

/** [name, chat completion, response]. */
const ANSWERS: readonly [string, ChatCompletion, JsonObject][] = [
  [
    'text',
    completion({ content: 'Under a silver moon, a unicorn dreamed.' }, 'stop'),
    {
      ...RESPONSE,
      status: 'completed',
      incomplete_details: null,
      output: [{ id: 'msg_req_1', type: 'message', status: 'completed', role: 'assistant', content: [text('Under a silver moon, a unicorn dreamed.')] }],
      usage: USAGE_OUT,
    },
  ],
  [
    'text, then a function_call item per tool call',
    completion({ content: 'Let me check.', tool_calls: TOOL_CALLS }, 'tool_calls'),
    {
      ...RESPONSE,
      status: 'completed',
      incomplete_details: null,
      output: [{ id: 'msg_req_1', type: 'message', status: 'completed', role: 'assistant', content: [text('Let me check.')] }, weather('completed'), time('completed')],
      usage: USAGE_OUT,
    },
  ],
  [
    'tool calls only',
    completion({ content: null, tool_calls: TOOL_CALLS }, 'tool_calls'),
    { ...RESPONSE, status: 'completed', incomplete_details: null, output: [weather('completed'), time('completed')], usage: USAGE_OUT },
  ],
  [
    'a refusal part',
    completion({ content: null, refusal: "I'm sorry, I can't help with that." }, 'stop'),
    {
      ...RESPONSE,
      status: 'completed',
      incomplete_details: null,
      output: [{ id: 'msg_req_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: "I'm sorry, I can't help with that." }] }],
      usage: USAGE_OUT,
    },
  ],
  [
    'a length finish is incomplete (max_output_tokens)',
    completion({ content: 'Once upon a' }, 'length'),
    {
      ...RESPONSE,
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ id: 'msg_req_1', type: 'message', status: 'incomplete', role: 'assistant', content: [text('Once upon a')] }],
      usage: USAGE_OUT,
    },
  ],
  [
    'a content filter finish is incomplete (content_filter)',
    completion({ content: '' }, 'content_filter'),
    { ...RESPONSE, status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [], usage: USAGE_OUT },
  ],
  [
    'usage with cache reads, cache writes and reasoning tokens',
    completion({ content: 'Cached.' }, 'stop', CACHED_USAGE),
    {
      ...RESPONSE,
      status: 'completed',
      incomplete_details: null,
      output: [{ id: 'msg_req_1', type: 'message', status: 'completed', role: 'assistant', content: [text('Cached.')] }],
      usage: { input_tokens: 2100, input_tokens_details: { cached_tokens: 1800, cache_write_tokens: 200 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 2150 },
    },
  ],
  [
    'no usage reported',
    completion({ content: 'Hi.' }, 'stop', null),
    { ...RESPONSE, status: 'completed', incomplete_details: null, output: [{ id: 'msg_req_1', type: 'message', status: 'completed', role: 'assistant', content: [text('Hi.')] }], usage: null },
  ],
];

describe('responsesProtocol.fromChat', () => {
  it.each(ANSWERS)('%s', (_name, chat, response) => {
    expect(responsesProtocol.fromChat(chat, CTX)).toEqual(response);
  });

  it('is read back by the openai SDK (output_text, function calls, usage)', async () => {
    const response = responsesProtocol.fromChat(completion({ content: 'Let me check.', tool_calls: TOOL_CALLS }, 'tool_calls', CACHED_USAGE), CTX);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: stubFetch(200, JSON.stringify(response)).fetch });
    const read = await client.responses.create({ model: 'smart', input: 'Weather and time in Oslo?' });
    expect(read.output_text).toBe('Let me check.');
    expect(read.output.filter((i) => i.type === 'function_call').map((i) => (i.type === 'function_call' ? [i.call_id, JSON.parse(i.arguments)] : null))).toEqual([
      ['call_w', { city: 'Oslo' }],
      ['call_t', { zone: 'Europe/Oslo' }],
    ]);
    expect(read.usage?.input_tokens_details.cached_tokens).toBe(1800);
  });

  it('gives the same response as the stream ends with, for the same answer', () => {
    const final = (chunks: Parameters<typeof encodeAll>[1]): unknown => decodeSse(encodeAll(responsesProtocol.streamEncoder(CTX), chunks, USAGE)).at(-1)?.data.response;
    expect(final(TOOLS_STREAM)).toEqual(responsesProtocol.fromChat(completion({ content: 'Let me check.', tool_calls: TOOL_CALLS }, 'tool_calls'), CTX));
    expect(final(TEXT_STREAM)).toEqual(responsesProtocol.fromChat(completion({ content: 'Hello! 🌍' }, 'stop'), CTX));
  });
});
