/** Anthropic Messages requests → canonical chat requests: every block kind, every parameter, every refusal with its `param`. */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { messagesProtocol } from '../../../../runtime/apis/messages/index.ts';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { refusal, stubFetch } from '../support.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const EPHEMERAL = { type: 'ephemeral' };
const WEATHER = {
  name: 'get_weather',
  description: 'Get the current weather in a given location',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};
const base = { model: 'smart', max_tokens: 1024 };
const hello = [{ role: 'user', content: 'Hello, Claude' }];

/** [name, Anthropic body, canonical chat body] — the examples follow Anthropic's API reference and guides. */
const TRANSLATIONS: readonly [string, JsonObject, JsonObject][] = [
  ['one user message', { ...base, messages: hello }, { model: 'smart', messages: hello, max_tokens: 1024 }],
  [
    'system as a string, several turns, assistant prefill',
    {
      ...base,
      system: 'You are a terse assistant.',
      messages: [
        { role: 'user', content: 'Hello there.' },
        { role: 'assistant', content: "Hi, I'm Claude. How can I help you?" },
        { role: 'user', content: "What's the Greek name for Sun? (A) Sol (B) Helios (C) Sun" },
        { role: 'assistant', content: 'The best answer is (' },
      ],
    },
    {
      model: 'smart',
      messages: [
        { role: 'system', content: 'You are a terse assistant.' },
        { role: 'user', content: 'Hello there.' },
        { role: 'assistant', content: "Hi, I'm Claude. How can I help you?" },
        { role: 'user', content: "What's the Greek name for Sun? (A) Sol (B) Helios (C) Sun" },
        { role: 'assistant', content: 'The best answer is (' },
      ],
      max_tokens: 1024,
    },
  ],
  [
    'system as text blocks keeps cache_control on its part',
    { ...base, system: [{ type: 'text', text: 'You are an AI assistant.' }, { type: 'text', text: '<the entire book>', cache_control: EPHEMERAL }], messages: hello },
    {
      model: 'smart',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are an AI assistant.' }, { type: 'text', text: '<the entire book>', cache_control: EPHEMERAL }] },
        ...hello,
      ],
      max_tokens: 1024,
    },
  ],
  [
    'a system message inside messages stays in place',
    { ...base, messages: [...hello, { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] }, { role: 'user', content: 'Bonjour' }] },
    { model: 'smart', messages: [...hello, { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] }, { role: 'user', content: 'Bonjour' }], max_tokens: 1024 },
  ],
  [
    'text and images: base64 → data URL, url → URL, cache_control kept',
    {
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG }, cache_control: EPHEMERAL },
            { type: 'image', source: { type: 'url', url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' } },
            { type: 'text', text: 'Compare these images.' },
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
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` }, cache_control: EPHEMERAL },
            { type: 'image_url', image_url: { url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' } },
            { type: 'text', text: 'Compare these images.' },
          ],
        },
      ],
      max_tokens: 1024,
    },
  ],
  [
    'tool_use → tool_calls; tool_result → tool messages (is_error noted), then the rest of the user turn',
    {
      ...base,
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'What is the weather like in San Francisco and Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'I will check both.' },
            { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { location: 'San Francisco, CA' } },
            { type: 'tool_use', id: 'toolu_02B', name: 'get_weather', input: { location: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: '15 degrees' },
            { type: 'tool_result', tool_use_id: 'toolu_02B', content: 'ConnectionError: the weather service API is not available (HTTP 500)', is_error: true },
            { type: 'text', text: 'Summarize please.' },
          ],
        },
      ],
    },
    {
      model: 'smart',
      messages: [
        { role: 'user', content: 'What is the weather like in San Francisco and Paris?' },
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'I will check both.' }],
          tool_calls: [
            { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' } },
            { id: 'toolu_02B', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9', content: '15 degrees' },
        { role: 'tool', tool_call_id: 'toolu_02B', content: 'Error: ConnectionError: the weather service API is not available (HTTP 500)' },
        { role: 'user', content: [{ type: 'text', text: 'Summarize please.' }] },
      ],
      max_tokens: 1024,
      tools: [{ type: 'function', function: { name: 'get_weather', description: WEATHER.description, parameters: WEATHER.input_schema } }],
    },
  ],
  [
    'tool_use only (no text) → content null; tool_result with text blocks and cache_control; empty results',
    {
      ...base,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }, { type: 'tool_use', id: 't2', name: 'get_weather', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'part one' }, { type: 'text', text: 'part two' }], cache_control: EPHEMERAL },
            { type: 'tool_result', tool_use_id: 't2', is_error: true },
          ],
        },
      ],
    },
    {
      model: 'smart',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
            { id: 't2', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: [{ type: 'text', text: 'part one' }, { type: 'text', text: 'part two', cache_control: EPHEMERAL }] },
        { role: 'tool', tool_call_id: 't2', content: 'Error' },
      ],
      max_tokens: 1024,
    },
  ],
  [
    'tools with strict and cache_control; tool_choice any with parallel use disabled',
    { ...base, messages: hello, tools: [{ ...WEATHER, strict: true, cache_control: EPHEMERAL }], tool_choice: { type: 'any', disable_parallel_tool_use: true } },
    {
      model: 'smart',
      messages: hello,
      max_tokens: 1024,
      tools: [{ type: 'function', function: { name: 'get_weather', description: WEATHER.description, parameters: WEATHER.input_schema, strict: true }, cache_control: EPHEMERAL }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    },
  ],
  [
    'sampling, stop sequences, metadata and stream',
    { ...base, messages: hello, stop_sequences: ['\n\nHuman:', 'END'], temperature: 0.2, top_p: 0.9, top_k: 40, metadata: { user_id: '13803d75-b4b5-4c3e-b2a2-6f21399b021b' }, stream: true },
    {
      model: 'smart',
      messages: hello,
      max_tokens: 1024,
      stop: ['\n\nHuman:', 'END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      user: '13803d75-b4b5-4c3e-b2a2-6f21399b021b',
      stream: true,
    },
  ],
  ['metadata without a user id adds nothing', { ...base, messages: hello, metadata: { user_id: null } }, { model: 'smart', messages: hello, max_tokens: 1024 }],
  [
    'output_config.format → response_format json_schema (strict)',
    { ...base, messages: hello, output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } } },
    {
      model: 'smart',
      messages: hello,
      max_tokens: 1024,
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, strict: true } },
    },
  ],
];

const TOOL_CHOICES: readonly [JsonObject, JsonObject][] = [
  [{ type: 'auto' }, { tool_choice: 'auto' }],
  [{ type: 'auto', disable_parallel_tool_use: true }, { tool_choice: 'auto', parallel_tool_calls: false }],
  [{ type: 'any' }, { tool_choice: 'required' }],
  [{ type: 'any', disable_parallel_tool_use: false }, { tool_choice: 'required' }],
  [{ type: 'tool', name: 'get_weather' }, { tool_choice: { type: 'function', function: { name: 'get_weather' } } }],
  [{ type: 'none' }, { tool_choice: 'none' }],
];

/** [name, body, param, words the message must contain]. */
const REFUSALS: readonly [string, JsonObject, string, string][] = [
  ['max_tokens missing', { model: 'smart', messages: hello }, 'max_tokens', 'required'],
  ['max_tokens zero', { ...base, max_tokens: 0, messages: hello }, 'max_tokens', 'integer of at least 1'],
  ['model missing', { max_tokens: 5, messages: hello }, 'model', 'string'],
  ['messages missing', { ...base }, 'messages', 'array'],
  ['messages empty', { ...base, messages: [] }, 'messages', 'at least one'],
  ['thinking', { ...base, messages: hello, thinking: { type: 'enabled', budget_tokens: 2048 } }, 'thinking', 'extended thinking'],
  ['container', { ...base, messages: hello, container: 'container_1' }, 'container', 'server tools'],
  ['mcp_servers', { ...base, messages: hello, mcp_servers: [] }, 'mcp_servers', 'MCP'],
  ['top-level cache_control', { ...base, messages: hello, cache_control: EPHEMERAL }, 'cache_control', 'content blocks'],
  ['service_tier', { ...base, messages: hello, service_tier: 'standard_only' }, 'service_tier', 'route'],
  ['an unknown field', { ...base, messages: hello, frequency_penalty: 1 }, 'frequency_penalty', 'never drops'],
  ['a message that is not an object', { ...base, messages: ['hi'] }, 'messages[0]', 'object'],
  ['an unknown role', { ...base, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role', "'user', 'assistant' or 'system'"],
  ['content missing', { ...base, messages: [{ role: 'user' }] }, 'messages[0].content', 'required'],
  ['a user message with no blocks', { ...base, messages: [{ role: 'user', content: [] }] }, 'messages[0].content', 'at least one content block'],
  ['an extra message field', { ...base, messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'messages[0].name', 'not supported'],
  [
    'a document block',
    { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarize' }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }] }] },
    'messages[0].content[1].type',
    "'document' blocks",
  ],
  [
    'a thinking block in the history',
    { ...base, messages: [...hello, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'Hi' }] }] },
    'messages[1].content[0].type',
    'thinking blocks',
  ],
  ['a block without a type', { ...base, messages: [{ role: 'user', content: [{ text: 'x' }] }] }, 'messages[0].content[0].type', 'string'],
  [
    'an image from the Files API',
    { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_011' } }] }] },
    'messages[0].content[0].source.type',
    'base64 or a URL',
  ],
  [
    'an unsupported image media type',
    { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'Qk0=' } }] }] },
    'messages[0].content[0].source.media_type',
    'image/jpeg',
  ],
  ['an image source of an unknown type', { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 's3' } }] }] }, 'messages[0].content[0].source.type', "'base64' or 'url'"],
  [
    'a tool_result after other content',
    {
      ...base,
      messages: [
        ...hello,
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
        { role: 'user', content: [{ type: 'text', text: 'Here:' }, { type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
      ],
    },
    'messages[2].content[1]',
    'must come before',
  ],
  [
    'an image inside a tool_result',
    {
      ...base,
      messages: [
        ...hello,
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'screenshot', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }] },
      ],
    },
    'messages[2].content[0].content[0].type',
    'text only',
  ],
  ['a tool_result without tool_use_id', { ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] }, 'messages[0].content[0].tool_use_id', 'string'],
  ['tool_use input that is not an object', { ...base, messages: [...hello, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: 'x' }] }] }, 'messages[1].content[0].input', 'object'],
  ['citations on a text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x', citations: [{ type: 'char_location' }] }] }] }, 'messages[0].content[0].citations', 'citations'],
  ['a server tool', { ...base, messages: hello, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }] }, 'tools[0].type', 'server tool'],
  ['a tool without input_schema', { ...base, messages: hello, tools: [{ name: 'get_weather' }] }, 'tools[0].input_schema', 'object'],
  ['a tool field the chat request lacks', { ...base, messages: hello, tools: [{ ...WEATHER, input_examples: [] }] }, 'tools[0].input_examples', 'not supported'],
  ['tool_choice of an unknown type', { ...base, messages: hello, tool_choice: { type: 'function' } }, 'tool_choice.type', "'auto', 'any', 'tool' or 'none'"],
  ['tool_choice tool without a name', { ...base, messages: hello, tool_choice: { type: 'tool' } }, 'tool_choice.name', 'string'],
  ['tool_choice none with options', { ...base, messages: hello, tool_choice: { type: 'none', disable_parallel_tool_use: true } }, 'tool_choice.disable_parallel_tool_use', 'not supported'],
  ['metadata with an unknown key', { ...base, messages: hello, metadata: { session: 'x' } }, 'metadata.session', 'not supported'],
  ['output_config.effort', { ...base, messages: hello, output_config: { effort: 'high' } }, 'output_config.effort', 'effort'],
  ['an output format that is not a schema', { ...base, messages: hello, output_config: { format: { type: 'text' } } }, 'output_config.format.type', 'json_schema'],
  ['stop_sequences with a number', { ...base, messages: hello, stop_sequences: ['END', 4] }, 'stop_sequences[1]', 'string'],
  ['temperature as a string', { ...base, messages: hello, temperature: '0.5' }, 'temperature', 'number'],
  ['top_k negative', { ...base, messages: hello, top_k: -1 }, 'top_k', 'integer'],
  ['stream as a string', { ...base, messages: hello, stream: 'yes' }, 'stream', 'boolean'],
];

describe('messagesProtocol.toChat', () => {
  it.each(TRANSLATIONS)('%s', (_name, body, chat) => {
    expect(messagesProtocol.toChat(body)).toEqual(chat);
  });

  it.each(TOOL_CHOICES)('tool_choice %j', (choice, chat) => {
    expect(messagesProtocol.toChat({ ...base, messages: hello, tool_choice: choice })).toEqual({ model: 'smart', messages: hello, max_tokens: 1024, ...chat });
  });

  it.each(REFUSALS)('refuses %s', (_name, body, param, words) => {
    const message = refusal(messagesProtocol, body, param);
    expect(message).toContain(param);
    expect(message).toContain(words);
  });

  it('wants a stream only for stream: true', () => {
    expect(messagesProtocol.wantsStream({ ...base, messages: hello, stream: true })).toBe(true);
    expect(messagesProtocol.wantsStream({ ...base, messages: hello, stream: false })).toBe(false);
    expect(messagesProtocol.wantsStream({ ...base, messages: hello })).toBe(false);
  });

  it('takes the request body the Anthropic SDK sends', async () => {
    const { fetch, sent } = stubFetch(400, JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'stop here' } }));
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://gateway.test', maxRetries: 0, fetch });
    await expect(
      client.messages.create({
        model: 'smart',
        max_tokens: 256,
        system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }],
        tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
        tool_choice: { type: 'tool', name: 'get_weather' },
        stop_sequences: ['END'],
        metadata: { user_id: 'u-1' },
      }),
    ).rejects.toThrow();
    const body = sent[0];
    if (!body) throw new Error('the SDK sent nothing');
    expect(messagesProtocol.toChat(body)).toMatchObject({
      model: 'smart',
      max_tokens: 256,
      messages: [{ role: 'system' }, { role: 'user', content: [{ type: 'text' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stop: ['END'],
      user: 'u-1',
    });
  });
});
