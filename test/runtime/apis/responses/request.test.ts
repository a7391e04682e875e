/** OpenAI Responses requests → canonical chat requests: every item and part kind, every parameter, every refusal with its `param`. */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { responsesProtocol } from '../../../../runtime/apis/responses/index.ts';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { refusal, stubFetch } from '../support.ts';

const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'Get current temperature for a given location.',
  parameters: { type: 'object', properties: { location: { type: 'string', description: 'City and country e.g. Bogotá, Colombia' } }, required: ['location'], additionalProperties: false },
  strict: true,
};
const CHAT_WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.parameters, strict: true },
};
const STORY = 'Tell me a three sentence bedtime story about a unicorn.';
const base = { model: 'smart' };
const story = [{ role: 'user', content: STORY }];

/** [name, Responses body, canonical chat body] — the examples follow OpenAI's API reference and guides. */
const TRANSLATIONS: readonly [string, JsonObject, JsonObject][] = [
  ['input as a string', { ...base, input: STORY }, { model: 'smart', messages: story }],
  [
    'instructions become the first system message',
    { ...base, instructions: 'Talk like a pirate.', input: 'Are semicolons optional in JavaScript?' },
    { model: 'smart', messages: [{ role: 'system', content: 'Talk like a pirate.' }, { role: 'user', content: 'Are semicolons optional in JavaScript?' }] },
  ],
  [
    'message items of every role; developer becomes system',
    {
      ...base,
      input: [
        { role: 'developer', content: 'Talk like a pirate.' },
        { role: 'system', content: [{ type: 'input_text', text: 'Be brief.' }] },
        { role: 'user', content: 'Knock knock.' },
        { role: 'assistant', content: "Who's there?" },
        { type: 'message', role: 'user', content: 'Orange.' },
      ],
    },
    {
      model: 'smart',
      messages: [
        { role: 'system', content: 'Talk like a pirate.' },
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: 'Knock knock.' },
        { role: 'assistant', content: "Who's there?" },
        { role: 'user', content: 'Orange.' },
      ],
    },
  ],
  [
    'input_text and input_image parts (URL with detail, data URL)',
    {
      ...base,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'what is in this image?' },
            { type: 'input_image', image_url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg', detail: 'high' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
          ],
        },
      ],
    },
    {
      model: 'smart',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is in this image?' },
            { type: 'image_url', image_url: { url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    },
  ],
  [
    'an earlier output message sent back (output_text and refusal parts)',
    {
      ...base,
      input: [
        ...story,
        { id: 'msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Once upon a time…', annotations: [] }] },
        { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: "I can't continue." }] },
      ],
    },
    {
      model: 'smart',
      messages: [...story, { role: 'assistant', content: [{ type: 'text', text: 'Once upon a time…' }] }, { role: 'assistant', content: null, refusal: "I can't continue." }],
    },
  ],
  [
    'function_call items join the assistant message before them; function_call_output items become tool messages',
    {
      ...base,
      tools: [WEATHER_TOOL],
      input: [
        { role: 'user', content: "What's the weather like in Paris and Bogotá today?" },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking both.', annotations: [] }] },
        { type: 'function_call', id: 'fc_12345xyz', call_id: 'call_12345xyz', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
        { type: 'function_call', id: 'fc_67890abc', call_id: 'call_67890abc', name: 'get_weather', arguments: '{"location":"Bogotá, Colombia"}', status: 'completed' },
        { type: 'function_call_output', call_id: 'call_12345xyz', output: '14' },
        { type: 'function_call_output', call_id: 'call_67890abc', output: [{ type: 'input_text', text: '19' }] },
      ],
    },
    {
      model: 'smart',
      messages: [
        { role: 'user', content: "What's the weather like in Paris and Bogotá today?" },
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Checking both.' }],
          tool_calls: [
            { id: 'call_12345xyz', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris, France"}' } },
            { id: 'call_67890abc', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Bogotá, Colombia"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_12345xyz', content: '14' },
        { role: 'tool', tool_call_id: 'call_67890abc', content: [{ type: 'text', text: '19' }] },
      ],
      tools: [CHAT_WEATHER_TOOL],
    },
  ],
  [
    'a function_call with nothing before it starts an assistant message',
    { ...base, input: [{ type: 'function_call', call_id: 'call_1', name: 'now', arguments: '{}' }, { type: 'function_call_output', call_id: 'call_1', output: '12:00' }] },
    {
      model: 'smart',
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'now', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '12:00' },
      ],
    },
  ],
  [
    'tools (null fields left out), tool_choice naming a function, parallel_tool_calls',
    {
      ...base,
      input: STORY,
      tools: [WEATHER_TOOL, { type: 'function', name: 'now', parameters: null, strict: null, description: null }],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
    },
    {
      model: 'smart',
      messages: story,
      tools: [CHAT_WEATHER_TOOL, { type: 'function', function: { name: 'now' } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    },
  ],
  [
    'sampling, limits, identifiers and stream',
    { ...base, input: STORY, max_output_tokens: 500, temperature: 0.7, top_p: 0.9, user: 'user-1', safety_identifier: 'h-1', prompt_cache_key: 'k-1', service_tier: 'flex', stream: true },
    { model: 'smart', messages: story, max_tokens: 500, temperature: 0.7, top_p: 0.9, user: 'user-1', safety_identifier: 'h-1', prompt_cache_key: 'k-1', service_tier: 'flex', stream: true },
  ],
  [
    'text.format json_schema → response_format; verbosity kept',
    {
      ...base,
      input: STORY,
      text: { format: { type: 'json_schema', name: 'calendar_event', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, strict: true }, verbosity: 'low' },
    },
    {
      model: 'smart',
      messages: story,
      verbosity: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'calendar_event', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, strict: true } },
    },
  ],
  ['text.format json_object', { ...base, input: STORY, text: { format: { type: 'json_object' } } }, { model: 'smart', messages: story, response_format: { type: 'json_object' } }],
  ['text.format text adds nothing', { ...base, input: STORY, text: { format: { type: 'text' } } }, { model: 'smart', messages: story }],
  ['reasoning.effort → reasoning_effort', { ...base, input: STORY, reasoning: { effort: 'low', summary: null } }, { model: 'smart', messages: story, reasoning_effort: 'low' }],
  [
    'null fields, store, background false, empty include, disabled truncation and obfuscation are accepted and add nothing',
    {
      ...base,
      input: STORY,
      previous_response_id: null,
      instructions: null,
      metadata: null,
      store: true,
      background: false,
      include: [],
      truncation: 'disabled',
      stream_options: { include_obfuscation: false },
    },
    { model: 'smart', messages: story },
  ],
];

const TOOL_CHOICES: readonly [unknown, unknown][] = [
  ['auto', 'auto'],
  ['none', 'none'],
  ['required', 'required'],
  [{ type: 'function', name: 'get_weather' }, { type: 'function', function: { name: 'get_weather' } }],
];

/** [name, body, param, words the message must contain]. */
const REFUSALS: readonly [string, JsonObject, string, string][] = [
  ['previous_response_id', { ...base, input: STORY, previous_response_id: 'resp_123' }, 'previous_response_id', 'keeps no responses'],
  ['conversation', { ...base, input: STORY, conversation: 'conv_123' }, 'conversation', 'keeps no responses'],
  ['background', { ...base, input: STORY, background: true }, 'background', 'stored state'],
  ['prompt templates', { ...base, prompt: { id: 'pmpt_123', version: '2' } }, 'prompt', 'templates'],
  ['metadata', { ...base, input: STORY, metadata: { run: '7' } }, 'metadata', 'x-sluice-metadata'],
  ['include', { ...base, input: STORY, include: ['reasoning.encrypted_content'] }, 'include[0]', 'not carried'],
  ['truncation auto', { ...base, input: STORY, truncation: 'auto' }, 'truncation', "'disabled'"],
  ['top_logprobs', { ...base, input: STORY, top_logprobs: 5 }, 'top_logprobs', 'log probabilities'],
  ['max_tool_calls', { ...base, input: STORY, max_tool_calls: 3 }, 'max_tool_calls', 'built-in tools'],
  ['an unknown field', { ...base, input: STORY, frequency_penalty: 1 }, 'frequency_penalty', 'never drops'],
  ['input missing', { ...base, instructions: 'Hi' }, 'input', 'required'],
  ['input empty', { ...base, input: [] }, 'input', 'at least one'],
  ['input neither string nor list', { ...base, input: 42 }, 'input', 'array'],
  ['a built-in web_search tool', { ...base, input: STORY, tools: [{ type: 'web_search' }] }, 'tools[0].type', "'web_search' is a built-in"],
  ['a built-in file_search tool', { ...base, input: STORY, tools: [WEATHER_TOOL, { type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[1].type', "'file_search' is a built-in"],
  ['a custom tool', { ...base, input: STORY, tools: [{ type: 'custom', name: 'code_exec' }] }, 'tools[0].type', "'custom'"],
  ['a function tool field the chat request lacks', { ...base, input: STORY, tools: [{ ...WEATHER_TOOL, defer_loading: true }] }, 'tools[0].defer_loading', 'not supported'],
  ['tool_choice of a hosted tool', { ...base, input: STORY, tool_choice: { type: 'file_search' } }, 'tool_choice.type', "'file_search'"],
  ['tool_choice allowed_tools', { ...base, input: STORY, tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } }, 'tool_choice.type', "'allowed_tools'"],
  ['tool_choice as an unknown string', { ...base, input: STORY, tool_choice: 'any' }, 'tool_choice', "'none', 'auto', 'required'"],
  ['an item_reference', { ...base, input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', 'no items'],
  ['a reasoning item', { ...base, input: [...story, { type: 'reasoning', id: 'rs_1', summary: [] }] }, 'input[1].type', 'reasoning items'],
  ['a built-in tool call item', { ...base, input: [{ type: 'web_search_call', id: 'ws_1', status: 'completed' }] }, 'input[0].type', "'web_search_call' items"],
  ['an item without a type or role', { ...base, input: [{ content: 'hi' }] }, 'input[0].type', 'string'],
  ['an unknown role', { ...base, input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', "'user', 'assistant', 'system' or 'developer'"],
  ['a message phase', { ...base, input: [...story, { role: 'assistant', content: 'Once…', phase: 'final_answer' }] }, 'input[1].phase', 'phases'],
  ['an input_file part', { ...base, input: [{ role: 'user', content: [{ type: 'input_text', text: 'Sum up' }, { type: 'input_file', file_id: 'file-1' }] }] }, 'input[0].content[1].type', "'input_file'"],
  ['an image by file_id', { ...base, input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] }] }, 'input[0].content[0].file_id', 'URL'],
  ['an image without a URL', { ...base, input: [{ role: 'user', content: [{ type: 'input_image', detail: 'auto' }] }] }, 'input[0].content[0].image_url', 'string'],
  ['an image in a developer message', { ...base, input: [{ role: 'developer', content: [{ type: 'input_image', image_url: 'https://x.test/a.png' }] }] }, 'input[0].content[0].type', 'user messages only'],
  ['an audio part in an assistant message', { ...base, input: [{ role: 'assistant', content: [{ type: 'output_audio' }] }] }, 'input[0].content[0].type', "'output_audio'"],
  ['a function_call without call_id', { ...base, input: [...story, { type: 'function_call', name: 'now', arguments: '{}' }] }, 'input[1].call_id', 'string'],
  ['a namespaced function_call', { ...base, input: [{ type: 'function_call', call_id: 'c', name: 'now', arguments: '{}', namespace: 'tools' }] }, 'input[0].namespace', 'namespaced'],
  ['a function_call_output without call_id', { ...base, input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id', 'string'],
  [
    'an image in a function_call_output',
    { ...base, input: [{ type: 'function_call', call_id: 'c', name: 'shot', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'https://x.test/a.png' }] }] },
    'input[1].output[0].type',
    'text only',
  ],
  ['reasoning.summary', { ...base, input: STORY, reasoning: { effort: 'high', summary: 'auto' } }, 'reasoning.summary', 'summaries'],
  ['text.format of an unknown type', { ...base, input: STORY, text: { format: { type: 'grammar' } } }, 'text.format.type', "'json_schema'"],
  ['a json_schema format without a name', { ...base, input: STORY, text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name', 'string'],
  ['max_output_tokens zero', { ...base, input: STORY, max_output_tokens: 0 }, 'max_output_tokens', 'integer of at least 1'],
  ['stream_options the gateway does not know', { ...base, input: STORY, stream_options: { include_usage: true } }, 'stream_options.include_usage', 'not supported'],
];

describe('responsesProtocol.toChat', () => {
  it.each(TRANSLATIONS)('%s', (_name, body, chat) => {
    expect(responsesProtocol.toChat(body)).toEqual(chat);
  });

  it.each(TOOL_CHOICES)('tool_choice %j', (choice, chat) => {
    expect(responsesProtocol.toChat({ ...base, input: STORY, tool_choice: choice })).toEqual({ model: 'smart', messages: story, tool_choice: chat });
  });

  it.each(REFUSALS)('refuses %s', (_name, body, param, words) => {
    const message = refusal(responsesProtocol, body, param);
    expect(message).toContain(param);
    expect(message).toContain(words);
  });

  it('wants a stream only for stream: true', () => {
    expect(responsesProtocol.wantsStream({ ...base, input: STORY, stream: true })).toBe(true);
    expect(responsesProtocol.wantsStream({ ...base, input: STORY, stream: null })).toBe(false);
    expect(responsesProtocol.wantsStream({ ...base, input: STORY })).toBe(false);
  });

  it('takes the request body the openai SDK sends', async () => {
    const { fetch, sent } = stubFetch(400, JSON.stringify({ error: { message: 'stop here', type: 'invalid_request_error', param: null, code: 'x' } }));
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch });
    await expect(
      client.responses.create({
        model: 'smart',
        instructions: 'Be brief.',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }, { type: 'input_image', image_url: 'https://x.test/paris.jpg', detail: 'low' }] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
          { type: 'function_call_output', call_id: 'call_1', output: '14' },
        ],
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: false }],
        tool_choice: 'auto',
        max_output_tokens: 300,
        store: false,
      }),
    ).rejects.toThrow();
    const body = sent[0];
    if (!body) throw new Error('the SDK sent nothing');
    expect(responsesProtocol.toChat(body)).toMatchObject({
      model: 'smart',
      max_tokens: 300,
      tool_choice: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image_url', image_url: { url: 'https://x.test/paris.jpg', detail: 'low' } }] },
        { role: 'assistant', tool_calls: [{ id: 'call_1' }] },
        { role: 'tool', tool_call_id: 'call_1', content: '14' },
      ],
    });
  });
});
