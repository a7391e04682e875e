/**
 * Chat completions requests to Messages API requests: the rules the conformance transcripts
 * do not cover (system prompts anywhere, merged turns, tool choice forms, cache markers,
 * refused inputs, headers).
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../runtime/openai/types.ts';
import { anthropicAdapter } from '../../../../runtime/providers/anthropic/index.ts';
import { messagesBody } from '../../../../runtime/providers/anthropic/request.ts';
import { UnsupportedInput } from '../../../../runtime/providers/types.ts';
import { input, KEY, PROVIDER } from './support.ts';

const body = (b: JsonObject): JsonObject => messagesBody({ model: 'm', ...b }, 'claude-test', 1024);
const refused = (b: JsonObject): string => {
  try {
    body(b);
  } catch (err) {
    expect(err).toBeInstanceOf(UnsupportedInput);
    return (err as Error).message;
  }
  throw new Error('expected UnsupportedInput');
};
const user = (content: unknown): JsonObject => ({ role: 'user', content });
const PNG = 'iVBORw0KGgo=';

describe('system prompts', () => {
  it('collects every system and developer message, wherever it is, into system text blocks in order', () => {
    const out = body({
      messages: [
        { role: 'system', content: 'Be terse.' },
        user('Hi'),
        { role: 'assistant', content: 'Hello.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
        user('Capital of Italy?'),
        { role: 'system', content: 'Never guess.' },
      ],
    });
    expect(out.system).toEqual([
      { type: 'text', text: 'Be terse.' },
      { type: 'text', text: 'Use French.' },
      { type: 'text', text: 'Never guess.' },
    ]);
    expect(out.messages).toEqual([user('Hi'), { role: 'assistant', content: 'Hello.' }, user('Capital of Italy?')]);
  });

  it('merges the user turns a system message separated instead of sending two user turns', () => {
    const out = body({ messages: [user('One'), { role: 'system', content: 'Rule' }, user('Two')] });
    expect(out.messages).toEqual([user([{ type: 'text', text: 'One' }, { type: 'text', text: 'Two' }])]);
  });

  it('sends no system member without system messages, and refuses non-text system parts', () => {
    expect(body({ messages: [user('Hi')] })).not.toHaveProperty('system');
    expect(refused({ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }, user('Hi')] })).toContain('only text parts');
  });
});

describe('turns', () => {
  it('merges consecutive messages of one role, keeping their order', () => {
    const out = body({ messages: [user('a'), user([{ type: 'text', text: 'b' }]), { role: 'assistant', content: 'c' }, { role: 'assistant', content: 'd' }] });
    expect(out.messages).toEqual([
      user([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }]),
      { role: 'assistant', content: [{ type: 'text', text: 'c' }, { type: 'text', text: 'd' }] },
    ]);
  });

  it('turns tool messages into tool_result blocks of one user turn, results before a following user text', () => {
    const out = body({
      messages: [
        user('Weather?'),
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{"city":"Oslo"}' } }] },
        user('Also hurry.'),
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'sunny' }] },
      ],
    });
    expect(out.messages).toEqual([
      user('Weather?'),
      { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'c1', name: 'w', input: { city: 'Oslo' } }] },
      user([{ type: 'tool_result', tool_use_id: 'c1', content: [{ type: 'text', text: 'sunny' }] }, { type: 'text', text: 'Also hurry.' }]),
    ]);
  });

  it('reads empty tool arguments as no arguments, and refuses arguments that are not a JSON object', () => {
    const call = (args: unknown) => ({ messages: [user('x'), { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }] });
    expect((body(call('')).messages as JsonObject[])[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }] });
    expect(refused(call('{"city": '))).toBe('messages[1]: the arguments of tool call c are not valid JSON');
    expect(refused(call('[1,2]'))).toContain('must be a JSON object');
  });

  it('sends an assistant refusal back as assistant text', () => {
    const out = body({ messages: [user('a'), { role: 'assistant', content: null, refusal: 'I cannot help with that.' }, user('b'), { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }] }] });
    expect(out.messages).toEqual([user('a'), { role: 'assistant', content: 'I cannot help with that.' }, user('b'), { role: 'assistant', content: 'No.' }]);
  });

  it('leaves out messages without content (the API refuses empty turns and empty text blocks)', () => {
    const out = body({ messages: [user('a'), { role: 'assistant', content: '' }, user('b')] });
    expect(out.messages).toEqual([user([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }])]);
  });
});

describe('content parts', () => {
  it('maps https images to url sources and base64 data URLs to base64 sources without re-encoding', () => {
    const out = body({ messages: [user([{ type: 'image_url', image_url: { url: `data:image/PNG;base64,${PNG}`, detail: 'high' } }, { type: 'image_url', image_url: 'https://ex.com/a.jpg' }])] });
    expect(out.messages).toEqual([
      user([
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        { type: 'image', source: { type: 'url', url: 'https://ex.com/a.jpg' } },
      ]),
    ]);
  });

  it('maps a base64 PDF file part to a document block', () => {
    const out = body({ messages: [user([{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } }])] });
    expect(out.messages).toEqual([user([{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }])]);
  });

  it('passes cache_control markers through to the blocks they sit on', () => {
    const mark = { type: 'ephemeral' };
    const long = { type: 'ephemeral', ttl: '1h' };
    const out = body({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long manual…', cache_control: long }] },
        user([
          { type: 'text', text: 'Question', cache_control: mark },
          { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${PNG}` }, cache_control: mark },
        ]),
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' }, cache_control: mark }] },
        { role: 'tool', tool_call_id: 'c', content: [{ type: 'text', text: 'big result', cache_control: mark }] },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } }, cache_control: mark }],
    });
    expect(out.system).toEqual([{ type: 'text', text: 'Long manual…', cache_control: long }]);
    expect((out.messages as JsonObject[])[0]).toEqual(
      user([
        { type: 'text', text: 'Question', cache_control: mark },
        { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: PNG }, cache_control: mark },
      ]),
    );
    expect((out.messages as JsonObject[])[1]).toEqual({ role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'f', input: {}, cache_control: mark }] });
    expect((out.messages as JsonObject[])[2]).toEqual(user([{ type: 'tool_result', tool_use_id: 'c', content: [{ type: 'text', text: 'big result', cache_control: mark }] }]));
    expect(out.tools).toEqual([{ name: 'f', input_schema: { type: 'object' }, cache_control: mark }]);
  });

  it('puts a cache_control marker on a whole message onto that message’s last block', () => {
    const mark = { type: 'ephemeral' };
    const out = body({
      messages: [
        { role: 'system', content: 'Long manual…', cache_control: mark },
        { role: 'user', content: [{ type: 'text', text: 'First' }, { type: 'text', text: 'Second' }], cache_control: mark },
      ],
    });
    expect(out.system).toEqual([{ type: 'text', text: 'Long manual…', cache_control: mark }]);
    expect((out.messages as JsonObject[])[0]).toEqual(user([{ type: 'text', text: 'First' }, { type: 'text', text: 'Second', cache_control: mark }]));
  });

  it('passes strict tool use through', () => {
    const out = body({ messages: [user('Hi')], tools: [{ type: 'function', function: { name: 'f', strict: true, parameters: { type: 'object' } } }] });
    expect(out.tools).toEqual([{ name: 'f', input_schema: { type: 'object' }, strict: true }]);
  });

  it.each([
    [[{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }], 'audio input is not supported'],
    [[{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }], 'image type image/tiff is not supported'],
    [[{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }], 'must be base64'],
    [[{ type: 'image_url', image_url: { url: 'ftp://ex.com/a.png' } }], 'https URLs or base64 data URLs'],
    [[{ type: 'file', file: { file_id: 'file-abc' } }], 'only PDF files'],
    [[{ type: 'text', text: 'x', cache_control: 'ephemeral' }], '"cache_control" must be an object'],
    [[{ type: 'video_url', video_url: 'x' }], 'content parts of type video_url are not supported'],
  ])('refuses %j', (content, message) => {
    expect(refused({ messages: [user(content)] })).toContain(message);
  });
});

describe('parameters', () => {
  it('translates max tokens, sampling, stop and user; the provider default fills max_tokens', () => {
    expect(body({ messages: [user('x')], max_tokens: 50, max_completion_tokens: 70, temperature: 0.5, top_p: 0.8, top_k: 40, stop: 'END', user: 'u-42', seed: 7, stream_options: { include_usage: true }, metadata: { team: 'a' }, n: 1, frequency_penalty: 0, store: true, service_tier: 'flex', prompt_cache_key: 'k' })).toEqual({
      model: 'claude-test',
      messages: [user('x')],
      max_tokens: 70,
      temperature: 0.5,
      top_p: 0.8,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-42' },
    });
    expect(body({ messages: [user('x')], stop: [] })).toEqual({ model: 'claude-test', messages: [user('x')], max_tokens: 1024 });
  });

  it.each([
    [{ n: 2 }, '"n" is not supported'],
    [{ logprobs: true }, 'log probabilities'],
    [{ top_logprobs: 2 }, 'log probabilities'],
    [{ presence_penalty: 0.5 }, 'presence penalty'],
    [{ response_format: { type: 'json_object' } }, 'response_format'],
    [{ modalities: ['text', 'audio'] }, 'text only'],
    [{ audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
    [{ reasoning_effort: 'high' }, 'extended thinking'],
    [{ functions: [{ name: 'f' }] }, 'use "tools"'],
    [{ thinking: { type: 'enabled', budget_tokens: 2048 } }, '"thinking" is not a chat completions parameter'],
    [{ stop: [1, 2] }, '"stop" must be'],
  ])('refuses %j', (extra, message) => {
    expect(refused({ messages: [user('x')], ...extra })).toContain(message);
  });
});

describe('tools and tool choice', () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather.', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }, { type: 'function', function: { name: 'ping' } }];

  it('maps function tools to name, description and input_schema (an empty object schema when none)', () => {
    expect(body({ messages: [user('x')], tools }).tools).toEqual([
      { name: 'get_weather', description: 'Weather.', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'ping', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(refused({ messages: [user('x')], tools: [{ type: 'custom', custom: { name: 'x' } }] })).toContain('only function tools');
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['none', undefined, { type: 'none' }],
    ['required', undefined, { type: 'any' }],
    [{ type: 'function', function: { name: 'get_weather' } }, undefined, { type: 'tool', name: 'get_weather' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [{ type: 'function', function: { name: 'ping' } }, false, { type: 'tool', name: 'ping', disable_parallel_tool_use: true }],
    ['none', false, { type: 'none' }],
    ['auto', true, { type: 'auto' }],
  ] as const)('tool_choice %j with parallel_tool_calls %j → %j', (choice, parallel, want) => {
    expect(body({ messages: [user('x')], tools, tool_choice: choice, parallel_tool_calls: parallel }).tool_choice).toEqual(want);
  });

  it('sends no tool_choice by default and refuses unknown forms', () => {
    expect(body({ messages: [user('x')], tools })).not.toHaveProperty('tool_choice');
    expect(refused({ messages: [user('x')], tools, tool_choice: { type: 'allowed_tools', allowed_tools: {} } })).toContain('"tool_choice" must be');
  });
});

describe('the upstream request', () => {
  it('posts to {baseUrl}/v1/messages with the key, the version, and the pipeline headers', () => {
    const r = anthropicAdapter.chat.request(input({ messages: [user('x')], stream: true }, { provider: { ...PROVIDER, baseUrl: 'https://gw.example.com/anthropic/' }, headers: { 'user-agent': 'ua', 'idempotency-key': 'k1' } }));
    expect(r.url).toBe('https://gw.example.com/anthropic/v1/messages');
    expect(r.method).toBe('POST');
    expect(r.headers).toEqual({ 'content-type': 'application/json', accept: 'text/event-stream', 'anthropic-version': '2023-06-01', 'user-agent': 'ua', 'idempotency-key': 'k1', 'x-api-key': KEY });
    expect(JSON.parse(r.body as string)).toEqual({ model: 'claude-test', messages: [user('x')], max_tokens: 1024, stream: true });
  });

  it('lets a pipeline anthropic-version header win over the provider default, but never the key', () => {
    const r = anthropicAdapter.chat.request(input({ messages: [user('x')] }, { headers: { 'anthropic-version': '2024-01-01', 'x-api-key': 'client-key' } }));
    expect(r.headers['anthropic-version']).toBe('2024-01-01');
    expect(r.headers['x-api-key']).toBe(KEY);
    expect(r.headers.accept).toBe('application/json');
  });
});
